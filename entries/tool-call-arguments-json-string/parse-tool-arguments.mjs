// WRONG: const { city } = toolCall.function.arguments;  -> city is undefined (a string has no .city)
//        toolCall.function.arguments.location.city       -> TypeError: Cannot read properties of
//        undefined (reading 'city'). arguments is a JSON string: '{"location": {"city": "Paris"}}'.

export class ToolArgumentsError extends Error {
  constructor(message) {
    super(message);
    this.name = "ToolArgumentsError";
  }
}

// An object from a JSON string, a string encoded twice, an object already parsed, or "" / null.
export function parseArguments(raw) {
  if (raw == null || (typeof raw === "string" && raw.trim() === "")) return {};
  let value = raw;
  for (let pass = 0; pass < 2 && typeof value === "string"; pass++) {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new ToolArgumentsError(`tool arguments are not valid JSON (${error.message}): ${value.slice(0, 80)}`);
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const kind = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
    throw new ToolArgumentsError(`tool arguments must be a JSON object, got ${kind}`);
  }
  return value;
}

// Call the named tool with the parsed object; a bad argument string becomes the tool's result.
export async function runToolCall(toolCall, tools) {
  const { name, arguments: raw } = toolCall.function;
  try {
    return String(await tools[name](parseArguments(raw)));
  } catch (error) {
    if (error instanceof ToolArgumentsError) return `error: ${error.message}`;
    throw error;
  }
}
