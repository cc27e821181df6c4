// Started in the sandbox as `node /tmp/boot.mjs PROGRAM VERDICT_FD NONCE_FD` (see boot.py).
//
// Imports PROGRAM (check.mjs/check.mts, or snippet.mjs/snippet.mts when an entry has no check)
// and, only when its evaluation (top-level await included) settled without an error and then
// the event loop ran dry (every timer, promise and socket it started is done: 'beforeExit'),
// sends the harness its verdict on the run's own channel, exactly as boot.py does:
//
//     -> "ready\n"                 on VERDICT_FD: the program has finished, send the nonce
//     <- "<nonce>\n"               on NONCE_FD: given once per run, only now
//     -> {"nonce", "verdict", "figures"} as one JSON line on VERDICT_FD
//
// A thrown error, a rejected promise nobody handled, `process.exit` (even 0), a signal or a
// program that never settles ends the run before this: the harness records no pass whatever
// the exit code, and nothing printed counts. Work a check forgot to await still runs (and fails
// the run if it throws); a server or interval left open holds the run until its deadline.
// Node's built-in modules only.

import { closeSync, readSync, writeSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [program, verdictArg, nonceArg] = process.argv.slice(2);
const verdictFd = Number(verdictArg);
const nonceFd = Number(nonceArg);
// Bound now: a program that patches fs, JSON or process later changes none of these.
const write = writeSync, read = readSync, close = closeSync, stringify = JSON.stringify;
const exit = process.exit.bind(process);
const stderr = process.stderr;
const verdict = /\/check\.[^/]+$/.test(program) ? "passed" : "ran_without_error";
const lib = await import("./errata_check.mjs");
const figuresOf = lib.recordedFigures;

function send(text) {
  const data = Buffer.from(text, "utf8");
  let sent = 0;
  while (sent < data.length) sent += write(verdictFd, data, sent);
}

function receiveLine() {
  const buffer = Buffer.alloc(256);
  let line = "";
  while (!line.endsWith("\n") && line.length < 256) {
    const n = read(nonceFd, buffer, 0, 256, null);
    if (n === 0) break;
    line += buffer.toString("ascii", 0, n);
  }
  return line.trim();
}

function where(error) {
  const stack = String((error && error.stack) || "");
  const match = stack.match(/\/tmp\/([^/:)\s]+):(\d+)(?::\d+)?/);
  return match ? ` (${match[1]}, line ${match[2]})` : "";
}

function fail(error) {
  // The stack, then one last line like a Python traceback's: "Name: message (file, line N)".
  const head = error instanceof Error ? `${error.name}: ${error.message}` : `thrown: ${String(error)}`;
  stderr.write(`${(error && error.stack) || head}\n${head.split("\n")[0]}${where(error)}\n`);
  exit(1);
}

process.on("uncaughtException", fail); // also rejections nobody handled (Node's default mode)

function finish() {
  const figures = verdict === "passed" ? figuresOf() : {};
  send("ready\n");
  const nonce = receiveLine();
  send(stringify({ nonce, verdict, figures }) + "\n");
  close(verdictFd);
  close(nonceFd);
  exit(0);
}

let evaluated = false;
process.once("beforeExit", () => evaluated && finish());
try {
  await import(pathToFileURL(program).href);
  evaluated = true;
} catch (error) {
  fail(error);
}
