// A child that reads 10 bytes and exits while the parent pipes 5 MiB into it: the plain .pipe()
// crashes the parent with "Error: write EPIPE"; feedChild finishes and reports the child's
// status, a failing child's stderr, a missing program, and a child that reads everything.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { Readable } from "node:stream";
import { writeFileSync } from "node:fs";
import { loadSnippet, record } from "./errata_check.mjs";

const { feedChild, ChildProcessFailed } = await loadSnippet();
const NODE = process.execPath;
const READ_10 = "require('fs').readSync(0, Buffer.alloc(10)); console.log('got 10 bytes')";
const REFUSE = "console.error('error: unknown option --bogus'); process.exit(2)";
const READ_ALL = "let n = 0; process.stdin.on('data', (c) => { n += c.length; });"
  + " process.stdin.on('end', () => console.log(n))";
const CHUNK = Buffer.alloc(65536, 120);
const COUNT = 80; // 5 MiB, far more than a pipe buffer holds
function* chunks() { for (let i = 0; i < COUNT; i++) yield CHUNK; }

// The unhandled version, run as its own program: it crashes.
writeFileSync("/tmp/plain.mjs", `import { spawn } from "node:child_process";
import { Readable } from "node:stream";
const child = spawn(process.execPath, ["-e", ${JSON.stringify(READ_10)}]);
function* chunks() { for (let i = 0; i < ${COUNT}; i++) yield Buffer.alloc(65536, 120); }
Readable.from(chunks()).pipe(child.stdin);
`);
const plain = spawnSync(NODE, ["/tmp/plain.mjs"], { encoding: "utf8", timeout: 60_000 });
assert.match(plain.stderr, /Unhandled 'error' event/);
assert.match(plain.stderr, /Error: write EPIPE/);
assert.notEqual(plain.status, 0);

// The child finished with what it needed: not an error.
const early = await feedChild(NODE, ["-e", READ_10], Readable.from(chunks()));
assert.equal(early.code, 0);
assert.equal(early.stdout.toString(), "got 10 bytes\n");
assert.equal(early.stoppedEarly, true);

// The child failed: its own message reaches the caller, not "write EPIPE".
const failed = await feedChild(NODE, ["-e", REFUSE], Readable.from(chunks())).then(
  () => assert.fail("a failing child was reported as a success"),
  (error) => error,
);
assert.ok(failed instanceof ChildProcessFailed, failed);
assert.match(failed.message, /exited with status 2: error: unknown option --bogus/);

// A child that reads everything gets everything.
const full = await feedChild(NODE, ["-e", READ_ALL], Readable.from(chunks()));
assert.equal(full.stdout.toString(), `${CHUNK.length * COUNT}\n`);
assert.equal(full.stoppedEarly, false);

// A missing program rejects with ENOENT instead of crashing the parent.
await assert.rejects(feedChild("/nonexistent/ffmpeg", [], Readable.from(chunks())), { code: "ENOENT" });

record({
  plain_error: "Error: write EPIPE",
  early_exit_code: early.code,
  failed_child: failed.message,
});
