"""Keep tool calls and their results together when trimming history, and repair broken pairs."""

# WRONG: a fixed-count cut can start the window with tool results whose call was dropped,
# and a crashed tool leaves a call without a result:
#     messages = [system] + history[-20:]
#     -> 400 "messages with role 'tool' must be a response to a preceding message with 'tool_calls'"

INTERRUPTED = "error: the tool call was interrupted before it returned a result"


def trim_history(messages: list[dict], max_messages: int) -> list[dict]:
    """Keep system messages and the newest turns, cutting only where a user message starts."""
    system = [m for m in messages if m["role"] == "system"]
    rest = [m for m in messages if m["role"] != "system"]
    budget = max(max_messages - len(system), 1)
    starts = [i for i, m in enumerate(rest) if m["role"] == "user"]
    fitting = [i for i in starts if len(rest) - i <= budget]
    cut = fitting[0] if fitting else (starts[-1] if starts else len(rest))
    return system + rest[cut:]


def repair_tool_pairs(messages: list[dict]) -> list[dict]:
    """Drop orphan tool results; answer calls that have no result with an explicit error."""
    repaired: list[dict] = []
    pending: list[str] = []
    for message in messages:
        if message["role"] == "tool":
            if message.get("tool_call_id") in pending:
                pending.remove(message["tool_call_id"])
                repaired.append(message)
            continue
        repaired.extend(_answer(pending))
        pending = [call["id"] for call in message.get("tool_calls") or []]
        repaired.append(message)
    return repaired + _answer(pending)


def _answer(call_ids: list[str]) -> list[dict]:
    """A tool message per unanswered call, so the model sees the failure; clears the list."""
    answers = [{"role": "tool", "tool_call_id": cid, "content": INTERRUPTED} for cid in call_ids]
    call_ids.clear()
    return answers
