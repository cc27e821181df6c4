// WRONG: const data = await response.json();   (a 204 No Content, or an error path that sent nothing)
//        JSON.parse(readFileSync("cache.json", "utf8"))   (a 0-byte file left by an interrupted write)
//   SyntaxError: Unexpected end of JSON input
// Check for "no body" before parsing, name what was empty, and write files atomically.
import { readFile, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export class EmptyJSON extends Error {
  constructor(message) { super(message); this.name = "EmptyJSON"; }
}

const NO_BODY = new Set([204, 205, 304]);

export async function readJsonBody(response) {
  if (NO_BODY.has(response.status)) return null;
  const text = await response.text();
  if (text.trim() === "") {
    throw new EmptyJSON(`HTTP ${response.status} from ${response.url || "the server"}: empty body where JSON was expected`);
  }
  return JSON.parse(text);
}

export async function loadJsonFile(path) {
  const text = await readFile(path, "utf8");
  if (text.trim() === "") {
    throw new EmptyJSON(`${path} is empty (${text.length} bytes): never written, or a write was interrupted`);
  }
  return JSON.parse(text);
}

export async function saveJsonAtomic(path, data) {
  const temporary = join(dirname(path), `.${basename(path)}.tmp`);
  await writeFile(temporary, JSON.stringify(data));
  await rename(temporary, path);
}
