// WRONG: pipe into a child's stdin with no 'error' listener on it:
//   const child = spawn("ffmpeg", ["-i", "pipe:0", "-frames:v", "1", "-f", "image2", "pipe:1"]);
//   createReadStream("video.mp4").pipe(child.stdin);
//   -> node:events  throw er; // Unhandled 'error' event
//      Error: write EPIPE ... { errno: -32, code: 'EPIPE', syscall: 'write' }
// ffmpeg had its frame and exited (or failed on a bad option) before reading all the input; the
// unhandled error on child.stdin crashes the parent, and the child's exit status is never read.

import { spawn } from "node:child_process";
import { pipeline } from "node:stream/promises";

// What a write into a child that has stopped reading reports (EPIPE on Unix, EOF or ECONNRESET
// on Windows, a premature close or a destroyed stream when the pipe is torn down mid-write).
const STOPPED_READING = new Set([
  "EPIPE", "EOF", "ECONNRESET", "ERR_STREAM_PREMATURE_CLOSE", "ERR_STREAM_DESTROYED",
]);

export class ChildProcessFailed extends Error {}

/**
 * Stream `source` (a Readable or an iterable of Buffers) into `command`'s stdin. Resolves with
 * { code, stdout, stderr, stoppedEarly } when the child exits with 0, even if it stopped reading
 * early; rejects with the child's stderr when it failed, or with the spawn error (ENOENT).
 */
export async function feedChild(command, args, source, { timeoutMs = 60_000 } = {}) {
  const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], timeout: timeoutMs });
  const stdout = [];
  const stderr = [];
  child.stdout.on("data", (chunk) => stdout.push(chunk));
  child.stderr.on("data", (chunk) => stderr.push(chunk));
  const exited = new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  // pipeline() listens for 'error' on child.stdin and stops reading `source` when it fails.
  const [fed, exit] = await Promise.allSettled([pipeline(source, child.stdin), exited]);
  if (exit.status === "rejected") throw exit.reason;
  if (fed.status === "rejected" && !STOPPED_READING.has(fed.reason.code)) throw fed.reason;
  const { code, signal } = exit.value;
  const err = Buffer.concat(stderr).toString();
  if (code !== 0) {
    const reason = err.trim().slice(-2000) || "no message on stderr";
    throw new ChildProcessFailed(`${command} exited with ${signal ?? `status ${code}`}: ${reason}`);
  }
  return { code, stdout: Buffer.concat(stdout), stderr: err, stoppedEarly: fed.status === "rejected" };
}
