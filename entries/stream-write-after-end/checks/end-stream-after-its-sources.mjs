// Streams ended or destroyed by one path while another still writes: a log ended on a child's
// 'exit' while its output is still arriving ("write after end"), two sources piped into one
// destination (the first to end ends it), a file stream destroyed after an error while the
// producer goes on ("Cannot call write after a stream was destroyed"). The snippet's drainInto
// ends the destination once, after every source ended, and writeIfOpen drops late chunks.
import assert from "node:assert/strict";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { loadSnippet, record, sleep } from "./errata_check.mjs";

const folder = mkdtempSync(join(tmpdir(), "write-after-end-"));
function memoryLog() {
  const log = new Writable({
    write(chunk, encoding, done) {
      log.text += chunk;
      setTimeout(done, 2);
    },
    final(done) {
      setTimeout(done, 30); // flush and close, as a file does
    },
  });
  log.text = "";
  log.errors = [];
  log.on("error", (error) => log.errors.push(error));
  return log;
}
// A child process's stdout and stderr: 'exit' comes first, buffered output after it.
function fakeChild() {
  const child = { stdout: new PassThrough(), stderr: new PassThrough(), exited: null };
  child.exited = (async () => {
    child.stdout.write("step 1\n");
    await sleep(5);
    child.stderr.write("warning\n");
  })();
  child.exited.then(() =>
    setTimeout(() => {
      child.stdout.end("final summary\n");
      child.stderr.end();
    }, 5),
  );
  return child;
}

// WRONG 1: the log is ended when the child exits; its last output comes after.
const log1 = memoryLog();
const child1 = fakeChild();
for (const out of [child1.stdout, child1.stderr]) out.on("data", (chunk) => log1.write(chunk));
child1.exited.then(() => log1.end());
await sleep(60);
assert.equal(log1.errors.length, 1);
assert.equal(log1.errors[0].code, "ERR_STREAM_WRITE_AFTER_END");
assert.equal(log1.errors[0].message, "write after end");
assert.doesNotMatch(log1.text, /final summary/);

// WRONG 2: two sources piped into one destination; the first to end ends it for both.
const log2 = memoryLog();
const a = new PassThrough();
const b = new PassThrough();
a.pipe(log2);
b.pipe(log2);
a.end("a done\n");
b.write("b still writing\n");
setTimeout(() => b.end("b done\n"), 10);
await sleep(60);
assert.ok(log2.errors.length >= 1);
assert.ok(log2.errors.every((e) => e.code === "ERR_STREAM_WRITE_AFTER_END"));
assert.doesNotMatch(log2.text, /b done/);

// WRONG 3: the file stream is destroyed on an error; the producer keeps writing into it.
const out3 = createWriteStream(join(folder, "wrong.txt"));
const destroyedErrors = [];
out3.write("row 1\n");
out3.destroy();
for (const row of ["row 2\n", "row 3\n"]) out3.write(row, (error) => error && destroyedErrors.push(error));
await sleep(20);
assert.deepEqual(destroyedErrors.map((e) => e.code), ["ERR_STREAM_DESTROYED", "ERR_STREAM_DESTROYED"]);
assert.equal(destroyedErrors[0].message, "Cannot call write after a stream was destroyed");

// RIGHT
const { drainInto, writeIfOpen } = await loadSnippet();
const log4 = memoryLog();
const child4 = fakeChild();
await drainInto(log4, child4.stdout, child4.stderr);
assert.deepEqual(log4.errors, []);
assert.equal(log4.writableFinished, true);
assert.deepEqual(log4.text.split("\n").filter(Boolean).sort(), ["final summary", "step 1", "warning"]);

const file = join(folder, "right.txt");
const c = new PassThrough();
const d = new PassThrough();
const merged = drainInto(createWriteStream(file), c, d);
c.end("c done\n");
d.write("d still writing\n");
setTimeout(() => d.end("d done\n"), 10);
await merged;
assert.deepEqual(readFileSync(file, "utf8").split("\n").filter(Boolean).sort(), ["c done", "d done", "d still writing"]);

// A source that fails: pipeline destroys the streams and drainInto rejects once; no late write.
const log5 = memoryLog();
const failing = new PassThrough();
const pending = drainInto(log5, failing);
failing.write("partial\n");
failing.destroy(new Error("upstream broke"));
await assert.rejects(pending, /upstream broke/);
const dropped = [];
assert.equal(writeIfOpen(log5, "after the failure\n", (chunk) => dropped.push(String(chunk))), false);
assert.deepEqual(dropped, ["after the failure\n"]);
assert.ok(log5.errors.every((e) => e.message === "upstream broke"));
const ended = memoryLog();
ended.end("done\n");
assert.equal(writeIfOpen(ended, "late\n"), false);
await once(ended, "finish");
assert.deepEqual(ended.errors, []);

record({
  wrong: {
    logEndedOnExit: log1.errors.map((e) => e.message),
    twoSourcesOnePipe: log2.errors.length,
    writeAfterDestroy: destroyedErrors[0].message,
  },
  right: { logLines: log4.text.split("\n").filter(Boolean).length, errors: 0 },
});
