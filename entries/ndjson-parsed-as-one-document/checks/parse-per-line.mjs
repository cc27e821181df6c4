// JSON.parse on an Ollama-shaped NDJSON body fails; parseNdjson and readNdjson read every object,
// readNdjson from a body whose chunks cut lines in the middle.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const objects = [
  { model: "llama3.2", response: "The", done: false },
  { model: "llama3.2", response: " sky", done: false },
  { model: "llama3.2", response: "", done: true, eval_count: 2 },
];
const body = objects.map((o) => JSON.stringify(o)).join("\n") + "\n";
const wrong = (() => { try { JSON.parse(body); return ""; } catch (error) { return error.message; } })();
assert.match(wrong, /^Unexpected non-whitespace character after JSON at position \d+/);

const { parseNdjson, readNdjson } = await loadSnippet();
assert.deepEqual(parseNdjson(body), objects);
assert.throws(() => parseNdjson(body + '{"response": "x", "do'), /line 4 is not JSON/);
const bytes = new TextEncoder().encode(body);
const chunks = [bytes.slice(0, 10), bytes.slice(10, 61), bytes.slice(61)];
const stream = new ReadableStream({ start(c) { for (const chunk of chunks) c.enqueue(chunk); c.close(); } });
const read = [];
for await (const value of readNdjson(new Response(stream))) read.push(value);
assert.deepEqual(read, objects);
record({ wrong, text: read.map((o) => o.response).join("") });
