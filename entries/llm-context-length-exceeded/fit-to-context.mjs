// Keep the request under the model's window: count tokens, always keep the system prompt and
// the latest message, and drop the oldest turns first (leaving room for the reply).
export function fitToContext(messages, { contextTokens, replyTokens, countTokens }) {
  const budget = contextTokens - replyTokens;
  const [system, ...rest] = messages[0]?.role === "system" ? messages : [null, ...messages];
  const kept = [];
  let used = system ? countTokens(system.content) : 0;
  for (let i = rest.length - 1; i >= 0; i--) {
    const cost = countTokens(rest[i].content);
    if (used + cost > budget) {
      if (kept.length === 0) throw new RangeError(`the latest message alone needs ${cost} tokens`);
      break;
    }
    kept.unshift(rest[i]);
    used += cost;
  }
  return system ? [system, ...kept] : kept;
}
