// data.choices[0] on an error body, null choices, an HTML page or the usage chunk throws a bare
// TypeError; the checked reader returns the text or a message carrying the provider's error.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const ok = { choices: [{ index: 0, message: { role: "assistant", content: "hi" } }] };
const error200 = { error: { message: "Provider returned error", code: 429 } };
const nullChoices = { id: "gen-1", choices: null };
const stream = [
  { choices: [{ index: 0, delta: { content: "Hel" } }] },
  { choices: [{ index: 0, delta: { content: "lo" } }] },
  { choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } },
];

const naive = async (response) => (await response.json()).choices[0].message.content;
const naiveErrors = [];
for (const response of [json(200, error200), json(200, nullChoices)]) {
  await assert.rejects(naive(response), (error) => { naiveErrors.push(error.message); return error instanceof TypeError; });
}
assert.match(naiveErrors[0], /Cannot read properties of undefined \(reading '0'\)/);
assert.match(naiveErrors[1], /Cannot read properties of null \(reading '0'\)/);
assert.throws(() => stream.map((c) => c.choices[0].delta.content).join(""), TypeError);
await assert.rejects(naive(new Response("<!DOCTYPE html><html>502</html>", { status: 502, headers: { "content-type": "text/html" } })), SyntaxError);

const { readCompletion, streamText, LLMResponseError } = await loadSnippet();
assert.equal(await readCompletion(json(200, ok)), "hi");
assert.equal(streamText(stream), "Hello");
await assert.rejects(readCompletion(json(200, error200)), (e) => e instanceof LLMResponseError && /Provider returned error/.test(e.message));
await assert.rejects(readCompletion(json(200, nullChoices)), /no choices in response/);
await assert.rejects(readCompletion(json(500, { error: { message: "upstream overloaded" } })), /status 500: upstream overloaded/);
await assert.rejects(readCompletion(new Response("<!DOCTYPE html>", { status: 502, headers: { "content-type": "text/html" } })), /expected JSON, got text\/html/);
record({ naive_errors: naiveErrors, stream: streamText(stream) });
