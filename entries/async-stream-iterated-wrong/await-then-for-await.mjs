// WRONG (const stream = await openai.chat.completions.create({ ..., stream: true })):
//   for (const chunk of stream) ...                  -> TypeError: stream is not iterable
//   for await (const chunk of streamPromise) ...     -> TypeError: streamPromise is not async iterable
//   (a Promise that resolves to the stream, from an async function that was not awaited)

export function chunkText(chunk) {
  return (chunk.choices ?? []).map((c) => c.delta?.content ?? "").join("");
}

// The usual case: await the call, then for await over the stream it returns.
export async function streamText(create, request) {
  const stream = await create({ ...request, stream: true });
  let text = "";
  for await (const chunk of stream) text += chunkText(chunk);
  return text;
}

// Adapter for code that may get a promise, an async iterable or a plain iterable.
export async function* chunks(source) {
  const resolved = await source; // a non-promise passes through unchanged
  if (resolved?.[Symbol.asyncIterator] || resolved?.[Symbol.iterator]) {
    yield* resolved; // yield* in an async generator accepts both kinds
    return;
  }
  throw new TypeError(`expected a stream, got ${typeof resolved}`);
}
