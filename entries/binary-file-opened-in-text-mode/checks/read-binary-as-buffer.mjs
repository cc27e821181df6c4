// A PNG read with "utf8" (or a response read with .text()) and written back is silently
// corrupted (89 -> ef bf bd); the Buffer helpers keep every byte and refuse binary as text.
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const folder = await mkdtemp(join(tmpdir(), "bin-"));
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xb1, 0x8f, 0xfc]);
const logo = join(folder, "logo.png");
await writeFile(logo, png);
await writeFile(join(folder, "naive.png"), await readFile(logo, "utf8"));
const naive = await readFile(join(folder, "naive.png"));
assert.notDeepEqual(naive, png);
assert.deepEqual([...naive.subarray(0, 4)], [0xef, 0xbf, 0xbd, 0x50]);
const fetched = Buffer.from(await new Response(png).text());
assert.notDeepEqual(fetched, png);

const { binaryKind, copyFileBytes, responseBytes, readTextFile } = await loadSnippet();
await copyFileBytes(logo, join(folder, "copy.png"));
assert.deepEqual(await readFile(join(folder, "copy.png")), png);
assert.deepEqual(await responseBytes(new Response(png)), png);
assert.equal(binaryKind(png), "PNG image");
await assert.rejects(readTextFile(logo), /logo\.png is a PNG image, not text/);
const notes = join(folder, "notes.txt");
await writeFile(notes, "café ☕\n");
assert.equal(await readTextFile(notes), "café ☕\n");
await writeFile(join(folder, "latin1.txt"), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
await assert.rejects(readTextFile(join(folder, "latin1.txt")), TypeError);
record({ original: png.length, naiveCopy: naive.length, naiveStart: naive.subarray(0, 4).toString("hex") });
