// JSON.parse of a file saved with a UTF-8 BOM (EF BB BF) throws at position 0 on U+FEFF; the
// helpers parse it from text, bytes or a file, and saveJson writes no BOM.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const folder = mkdtempSync(join(tmpdir(), "bom-"));
const exported = join(folder, "export.json");
const value = { name: "Zoë", items: [1, 2], ok: true };
writeFileSync(exported, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(value))]));
let naive;
assert.throws(() => JSON.parse(readFileSync(exported, "utf8")), (error) => {
  naive = error.message;
  return error instanceof SyntaxError;
});
assert.match(naive, /^Unexpected token '?\uFEFF'?(,| in JSON at position 0)/);
assert.equal(readFileSync(exported).toString("latin1").slice(0, 3), "ï»¿");

const { parseJsonText, parseJsonBytes, loadJsonFile, saveJson } = await loadSnippet();
assert.deepEqual(parseJsonText(readFileSync(exported, "utf8")), value);
assert.deepEqual(parseJsonBytes(readFileSync(exported)), value);
assert.deepEqual(loadJsonFile(exported), value);
assert.deepEqual(parseJsonText(JSON.stringify(value)), value);
assert.throws(() => parseJsonText("\uFEFF{'a': 1}"), SyntaxError);
const saved = join(folder, "saved.json");
saveJson(saved, value);
assert.equal(readFileSync(saved)[0], 0x7b);
assert.deepEqual(JSON.parse(readFileSync(saved, "utf8")), value);
record({ naive: naive.split("\n")[0], savedFirstByte: readFileSync(saved)[0] });
