// A fake model with an 8,192-token window rejects a long chat as the OpenAI API does; the fitted
// chat goes through with the system prompt and the latest question kept.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const countTokens = (text) => Math.ceil(text.length / 4);
const CONTEXT = 8192;
function complete(messages, maxTokens) {
  const used = messages.reduce((n, m) => n + countTokens(m.content), 0);
  if (used + maxTokens > CONTEXT) {
    throw new Error(`This model's maximum context length is ${CONTEXT} tokens. However, you requested ${used + maxTokens} tokens. (context_length_exceeded)`);
  }
  return "ok";
}
const messages = [{ role: "system", content: "You are a careful assistant." }];
for (let i = 0; i < 60; i++) messages.push({ role: i % 2 ? "assistant" : "user", content: `turn ${i} `.repeat(150) });
messages.push({ role: "user", content: "And the final question?" });

assert.throws(() => complete(messages, 1024), /context_length_exceeded/);
const { fitToContext } = await loadSnippet();
const fitted = fitToContext(messages, { contextTokens: CONTEXT, replyTokens: 1024, countTokens });
assert.equal(complete(fitted, 1024), "ok");
assert.equal(fitted[0].role, "system");
assert.equal(fitted.at(-1).content, "And the final question?");
assert.ok(fitted.length < messages.length && fitted.length > 5);
assert.throws(() => fitToContext([{ role: "user", content: "x".repeat(40_000) }], { contextTokens: CONTEXT, replyTokens: 1024, countTokens }), RangeError);
record({ messages: messages.length, kept: fitted.length });
