// WRONG: const data = await (await fetch(url, opts)).json(); return data.choices[0].message.content;
//   -> TypeError: Cannot read properties of undefined (reading 'choices' / '0') when the server
//   sent an error body (often with HTTP 200), choices: null, [], or an HTML error page.

export class LLMResponseError extends Error {
  constructor(status, detail, body) {
    super(`LLM API status ${status}: ${detail}`);
    this.name = "LLMResponseError";
    Object.assign(this, { status, detail, body });
  }
}

// Read a fetch Response: JSON only, then the first choice's text or the provider's message.
export async function readCompletion(response) {
  const type = response.headers.get("content-type") ?? "";
  const text = await response.text();
  if (!type.includes("json")) throw new LLMResponseError(response.status, `expected JSON, got ${type}: ${text.slice(0, 80)}`, text);
  let body;
  try { body = JSON.parse(text); } catch (error) { throw new LLMResponseError(response.status, `invalid JSON body (${error.message})`, text); }
  return firstChoiceText(response.status, body);
}

export function firstChoiceText(status, body) {
  const error = body?.error;
  if (status >= 400 || error) throw new LLMResponseError(status, error?.message ?? JSON.stringify(error ?? body), body);
  const choice = body?.choices?.[0];
  if (!choice) throw new LLMResponseError(status, `no choices in response (keys: ${Object.keys(body ?? {}).join(", ")})`, body);
  return choice.message?.content ?? "";
}

// Streamed chunks: the include_usage chunk has choices: [], an error chunk has no choices.
export function streamText(chunks) {
  let text = "";
  for (const chunk of chunks) {
    if (chunk.error) throw new LLMResponseError(200, chunk.error.message ?? String(chunk.error), chunk);
    for (const choice of chunk.choices ?? []) text += choice.delta?.content ?? "";
  }
  return text;
}
