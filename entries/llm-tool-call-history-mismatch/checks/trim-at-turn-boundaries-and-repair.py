"""A fixed-count cut and an interrupted tool break the API's pairing rules; the fix never does."""

from errata_check import load_snippet, record


class BadRequestError(Exception):
    """What the API answers (OpenAI's wording)."""


def validate(messages: list[dict]) -> None:
    """The two rules the chat APIs apply to every request's history."""
    open_calls: list[str] = []
    for index, message in enumerate(messages):
        if message["role"] == "tool":
            if message.get("tool_call_id") not in open_calls:
                raise BadRequestError(
                    "Invalid parameter: messages with role 'tool' must be a response to a "
                    f"preceeding message with 'tool_calls'. param: messages.[{index}].role"
                )
            open_calls.remove(message["tool_call_id"])
            continue
        if open_calls:
            raise BadRequestError(
                "An assistant message with 'tool_calls' must be followed by tool messages "
                "responding to each 'tool_call_id'. The following tool_call_ids did not have "
                f"response messages: {', '.join(open_calls)}"
            )
        open_calls = [call["id"] for call in message.get("tool_calls") or []]
    if open_calls:
        raise BadRequestError(
            "An assistant message with 'tool_calls' must be followed by tool messages responding "
            f"to each 'tool_call_id'. The following tool_call_ids did not have response messages: "
            f"{', '.join(open_calls)}"
        )


def call(cid: str) -> dict:
    return {"id": cid, "type": "function", "function": {"name": "search", "arguments": "{}"}}


history = [{"role": "system", "content": "You are an agent."}]
for turn in range(6):
    history.append({"role": "user", "content": f"question {turn}"})
    ids = [f"call_{turn}a", f"call_{turn}b"]  # parallel tool calls
    history.append({"role": "assistant", "content": None, "tool_calls": [call(i) for i in ids]})
    history += [{"role": "tool", "tool_call_id": i, "content": "result"} for i in ids]
    history.append({"role": "assistant", "content": f"answer {turn}"})
history.append({"role": "user", "content": "last question"})
history.append({"role": "assistant", "content": None, "tool_calls": [call("call_crashed")]})

validate(history[:-1])  # the conversation itself is well formed until the tool crashed
errors: list[str] = []
for size in range(3, len(history)):
    try:
        validate([history[0]] + history[-size:])
    except BadRequestError as exc:
        errors.append(str(exc))
assert any("must be a response to a preceeding message with 'tool_calls'" in e for e in errors)
assert any("did not have response messages: call_crashed" in e for e in errors)

ns = load_snippet()
trim, repair = ns["trim_history"], ns["repair_tool_pairs"]
for size in range(2, len(history) + 2):
    window = repair(trim(history, size))
    validate(window)
    assert window[0]["role"] == "system"
    assert any(m.get("content") == "last question" for m in window), size
    answered = [m for m in window if m.get("tool_call_id") == "call_crashed"]
    assert answered and answered[0]["content"].startswith("error"), window[-1]

orphan = [history[0], {"role": "tool", "tool_call_id": "call_gone", "content": "x"}, history[1]]
assert repair(orphan) == [history[0], history[1]]
record(wrong_trim_points_rejected=len(errors), fixed_trim_points_rejected=0)
