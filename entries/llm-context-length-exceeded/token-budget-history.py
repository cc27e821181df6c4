"""Keep every request inside the context window: count tokens, reserve the output, drop or shrink history."""

# WRONG: append every turn and tool result to `messages` and send it all, every time.
#     messages.append({"role": "tool", "content": huge_tool_output})
#     client.chat.completions.create(model=..., messages=messages, max_tokens=4096)
# The request grows each turn until the API rejects it: "This model's maximum context length is
# 128000 tokens. However, your messages resulted in 130000 tokens" / "prompt is too long".

PER_MESSAGE_OVERHEAD = 4  # role and separators; chat formats add a few tokens per message


def estimate_tokens(text: str) -> int:
    """A conservative stand-in for a real tokenizer (tiktoken, the provider's count-tokens API):
    about 3 characters per token overestimates English and code, so budgets stay on the safe side."""
    return len(text) // 3 + 1


def message_tokens(message: dict, count_tokens=estimate_tokens) -> int:
    return count_tokens(message["content"]) + PER_MESSAGE_OVERHEAD


def shrink(message: dict, max_tokens: int, count_tokens=estimate_tokens) -> dict:
    """Cut one oversized message (typically a tool output) to fit, keeping its head and tail."""
    text = message["content"]
    marker = "\n[... truncated to fit the context window ...]\n"
    budget = max_tokens - PER_MESSAGE_OVERHEAD - count_tokens(marker)
    if budget <= 0:
        raise ValueError("no room left for this message")
    keep = len(text)
    while keep > 0 and count_tokens(text[: keep // 2] + text[len(text) - keep // 2 :]) > budget:
        keep = keep * 3 // 4
    return {**message, "content": text[: keep // 2] + marker + text[len(text) - keep // 2 :]}


def fit_messages(messages: list[dict], context_window: int, max_output_tokens: int, count_tokens=estimate_tokens) -> list[dict]:
    """The messages to send: system messages and the newest message always kept (shrunk if needed),
    then as many of the most recent others as fit in context_window - max_output_tokens."""
    budget = context_window - max_output_tokens
    system = [m for m in messages if m["role"] == "system"]
    rest = [m for m in messages if m["role"] != "system"]
    used = sum(message_tokens(m, count_tokens) for m in system)
    if not rest:
        return system
    newest = rest[-1]
    if used + message_tokens(newest, count_tokens) > budget:
        newest = shrink(newest, budget - used, count_tokens)
    used += message_tokens(newest, count_tokens)
    kept = [newest]
    for message in reversed(rest[:-1]):  # newest first; stop at the first that does not fit
        cost = message_tokens(message, count_tokens)
        if used + cost > budget:
            break
        kept.append(message)
        used += cost
    while kept[-1]["role"] == "tool" and len(kept) > 1:
        kept.pop()  # never start with a tool result whose assistant tool call was dropped
    return system + kept[::-1]
