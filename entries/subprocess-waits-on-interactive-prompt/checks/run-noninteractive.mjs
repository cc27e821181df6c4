// A child that asks for a password and reads stdin: with Node's default stdin pipe it is still
// running after 1 s; runNonInteractive rejects at once with the prompt's text, and kills a
// child stuck at a yes/no question (with a grandchild holding its pipe) at the timeout.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { loadSnippet, record } from "./errata_check.mjs";

const { runNonInteractive, CommandFailed } = await loadSnippet();
const NODE = process.execPath;
const SUDO_LIKE = `
process.stderr.write("[sudo] password for agent: ");
let got = "";
process.stdin.on("data", (c) => { got += c; });
process.stdin.on("end", () => {
  if (!got) { process.stderr.write("\\nsudo: no password was provided\\n"); process.exit(1); }
  console.log("ran as root");
});`;
// Like ssh asking on /dev/tty: it never reads stdin; a grandchild keeps the output pipe open.
const TTY_LIKE = `
require("child_process").spawn(process.execPath, ["-e", "setTimeout(() => {}, 600000)"],
  { stdio: ["ignore", "inherit", "inherit"] });
process.stderr.write("Are you sure you want to continue connecting (yes/no/[fingerprint])? ");
setTimeout(() => {}, 600000);`;

// The default spawn: stdin is a pipe nobody writes; output is read, yet the child never exits.
const wrong = spawn(NODE, ["-e", SUDO_LIKE]);
let wrongOutput = "";
wrong.stdout.on("data", (c) => { wrongOutput += c; });
wrong.stderr.on("data", (c) => { wrongOutput += c; });
const exitedInTime = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve(false), 1000);
  wrong.once("close", () => { clearTimeout(timer); resolve(true); });
});
wrong.kill("SIGKILL");
assert.equal(exitedInTime, false, "the child should still be waiting for its password");
assert.equal(wrongOutput, "[sudo] password for agent: ");

let start = performance.now();
const sudo = await runNonInteractive(NODE, ["-e", SUDO_LIKE], { timeoutMs: 30_000 }).then(
  () => assert.fail("a child that got no password was reported as a success"),
  (error) => error,
);
const sudoMs = performance.now() - start;
assert.ok(sudo instanceof CommandFailed, sudo);
assert.match(sudo.message, /exited with status 1 at an interactive prompt: '\[sudo\] password for agent:'/);
assert.ok(sudoMs < 10_000, sudoMs);

start = performance.now();
const tty = await runNonInteractive(NODE, ["-e", TTY_LIKE], { timeoutMs: 1500 }).then(
  () => assert.fail("a child stuck at a question was reported as a success"),
  (error) => error,
);
const ttyMs = performance.now() - start;
assert.match(tty.message, /timed out after 1.5 s at an interactive prompt: .*continue connecting/);
assert.ok(ttyMs < 10_000, ttyMs); // the grandchild holding the pipe died with the group

const done = await runNonInteractive(NODE, ["-e", "console.log('built')"], { timeoutMs: 30_000 });
assert.deepEqual(done, { code: 0, output: "built\n" });

record({
  wrong_still_waiting_after_ms: 1000,
  sudo_failed_in_ms: Math.round(sudoMs),
  sudo_message: sudo.message,
  tty_timeout_ms: Math.round(ttyMs),
});
