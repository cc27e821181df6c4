// Keep the request under the model's window: count tokens, always keep the system prompt and
// the latest message, and drop the oldest turns first (leaving room for the reply).
export interface Message {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
}

export interface Budget {
  contextTokens: number;
  replyTokens: number;
  countTokens: (text: string) => number;
}

export function fitToContext(messages: Message[], { contextTokens, replyTokens, countTokens }: Budget): Message[] {
  const budget = contextTokens - replyTokens;
  const system = messages[0]?.role === "system" ? messages[0] : null;
  const rest = system ? messages.slice(1) : messages;
  const kept: Message[] = [];
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
