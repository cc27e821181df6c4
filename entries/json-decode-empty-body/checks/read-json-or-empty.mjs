// response.json() on a 204 or an empty body, and JSON.parse of an empty file, throw
// "Unexpected end of JSON input"; the helpers return null for a 204 and name what was empty.
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const naive = await new Response(null, { status: 204 }).json().catch((error) => error);
assert.ok(naive instanceof SyntaxError);
assert.equal(naive.message, "Unexpected end of JSON input");
const folder = await mkdtemp(join(tmpdir(), "json-"));
const settings = join(folder, "settings.json");
await writeFile(settings, "");
assert.throws(() => JSON.parse(""), /Unexpected end of JSON input/);

const { readJsonBody, loadJsonFile, saveJsonAtomic, EmptyJSON } = await loadSnippet();
assert.equal(await readJsonBody(new Response(null, { status: 204 })), null);
assert.deepEqual(await readJsonBody(new Response('{"id":7}', { status: 200 })), { id: 7 });
await assert.rejects(readJsonBody(new Response("", { status: 200 })), (e) => e instanceof EmptyJSON && /HTTP 200 .*empty body/.test(e.message));
await assert.rejects(readJsonBody(new Response('{"id":', { status: 200 })), (e) => e instanceof SyntaxError);
const fileError = await loadJsonFile(settings).catch((error) => error);
assert.ok(fileError instanceof EmptyJSON && /settings\.json is empty \(0 bytes\)/.test(fileError.message));
await saveJsonAtomic(settings, { theme: "dark" });
assert.deepEqual(await loadJsonFile(settings), { theme: "dark" });
assert.equal(await readFile(settings, "utf8"), '{"theme":"dark"}');
record({ naive: naive.message, reported: fileError.message.replace(folder, "<dir>") });
