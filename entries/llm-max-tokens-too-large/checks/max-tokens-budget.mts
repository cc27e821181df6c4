// A fake model with an 8,192-token window and a 4,096-token output cap rejects a short prompt sent
// with max_tokens 10000, as the OpenAI API does; computed max_tokens pass for every prompt length.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const WINDOW = 8192;
const CAP = 4096;
const countTokens = (text: string): number => (text.match(/\w+|[^\w\s]/g) ?? []).length;

function complete(prompt: string, maxTokens: number): string {
  const used = countTokens(prompt);
  if (maxTokens > CAP) {
    throw new Error(`max_tokens is too large: ${maxTokens}. This model supports at most ${CAP} completion tokens, whereas you provided ${maxTokens}.`);
  }
  if (used + maxTokens > WINDOW) {
    throw new Error(`This model's maximum context length is ${WINDOW} tokens. However, you requested ${used + maxTokens} tokens (${used} in the messages, ${maxTokens} in the completion).`);
  }
  return "ok";
}

assert.throws(() => complete("Hello, how are you?", 10_000), /max_tokens is too large: 10000/);
assert.throws(() => complete("word ".repeat(5000), CAP), /4096 in the completion/);

const { maxTokensFor, configuredMaxOutput, PromptTooLong } = await loadSnippet();
const limits = { window: WINDOW, maxOutput: CAP };
const sent: number[] = [];
for (let words = 1; words <= 7850; words += 157) {
  const prompt = "word ".repeat(words);
  const maxTokens = maxTokensFor(limits, prompt, { countTokens });
  assert.equal(complete(prompt, maxTokens), "ok");
  sent.push(maxTokens);
}
assert.equal(sent[0], CAP);
assert.ok(Math.min(...sent) < 512);
assert.throws(() => maxTokensFor(limits, "word ".repeat(8100), { countTokens }), PromptTooLong);
const wanted = configuredMaxOutput("1000");
assert.equal(maxTokensFor(limits, "Hello", { countTokens, wanted }), 1000);
assert.equal(maxTokensFor(limits, "Hello", { countTokens, wanted: configuredMaxOutput("10000") }), CAP);
assert.equal(configuredMaxOutput(undefined), undefined);
record({ window: WINDOW, outputCap: CAP, requestsPassed: sent.length, smallestMaxTokens: Math.min(...sent) });
