"""Logging a generator before returning it leaves the caller an empty stream; tap() logs and
streams in one pass, materialize() allows any number of passes."""

from errata_check import load_snippet, record

reads = []


def stream_reply(prompt: str):
    for piece in ["Hel", "lo", " world"]:
        reads.append(piece)
        yield piece


logged = []


def naive_handler(prompt: str):
    chunks = stream_reply(prompt)
    logged.append("".join(chunks))  # the log line is complete...
    return chunks


naive_reply = "".join(naive_handler("hi"))  # ...and the user gets nothing, no error
assert logged == ["Hello world"] and naive_reply == "", (logged, naive_reply)
squares = map(lambda n: n * n, range(4))
assert sum(squares) == 14 and list(squares) == []  # the same with map/filter/zip

ns = load_snippet()
logged.clear()
reads.clear()
tapped = ns["tap"](stream_reply("hi"), logged.append)
first = next(tapped)
assert first == "Hel" and reads == ["Hel"]  # still streaming: one chunk read, one passed on
rest = "".join(tapped)
assert first + rest == "Hello world" and logged == ["Hello world"]
assert reads == ["Hel", "lo", " world"]  # the source was read once

values = ns["materialize"](map(lambda n: n * n, range(4)))
assert sum(values) == 14 and values == [0, 1, 4, 9] and max(values) == 9
record(naive_reply=naive_reply, naive_logged=logged[0], tapped=first + rest)
