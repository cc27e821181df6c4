"""A dict sent as str(d) is a Python repr that json.loads rejects at char 1; to_json_line sends
JSON that round-trips (quotes, True/None, non-ASCII), and from_json_line names a repr."""

import json
import socket

from errata_check import load_snippet, record

payload = {"user": "O'Brien", "ok": True, "note": None, "tags": ["ü", "x"], "n": 3}
naive = []
for text in (str(payload), str([{"ok": True}]), str([1, True, None])):
    try:
        json.loads(text)
        raise AssertionError("a Python repr parsed as JSON")
    except json.JSONDecodeError as error:
        naive.append(str(error))
assert naive[0] == "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
assert naive[1] == "Expecting property name enclosed in double quotes: line 1 column 3 (char 2)"
assert naive[2] == "Expecting value: line 1 column 5 (char 4)", naive

ns = load_snippet()
sender, receiver = socket.socketpair()
with sender, receiver:
    sender.sendall(ns["to_json_line"](payload))
    sender.sendall(str(payload).encode("utf-8") + b"\n")
    sender.shutdown(socket.SHUT_WR)
    lines = receiver.makefile("rb").read().splitlines()
assert ns["from_json_line"](lines[0]) == payload
try:
    ns["from_json_line"](lines[1])
    raise AssertionError("repr accepted")
except ValueError as error:
    reported = str(error)
assert "Python repr" in reported and "json.dumps" in reported and "char 1" in reported
try:
    ns["from_json_line"](b'{"a": 1')
    raise AssertionError("broken JSON accepted")
except json.JSONDecodeError as error:
    assert "Python repr" not in str(error)
record(naive_errors=naive, reported=reported)
