// A Node program printing 100,000 lines into `head -n 3` crashes with "Error: write EPIPE";
// with exitQuietlyOnEpipe it exits 0 and prints nothing on stderr. Other stdout errors still throw.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { writeFileSync } from "node:fs";
import { loadSnippet, record } from "./errata_check.mjs";

const { exitQuietlyOnEpipe } = await loadSnippet();
// process.stdout.write (and stream.pipe(process.stdout)) reports EPIPE; console.log swallows it.
const loop = "for (let i = 0; i < 100000; i++) process.stdout.write(`row ${i}\\n`);\n";
writeFileSync("/tmp/plain.mjs", loop);
writeFileSync("/tmp/wrapped.mjs", `import { exitQuietlyOnEpipe } from "/tmp/snippet.mjs";\nexitQuietlyOnEpipe();\n${loop}`);

function pipeToHead(script) {
  const shell = `("${process.execPath}" ${script}; echo "status=$?" >&2) | head -n 3`;
  const done = spawnSync("sh", ["-c", shell], { encoding: "utf8", timeout: 60_000 });
  return { out: done.stdout, err: done.stderr };
}

const plain = pipeToHead("/tmp/plain.mjs");
assert.equal(plain.out, "row 0\nrow 1\nrow 2\n");
assert.match(plain.err, /Error: write EPIPE/);
assert.doesNotMatch(plain.err, /status=0\n/);
const wrapped = pipeToHead("/tmp/wrapped.mjs");
assert.equal(wrapped.out, "row 0\nrow 1\nrow 2\n");
assert.equal(wrapped.err, "status=0\n");

const other = new EventEmitter();
exitQuietlyOnEpipe(other, () => assert.fail("exited on a non-EPIPE error"));
assert.throws(() => other.emit("error", Object.assign(new Error("write EIO"), { code: "EIO" })), /EIO/);
record({ plain_error: "Error: write EPIPE", wrapped_stderr: wrapped.err.trim() });
