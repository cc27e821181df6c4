// WRONG: for await (const chunk of response.body) JSON.parse(new TextDecoder().decode(chunk).slice(6));
//   A chunk can end mid-line or mid-character, or hold several lines: "Unexpected end of JSON
//   input", "Unterminated string in JSON", "Unexpected non-whitespace character after JSON".
// Buffer text (TextDecoder with stream: true) and parse complete lines only.

export async function* lines(chunks) {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    const parts = pending.split("\n");
    pending = parts.pop();
    for (const line of parts) yield line.replace(/\r$/, "");
  }
  pending += decoder.decode();
  if (pending) yield pending.replace(/\r$/, "");
}

// Server-sent events (OpenAI-style streams): JSON of each `data:` event, until [DONE].
export async function* sseJson(chunks) {
  let data = [];
  for await (const line of lines(chunks)) {
    if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    else if (line === "" && data.length) {
      const payload = data.join("\n");
      data = [];
      if (payload === "[DONE]") return;
      yield JSON.parse(payload);
    }
  }
  if (data.length && data.join("\n") !== "[DONE]") yield JSON.parse(data.join("\n"));
}

// NDJSON (Ollama /api/chat, /api/generate): one object per non-empty line.
export async function* ndjson(chunks) {
  for await (const line of lines(chunks)) if (line.trim()) yield JSON.parse(line);
}
