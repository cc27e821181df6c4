"""Real model-style replies: json.loads fails with the symptoms' messages; extraction and retry succeed."""

import json

from errata_check import load_snippet, record

ns = load_snippet()
extract_json, ask_for_json = ns["extract_json"], ns["ask_for_json"]

EXPECTED = {"name": "Ada", "tags": ["math", "code {braces} in a string"], "score": 9.5}
body = json.dumps(EXPECTED, indent=2)
REPLIES = {
    "fenced": f"```json\n{body}\n```",
    "fenced_no_lang": f"```\n{body}\n```",
    "prose_before": f"Sure! Here is the JSON you asked for:\n{body}",
    "prose_after": f"{body}\n\nLet me know if you need anything else.",
    "prose_both_with_braces": f"I used the format {{name, tags}} as requested:\n{body}\nHope this helps {{:}}",
    "fenced_with_prose": f"Here you go:\n\n```json\n{body}\n```\n\nThe score is out of 10.",
}

# WRONG: json.loads on every reply fails, with the messages users paste.
messages = {}
for name, reply in REPLIES.items():
    try:
        json.loads(reply)
        raise AssertionError(f"{name} parsed as bare JSON")
    except json.JSONDecodeError as exc:
        messages[name] = str(exc)
assert messages["fenced"] == "Expecting value: line 1 column 1 (char 0)", messages["fenced"]
assert messages["prose_before"] == "Expecting value: line 1 column 1 (char 0)"
assert messages["prose_after"].startswith("Extra data: line "), messages["prose_after"]
truncated = '{"name": "Ada", "tags": ["ma'
try:
    json.loads(truncated)
except json.JSONDecodeError as exc:
    assert str(exc).startswith("Unterminated string starting at"), str(exc)

# RIGHT: every one of them yields the object.
for name, reply in REPLIES.items():
    assert extract_json(reply) == EXPECTED, name
for bad in (truncated, "I could not produce JSON for that.", "```json\n```"):
    try:
        extract_json(bad)
        raise AssertionError(f"accepted {bad!r}")
    except ValueError:
        pass


def validate(value: object) -> None:
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        raise ValueError("expected an object with a string 'name'")


# A model that first truncates, then ignores the schema, then complies; prompts are recorded.
prompts: list[str] = []
script = iter([truncated, '```json\n{"title": "Ada"}\n```', REPLIES["fenced_with_prose"]])


def ask(prompt: str) -> str:
    prompts.append(prompt)
    return next(script)


assert ask_for_json(ask, "Describe Ada as JSON.", validate) == EXPECTED
assert len(prompts) == 3
assert "Unterminated string" in prompts[1] and "string 'name'" in prompts[2], prompts
assert prompts[0] == "Describe Ada as JSON."

# A model that never complies: a bounded number of calls, then a clear error.
calls = []
try:
    ask_for_json(lambda p: calls.append(p) or "no", "x", validate, max_attempts=2)
    raise AssertionError("should give up")
except ValueError as exc:
    assert "after 2 attempts" in str(exc) and len(calls) == 2

record(
    replies=len(REPLIES),
    json_loads_failures=len(messages),
    extracted=len(REPLIES),
    calls_to_recover_from_truncation_and_wrong_shape=len(prompts),
)
