// The same stream cut into awkward chunks: JSON.parse per chunk throws; line buffering yields
// every event, also byte by byte and with a character split across chunks.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const events = ["Hel", "lo, ", "世界", " 👋"].map((content) => ({ choices: [{ delta: { content } }] }));
const raw = new TextEncoder().encode(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + "data: [DONE]\n\n");
const cuts = [0, 7, 40, 95, 96, 150, raw.length - 3, raw.length];
const chunks = cuts.slice(1).map((end, i) => raw.slice(cuts[i], end));

const errors = new Set();
for (const chunk of chunks) {
  for (const line of new TextDecoder().decode(chunk).split("\n")) {
    if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
    try { JSON.parse(line.slice(6)); } catch (error) { errors.add(error.message.replace(/ at position \d+.*$/, "")); }
  }
}
assert.ok([...errors].some((m) => /Unterminated string in JSON|Unexpected end of JSON input|Expected/.test(m)), [...errors].join("; "));
const ndjsonRaw = new TextEncoder().encode('{"response":"a","done":false}\n{"response":"b","done":false}\n{"done":true}');
assert.throws(() => JSON.parse(new TextDecoder().decode(ndjsonRaw.slice(0, 40))), /Unexpected non-whitespace character after JSON|Unexpected token/);

const { sseJson, ndjson } = await loadSnippet();
const collect = async (iterable) => { const out = []; for await (const item of iterable) out.push(item); return out; };
const parsed = await collect(sseJson(chunks));
assert.deepEqual(parsed, events);
assert.equal(parsed.map((e) => e.choices[0].delta.content).join(""), "Hello, 世界 👋");
assert.deepEqual(await collect(sseJson([...raw].map((b) => Uint8Array.of(b)))), events);
const objects = await collect(ndjson([ndjsonRaw.slice(0, 40), ndjsonRaw.slice(40)]));
assert.deepEqual(objects.map((o) => o.response), ["a", "b", undefined]);
record({ naive_errors: [...errors], events: parsed.length });
