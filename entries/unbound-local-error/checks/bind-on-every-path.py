"""The three usual forms raise UnboundLocalError; the snippet's functions bind or fail clearly."""

import json

from errata_check import load_snippet, record


def wrong_load_config(text):
    try:
        data = json.loads(text)
    except ValueError:
        pass
    return data


def wrong_pick(models, wanted):
    for name in models:
        if name.startswith(wanted):
            choice = name
    return choice


# counter += 1 on a module-level name, compiled as its own module:
source = "calls = 0\ndef tick():\n    calls += 1\n    return calls\n"
scope: dict = {}
exec(compile(source, "counter.py", "exec"), scope)

messages = []
for call in (lambda: wrong_load_config("{oops"), lambda: wrong_pick([], "gpt"), scope["tick"]):
    try:
        call()
    except UnboundLocalError as error:
        messages.append(str(error))
assert messages == [
    "cannot access local variable 'data' where it is not associated with a value",
    "cannot access local variable 'choice' where it is not associated with a value",
    "cannot access local variable 'calls' where it is not associated with a value",
], messages
assert wrong_load_config('{"a": 1}') == {"a": 1}  # the normal path hides the bug

ns = load_snippet()
assert ns["load_config"]('{"model": "m"}') == {"model": "m"}
try:
    ns["load_config"]("{oops")
    raise AssertionError("bad config accepted")
except ns["ConfigError"] as error:
    assert "bad config" in str(error) and isinstance(error.__cause__, json.JSONDecodeError)
assert ns["pick_model"](["gpt-4o", "claude"], "claude") == "claude"
try:
    ns["pick_model"]([], "gpt")
    raise AssertionError("no model accepted")
except LookupError as error:
    assert "no model matching 'gpt'" in str(error)


def boom():
    raise RuntimeError("timeout")


assert ns["last_error"]([boom, boom]) == "timeout"
assert ns["last_error"]([]) == ""
counter = ns["Counter"]()
assert [counter.tick() for _ in range(3)] == [1, 2, 3]
record(wrong_errors=len(messages))
