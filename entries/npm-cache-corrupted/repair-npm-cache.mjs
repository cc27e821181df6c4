// npm keeps every registry document and tarball it downloads in a content-addressed cache:
// <cache>/_cacache (npm config get cache; ~/.npm by default, %LocalAppData%\npm-cache on
// Windows). An index line names a key (the URL) and the sha512 of the stored body. A download
// cut short (a killed install, a full disk, a flaky proxy) can be stored whole as a cut
// document: its checksum matches the cut bytes, so `npm cache verify` keeps it, and every later
// install fails with "Unexpected end of JSON input" until the entry is gone. A body damaged
// after it was stored fails with EINTEGRITY instead.
// Usage: node repair-npm-cache.mjs [--cache DIR] [--fix]   (then run npm install again)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** The _cacache folder npm uses: $npm_config_cache, `npm config get cache`, else the default. */
export function npmCacheDir(env = process.env) {
  if (env.npm_config_cache) return join(env.npm_config_cache, "_cacache");
  try {
    const shell = process.platform === "win32"; // npm is npm.cmd there
    return join(execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8", shell }).trim(), "_cacache");
  } catch {
    const base = process.platform === "win32" ? join(env.LOCALAPPDATA ?? homedir(), "npm-cache") : join(homedir(), ".npm");
    return join(base, "_cacache");
  }
}

/** Where cacache stores the body whose integrity is "sha512-<base64>". */
export function contentPath(cache, integrity) {
  const [algorithm, digest] = integrity.split(/\s+/)[0].split(/-(.*)/s);
  const hex = Buffer.from(digest, "base64").toString("hex");
  return join(cache, "content-v2", algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
}

const sha1 = (text) => createHash("sha1").update(text).digest("hex");

/** The index entries of one bucket file; a line cut mid-write fails its sha1 and is skipped, as npm does. */
export function readBucket(file) {
  const entries = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const [hash, json] = line.split("\t");
    if (json && sha1(json) === hash) entries.push(JSON.parse(json));
  }
  return entries;
}

/** A cached registry document (packument) rather than a tarball. */
function isJsonDocument(entry) {
  const type = entry.metadata?.resHeaders?.["content-type"] ?? "";
  return entry.key.startsWith("make-fetch-happen:request-cache:") && (type.includes("json") || !/\.tgz$/.test(entry.metadata?.url ?? entry.key));
}

/** What is wrong with one entry's stored body, or null when it is sound. */
export function entryProblem(cache, entry) {
  const path = contentPath(cache, entry.integrity);
  if (!existsSync(path)) return "content missing";
  const body = readFileSync(path);
  const [algorithm, digest] = entry.integrity.split(/\s+/)[0].split(/-(.*)/s);
  if (createHash(algorithm).update(body).digest("base64") !== digest) return "EINTEGRITY: the stored body no longer matches its checksum";
  if (!isJsonDocument(entry)) return null;
  try {
    JSON.parse(body.toString("utf8"));
    return null;
  } catch (error) {
    return `cut or corrupt JSON document (${body.length} bytes): ${error.message}`;
  }
}

function* bucketFiles(cache) {
  const index = join(cache, "index-v5");
  if (!existsSync(index)) return;
  for (const a of readdirSync(index)) for (const b of readdirSync(join(index, a))) {
    for (const name of readdirSync(join(index, a, b))) yield join(index, a, b, name);
  }
}

/** Every cached entry (the newest line of each key) whose body is missing, damaged or cut. */
export function scanCache(cache = npmCacheDir()) {
  const bad = [];
  for (const bucket of bucketFiles(cache)) {
    const latest = new Map(readBucket(bucket).map((entry) => [entry.key, entry]));
    for (const entry of latest.values()) {
      if (!entry.integrity) continue; // a deletion marker
      const problem = entryProblem(cache, entry);
      if (problem) bad.push({ bucket, key: entry.key, integrity: entry.integrity, problem });
    }
  }
  return bad;
}

/** Remove the bad entries (their index lines, written back atomically, and their bodies); npm refetches them. */
export function repairCache(cache = npmCacheDir()) {
  const bad = scanCache(cache);
  for (const { bucket, key, integrity } of bad) {
    const kept = readBucket(bucket).filter((entry) => entry.key !== key);
    const text = kept.map((entry) => { const json = JSON.stringify(entry); return `\n${sha1(json)}\t${json}`; }).join("");
    if (kept.length) writeFileSync(`${bucket}.tmp`, text), renameSync(`${bucket}.tmp`, bucket);
    else rmSync(bucket, { force: true });
    rmSync(contentPath(cache, integrity), { force: true });
  }
  return bad;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf("--cache");
  const cache = at > 0 ? join(process.argv[at + 1], "_cacache") : npmCacheDir();
  const bad = process.argv.includes("--fix") ? repairCache(cache) : scanCache(cache);
  for (const { key, problem } of bad) console.log(`${key}\n  ${problem}`);
  console.log(`${bad.length} bad entries in ${cache}${bad.length && !process.argv.includes("--fix") ? " (run with --fix, then npm install)" : ""}`);
}
