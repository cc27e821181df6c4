"""json.loads on an HTML error page fails with 'Expecting value'; read_json names the status and
the page instead, and still parses real JSON."""

import json

from errata_check import load_snippet, record

page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>"
login = "\n        <!DOCTYPE html><html lang=\"en\"><head><title>Sign in</title></head></html>"
naive = []
for body in (page, login, ""):
    try:
        json.loads(body)
    except json.JSONDecodeError as error:
        naive.append(str(error))
assert naive[0] == "Expecting value: line 1 column 1 (char 0)", naive
assert naive[1].startswith("Expecting value: line 2 column 9"), naive

ns = load_snippet()
Unexpected = ns["UnexpectedResponse"]
messages = []
for status, ctype, body in ((502, "text/html", page), (200, "text/html; charset=utf-8", login), (204, "", "")):
    try:
        ns["read_json"](status, ctype, body)
        raise AssertionError("non-JSON accepted")
    except Unexpected as error:
        messages.append(str(error))
assert "HTTP 502" in messages[0] and "502 Bad Gateway" in messages[0]
assert "HTTP 200" in messages[1] and "Sign in" in messages[1]
assert ns["read_json"](200, "application/json", '{"ok": true}') == {"ok": True}
assert ns["read_json"](200, "application/problem+json", "[1, 2]") == [1, 2]
try:
    ns["read_json"](200, "application/json", '{"ok": tru')
    raise AssertionError("broken JSON accepted")
except Unexpected as error:
    assert "Expecting value" in str(error) or "Expecting" in str(error)
record(naive_errors=naive, checked_messages=messages)
