// A validator with the OpenAI API's rule rejects a history trimmed mid-exchange (an orphan tool
// result) and one with an interrupted tool (a call without a result); after the snippet both
// are accepted, and results that were there are kept untouched.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

function validate(messages) {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.role === "tool") {
      let j = i - 1;
      while (j >= 0 && messages[j].role === "tool") j--;
      if (!messages[j]?.tool_calls?.some((c) => c.id === m.tool_call_id)) {
        throw new Error(`400 Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'. (messages.[${i}])`);
      }
    }
    if (m.tool_calls) {
      const answered = new Set();
      for (let j = i + 1; j < messages.length && messages[j].role === "tool"; j++) answered.add(messages[j].tool_call_id);
      const missing = m.tool_calls.map((c) => c.id).filter((id) => !answered.has(id));
      if (missing.length) throw new Error(`400 An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${missing.join(", ")}`);
    }
  }
  return "ok";
}
const call = (id) => ({ id, type: "function", function: { name: "search", arguments: "{}" } });
const history = [
  { role: "system", content: "You are an agent." },
  { role: "user", content: "find a" },
  { role: "assistant", content: null, tool_calls: [call("call_1"), call("call_2")] },
  { role: "tool", tool_call_id: "call_1", content: "a1" },
  { role: "tool", tool_call_id: "call_2", content: "a2" },
  { role: "assistant", content: "found a" },
  { role: "user", content: "find b" },
  { role: "assistant", content: null, tool_calls: [call("call_3")] }, // interrupted here
];
const naiveTrim = [history[0], ...history.slice(4)]; // last 4 messages, cut mid-exchange
assert.throws(() => validate(naiveTrim), /must be a response to a preceeding message/);
assert.throws(() => validate(history), /did not have response messages: call_3/);

const { repairToolHistory, trimToTurns } = await loadSnippet();
assert.equal(validate(repairToolHistory(naiveTrim)), "ok");
const repaired = repairToolHistory(history);
assert.equal(validate(repaired), "ok");
assert.deepEqual(repaired.slice(0, 7), history.slice(0, 7));
assert.match(repaired.at(-1).content, /interrupted/);
const trimmed = trimToTurns(history, 4);
assert.equal(validate(trimmed), "ok");
assert.equal(trimmed[1].content, "find b");
record({ naive_trim: "400", repaired_messages: repaired.length, trimmed_messages: trimmed.length });
