// WRONG: const reply = await (await fetch(`${OLLAMA}/api/generate`, { method: "POST", body })).json();
//   Ollama streams one JSON object per line unless the request says "stream": false:
//   SyntaxError: Unexpected non-whitespace character after JSON at position 87
// Parse each line on its own.

export function parseNdjson(text) {
  const values = [];
  text.split("\n").forEach((line, index) => {
    if (!line.trim()) return;
    try {
      values.push(JSON.parse(line));
    } catch (error) {
      throw new Error(`line ${index + 1} is not JSON (${error.message}): ${line.slice(0, 80)}`);
    }
  });
  return values;
}

// A fetch Response body read line by line: each object as soon as its line is complete.
export async function* readNdjson(response) {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of response.body) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop();
    for (const line of lines) if (line.trim()) yield JSON.parse(line);
  }
  pending += decoder.decode();
  if (pending.trim()) yield JSON.parse(pending);
}
