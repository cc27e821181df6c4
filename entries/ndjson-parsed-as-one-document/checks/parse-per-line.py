"""An Ollama-shaped NDJSON body fails json.loads with Extra data; the line readers read it."""

import json

from errata_check import load_snippet, record

lines = [
    {"model": "llama3.2", "created_at": "2025-01-09T19:31:13.22Z", "response": "The", "done": False},
    {"model": "llama3.2", "created_at": "2025-01-09T19:31:13.31Z", "response": " sky", "done": False},
    {"model": "llama3.2", "created_at": "2025-01-09T19:31:13.40Z", "response": "", "done": True, "eval_count": 2},
]
body = "\n".join(json.dumps(line) for line in lines) + "\n"
try:
    json.loads(body)  # what response.json() does
    wrong = ""
except json.JSONDecodeError as error:
    wrong = str(error)
assert wrong.startswith("Extra data: line 2 column 1 (char "), wrong

ns = load_snippet()
assert ns["parse_ndjson"](body) == lines
assert ns["parse_ndjson"]([b"", *(json.dumps(x).encode() for x in lines), b""]) == lines
text, final = ns["collect_ollama_stream"](body)
assert text == "The sky" and final["eval_count"] == 2
try:
    ns["collect_ollama_stream"](body.splitlines()[:2])
    raise AssertionError("cut stream accepted")
except RuntimeError as error:
    assert "done: true" in str(error)
try:
    ns["parse_ndjson"](body + '{"response": "x", "do\n')
    raise AssertionError("broken line accepted")
except ValueError as error:
    assert str(error).startswith("line 4 is not JSON"), error
try:
    ns["collect_ollama_stream"]('{"error": "model \'granite3.1-moe\' not found"}\n')
    raise AssertionError("error object accepted")
except RuntimeError as error:
    assert "not found" in str(error)
record(wrong=wrong, text=text)
