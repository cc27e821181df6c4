// Synchronous CPU work or I/O (pbkdf2Sync, readFileSync, a big JSON.parse, a busy loop) runs on
// the event loop thread: every other request, timer and socket waits until it returns. Use the
// async form (run on libuv's thread pool) or move CPU-bound work to a worker thread.
import { pbkdf2 } from "node:crypto";
import { promisify } from "node:util";

const pbkdf2Async = promisify(pbkdf2);

export async function hashPassword(password, salt, iterations = 100_000) {
  const key = await pbkdf2Async(password, salt, iterations, 32, "sha256");
  return key.toString("hex");
}
