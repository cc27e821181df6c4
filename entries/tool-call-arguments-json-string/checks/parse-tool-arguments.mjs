// Reading toolCall.function.arguments as an object gives undefined and then a TypeError;
// parseArguments returns the object for a string, a doubly encoded string and an object, and
// refuses arrays and broken JSON with a message the model can read.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const toolCall = { id: "call_1", type: "function",
  function: { name: "get_weather", arguments: '{"location": {"city": "Paris"}, "unit": "c"}' } };

const args = toolCall.function.arguments;
const { unit } = args;
assert.equal(unit, undefined); // silently undefined
let naive = "";
try {
  args.location.city;
} catch (error) {
  naive = error.message;
}
assert.equal(naive, "Cannot read properties of undefined (reading 'city')");

const { parseArguments, runToolCall, ToolArgumentsError } = await loadSnippet();
const expected = { location: { city: "Paris" }, unit: "c" };
assert.deepEqual(parseArguments(args), expected);
assert.deepEqual(parseArguments(JSON.stringify(args)), expected); // encoded twice
assert.deepEqual(parseArguments(expected), expected);
assert.deepEqual(parseArguments(""), {});
assert.throws(() => parseArguments("[1, 2]"), (e) => e instanceof ToolArgumentsError && /got array/.test(e.message));
assert.throws(() => parseArguments('{"location": '), (e) => e instanceof ToolArgumentsError && /not valid JSON/.test(e.message));

const tools = { get_weather: ({ location, unit }) => `${location.city}: 18 ${unit.toUpperCase()}` };
assert.equal(await runToolCall(toolCall, tools), "Paris: 18 C");
const broken = await runToolCall({ function: { name: "get_weather", arguments: '{"location": ' } }, tools);
assert.match(broken, /^error: tool arguments are not valid JSON/);
record({ naive_error: naive, broken_result: broken.slice(0, 40) });
