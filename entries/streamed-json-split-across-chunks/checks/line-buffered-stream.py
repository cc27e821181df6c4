"""The same stream cut into awkward chunks: parsing each chunk fails, line buffering does not."""

import json

from errata_check import load_snippet, record

events = [{"choices": [{"delta": {"content": text}}]} for text in ["Hel", "lo, ", "世界", " 👋"]]
sse = "".join(f"data: {json.dumps(e, ensure_ascii=False)}\n\n" for e in events) + "data: [DONE]\n\n"
raw = sse.encode("utf-8")
cuts = [7, 40, 41, 95, 96, 150, 151, len(raw) - 3]
chunks = [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)])]
assert b"".join(chunks) == raw

errors = set()
for chunk in chunks:  # WRONG: one JSON document per network chunk
    try:
        for line in chunk.decode("utf-8").split("\n"):
            if line.startswith("data: ") and line != "data: [DONE]":
                json.loads(line[6:])
    except (ValueError, UnicodeDecodeError) as error:
        errors.add(type(error).__name__)
assert "JSONDecodeError" in errors, errors

# a multi-byte character split between two chunks
text = "data: " + json.dumps({"t": "世界"}, ensure_ascii=False) + "\n\n"
split_at = text.encode().index("世".encode()) + 1
halves = [text.encode()[:split_at], text.encode()[split_at:]]
try:
    [h.decode("utf-8") for h in halves]
    raise AssertionError("split character decoded")
except UnicodeDecodeError as error:
    assert "unexpected end of data" in str(error)

ns = load_snippet()
parsed = list(ns["iter_sse_json"](chunks))
assert parsed == events, parsed
assert "".join(e["choices"][0]["delta"]["content"] for e in parsed) == "Hello, 世界 👋"
assert list(ns["iter_sse_json"](halves)) == [{"t": "世界"}]
byte_by_byte = [raw[i:i + 1] for i in range(len(raw))]
assert list(ns["iter_sse_json"](byte_by_byte)) == events
ndjson = b'{"response":"a","done":false}\n{"response":"b","done":false}\n{"done":true}'
two_in_one = [ndjson[:35], ndjson[35:]]  # the first chunk holds one object and part of the next
try:
    json.loads(two_in_one[0])
    raise AssertionError("two objects in one chunk parsed")
except json.JSONDecodeError:
    pass
assert [o.get("response") for o in ns["iter_ndjson"](two_in_one)] == ["a", "b", None]
record(naive_errors=sorted(errors), events=len(parsed), byte_by_byte_events=len(events))
