// A cache laid out as npm 11 writes it (index line "\n<sha1>\t<entry json>", body under
// content-v2/sha512/<hex>): a full packument (left-pad), a packument cut short but stored
// with the checksum of the cut bytes (semver), a tarball damaged after it was stored, and an
// index line cut mid-write. The cut packument fails JSON.parse with "Unexpected end of JSON
// input"; scanCache names it and the damaged tarball, and nothing else; repairCache removes
// those two and keeps the rest. When npm itself is installed, the check also runs it offline
// on that cache: it fails on the cut packument; `npm cache verify` drops the damaged tarball
// but keeps the cut packument; after the repair npm asks for a fresh copy, which then works.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const REGISTRY = "http://registry.invalid/";
const root = mkdtempSync("/tmp/npm-cache-");
const cache = join(root, "_cacache");
const hash = (algorithm, data) => createHash(algorithm).update(data).digest();

function put(name, body, type = "application/json") {
  const url = `${REGISTRY}${name}`;
  const hex = hash("sha512", body).toString("hex");
  const file = join(cache, "content-v2", "sha512", hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, body);
  const key = `make-fetch-happen:request-cache:${url}`;
  const metadata = { time: Date.now(), url, reqHeaders: { accept: "application/json" }, resHeaders: { "content-type": type, date: new Date().toUTCString() }, options: { compress: true } };
  const json = JSON.stringify({ key, integrity: `sha512-${hash("sha512", body).toString("base64")}`, time: Date.now(), size: body.length, metadata });
  const k = hash("sha256", key).toString("hex");
  const bucket = join(cache, "index-v5", k.slice(0, 2), k.slice(2, 4), k.slice(4));
  mkdirSync(dirname(bucket), { recursive: true });
  appendFileSync(bucket, `\n${hash("sha1", json).toString("hex")}\t${json}`);
  return { file, bucket, json };
}
const packument = (name, version) => Buffer.from(JSON.stringify({
  name, "dist-tags": { latest: version },
  versions: { [version]: { name, version, dist: { tarball: `${REGISTRY}${name}/-/${name}-${version}.tgz`, integrity: "sha512-AAAA" } } },
}));

const leftPad = put("left-pad", packument("left-pad", "1.3.0"));
appendFileSync(leftPad.bucket, `\n${"0".repeat(40)}\t${leftPad.json.slice(0, 60)}`); // a line cut mid-append
const full = packument("semver", "7.6.0");
const cutBody = full.subarray(0, full.indexOf('"versions":') + '"versions":'.length);
const semver = put("semver", cutBody);
const tarball = put("tiny-dep/-/tiny-dep-1.0.0.tgz", Buffer.alloc(4096, 7), "application/octet-stream");
writeFileSync(tarball.file, Buffer.alloc(2048, 7)); // damaged after it was stored

assert.throws(() => JSON.parse(readFileSync(semver.file, "utf8")), /Unexpected end of JSON input/);
assert.doesNotThrow(() => JSON.parse(readFileSync(leftPad.file, "utf8")));

const { scanCache, repairCache, npmCacheDir } = await loadSnippet();
assert.equal(npmCacheDir({ npm_config_cache: root }), cache);
const names = () => scanCache(cache).map(({ key, problem }) => `${key.split("/").pop()}: ${problem}`).sort();
const found = names();
assert.equal(found.length, 2, found.join("\n"));
assert.match(found[0], /^semver: cut or corrupt JSON document \(\d+ bytes\): Unexpected end of JSON input/);
assert.match(found[1], /^tiny-dep-1\.0\.0\.tgz: EINTEGRITY/);

const NPM = "/usr/lib/node_modules/npm/bin/npm-cli.js";
const npm = (...args) => spawnSync(process.execPath, [NPM, ...args, "--offline", "--cache", root, "--registry", REGISTRY],
  { encoding: "utf8", timeout: 60000, env: { HOME: root, PATH: "/usr/bin" } });
const realNpm = existsSync(NPM);
const npmVersion = realNpm ? JSON.parse(readFileSync(join(dirname(NPM), "..", "package.json"), "utf8")).version : null;
let afterVerify = null;
if (realNpm) {
  assert.match(npm("view", "semver", "version").stderr, /invalid json response body at .*semver reason: Unexpected end of JSON input/);
  assert.equal(npm("cache", "verify").status, 0);
  assert.match(npm("view", "semver", "version").stderr, /Unexpected end of JSON input/, "npm cache verify keeps the cut document");
  afterVerify = names(); // verify dropped the damaged tarball, not the cut packument
  assert.equal(afterVerify.length, 1);
  assert.match(afterVerify[0], /^semver: cut or corrupt JSON document/);
}

assert.equal(repairCache(cache).length, realNpm ? 1 : 2);
assert.deepEqual(scanCache(cache), []);
assert.ok(!existsSync(semver.file) && !existsSync(tarball.file));
assert.ok(existsSync(leftPad.file));

if (realNpm) {
  assert.equal(npm("view", "left-pad", "version").stdout.trim(), "1.3.0");
  assert.match(npm("view", "semver", "version").stderr, /ENOTCACHED/); // online, npm downloads it again
  put("semver", full); // the fresh download
  assert.equal(npm("view", "semver", "version").stdout.trim(), "7.6.0");
}
record({ found, found_after_npm_cache_verify: afterVerify, real_npm: npmVersion, cut_document_bytes: cutBody.length, full_document_bytes: full.length });
