// A model's "JSON" often comes wrapped in ```json fences or prose, or cut off at max_tokens.
// Take the first balanced JSON object or array out of the text, parse it, and say clearly why
// not when there is none (so the caller can re-ask with that error).
export class ModelJsonError extends Error {}

function firstJsonValue(text) {
  const start = text.search(/[{[]/);
  if (start < 0) throw new ModelJsonError("no JSON object or array in the reply");
  const stack = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") stack.push(c === "{" ? "}" : "]");
    else if (c === "}" || c === "]") {
      if (stack.pop() !== c) throw new ModelJsonError(`unbalanced '${c}' at ${i}`);
      if (stack.length === 0) return text.slice(start, i + 1);
    }
  }
  throw new ModelJsonError("the JSON is cut off (max_tokens reached?)");
}

export function parseModelJson(text, requiredKeys = []) {
  const unfenced = text.replace(/```(?:json)?\s*/gi, "");
  let value;
  try {
    value = JSON.parse(firstJsonValue(unfenced));
  } catch (error) {
    if (error instanceof ModelJsonError) throw error;
    throw new ModelJsonError(`invalid JSON: ${error.message}`);
  }
  const missing = requiredKeys.filter((key) => !(key in Object(value)));
  if (missing.length) throw new ModelJsonError(`missing keys: ${missing.join(", ")}`);
  return value;
}
