"""Indexing choices[0] blindly fails on error bodies, null choices, HTML pages and the final
usage chunk of a stream; the checked reader returns the text or the provider's own message."""

from errata_check import load_snippet, record

ok = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}}]}
error_200 = {"error": {"message": "Rate limit reached for gpt-4o-mini", "code": "rate_limit_exceeded"}}
null_choices = {"id": "cmpl-1", "object": "chat.completion", "choices": None}
empty_choices = {"id": "cmpl-2", "choices": []}
stream = [
    {"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hel"}}]},
    {"choices": [{"index": 0, "delta": {"content": "lo"}}]},
    {"choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 2}},
]


def naive(body):
    return body["choices"][0]["message"]["content"]


failures = {}
for name, body in {"error_200": error_200, "null": null_choices, "empty": empty_choices}.items():
    try:
        naive(body)
    except (KeyError, TypeError, IndexError) as error:
        failures[name] = type(error).__name__
assert failures == {"error_200": "KeyError", "null": "TypeError", "empty": "IndexError"}, failures
try:
    "".join(c["choices"][0]["delta"].get("content", "") for c in stream)
    raise AssertionError("the usage chunk did not fail")
except IndexError:
    pass

ns = load_snippet()
Error = ns["LLMResponseError"]
assert ns["first_choice_text"](200, ok) == "hi"
assert ns["stream_text"](stream) == "Hello"
messages = {}
for name, (status, body) in {"error_200": (200, error_200), "null": (200, null_choices), "empty": (200, empty_choices),
                             "http_500": (500, {"error": {"message": "upstream overloaded"}})}.items():
    try:
        ns["first_choice_text"](status, body)
        raise AssertionError(f"{name} accepted")
    except Error as error:
        messages[name] = str(error)
assert "Rate limit reached" in messages["error_200"] and "upstream overloaded" in messages["http_500"]
assert "no choices" in messages["null"] and "no choices" in messages["empty"]
try:
    ns["parse_body"](502, "<!DOCTYPE html><html>Bad gateway</html>", "text/html; charset=utf-8")
    raise AssertionError("HTML accepted")
except Error as error:
    assert "expected JSON, got text/html" in str(error)
assert ns["parse_body"](200, '{"choices": []}') == {"choices": []}
record(naive_failures=failures, checked_messages=messages)
