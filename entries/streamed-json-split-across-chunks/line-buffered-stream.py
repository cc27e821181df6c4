"""Parse server-sent events and NDJSON by complete lines, not by network chunks."""

import codecs
import json
from collections.abc import Iterable, Iterator

# WRONG: for chunk in response.iter_content(): event = json.loads(chunk.decode()[6:])
#   A network chunk can end mid-line, mid-JSON or mid-character, or hold several lines:
#   JSONDecodeError "Unterminated string", UnicodeDecodeError "unexpected end of data".


def iter_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Complete text lines from arbitrary byte chunks (UTF-8 decoded incrementally)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    pending = ""
    for chunk in chunks:
        pending += decoder.decode(chunk)
        *lines, pending = pending.split("\n")
        yield from (line.rstrip("\r") for line in lines)
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending.rstrip("\r")


def iter_sse_json(chunks: Iterable[bytes]) -> Iterator[dict]:
    """JSON payloads of `data:` events; multi-line data joined; stops at [DONE]."""
    data: list[str] = []
    for line in iter_lines([*chunks, b"\n\n"]):
        if line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
        elif line == "" and data:  # a blank line ends the event
            payload, data = "\n".join(data), []
            if payload == "[DONE]":
                return
            yield json.loads(payload)


def iter_ndjson(chunks: Iterable[bytes]) -> Iterator[dict]:
    """One JSON object per non-empty line (Ollama and other NDJSON streams)."""
    for line in iter_lines(chunks):
        if line.strip():
            yield json.loads(line)
