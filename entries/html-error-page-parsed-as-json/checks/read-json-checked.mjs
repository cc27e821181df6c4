// response.json() on an HTML page throws SyntaxError "Unexpected token '<'"; readJson reports
// the status and the page title, and parses real JSON.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>502</body></html>";
const html = (status, body) => new Response(body, { status, headers: { "content-type": "text/html" } });
const naive = await html(502, page).json().catch((error) => error);
assert.ok(naive instanceof SyntaxError);
assert.match(naive.message, /Unexpected token '<', "<!DOCTYPE "\.\.\. is not valid JSON/);

const { readJson, UnexpectedResponse } = await loadSnippet();
await assert.rejects(readJson(html(502, page)), (e) => e instanceof UnexpectedResponse && /HTTP 502/.test(e.message) && /502 Bad Gateway/.test(e.message));
await assert.rejects(readJson(html(200, "<html><title>Sign in</title></html>")), /HTTP 200.*text\/html.*Sign in/);
const good = new Response('{"ok":true}', { status: 200, headers: { "content-type": "application/json; charset=utf-8" } });
assert.deepEqual(await readJson(good), { ok: true });
record({ naive: naive.message });
