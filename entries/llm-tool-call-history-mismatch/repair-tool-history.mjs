// Chat APIs require every assistant message with tool_calls to be followed by one tool message
// per call id, and every tool message to answer a call just before it. Trimming history in the
// middle of a tool exchange, or an interrupted tool, breaks that and the API answers 400.
// Before each request: drop orphan tool results, and answer calls left without a result.
export function repairToolHistory(messages) {
  const repaired = [];
  let pending = new Set();
  const closePending = () => {
    for (const id of pending) {
      repaired.push({ role: "tool", tool_call_id: id, content: "error: the tool did not finish (interrupted)" });
    }
    pending = new Set();
  };
  for (const message of messages) {
    if (message.role === "tool") {
      if (!pending.has(message.tool_call_id)) continue; // orphan: its call was trimmed away
      pending.delete(message.tool_call_id);
      repaired.push(message);
      continue;
    }
    closePending();
    repaired.push(message);
    if (message.role === "assistant" && message.tool_calls?.length) {
      pending = new Set(message.tool_calls.map((call) => call.id));
    }
  }
  closePending();
  return repaired;
}

// Trim the oldest turns only at a user message, so an exchange is never cut in half.
export function trimToTurns(messages, maxMessages) {
  const system = messages[0]?.role === "system" ? [messages[0]] : [];
  const rest = messages.slice(system.length);
  let start = Math.max(0, rest.length - maxMessages);
  while (start < rest.length && rest[start].role !== "user") start++;
  return repairToolHistory([...system, ...rest.slice(start)]);
}
