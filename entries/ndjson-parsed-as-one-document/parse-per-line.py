"""NDJSON / JSON Lines: one JSON value per line, never one document."""

import json

# WRONG: Ollama streams unless told not to, one object per line:
#     reply = requests.post(f"{OLLAMA}/api/generate", json={"model": m, "prompt": p}).json()
#     -> json.decoder.JSONDecodeError: Extra data: line 2 column 1 (char 98)


def parse_ndjson(lines) -> list:
    """Every non-blank line parsed on its own; a bad line is named by its number.

    `lines` is a str (a whole body or file), or an iterable of str/bytes lines such as
    requests' response.iter_lines() or an open .jsonl file.
    """
    if isinstance(lines, str):
        lines = lines.splitlines()
    values = []
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes):
            line = line.decode("utf-8")
        if not line.strip():
            continue
        try:
            values.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise ValueError(f"line {number} is not JSON ({error}): {line[:80]!r}") from None
    return values


def collect_ollama_stream(lines) -> tuple[str, dict]:
    """The whole answer of an /api/generate or /api/chat stream, and its final object."""
    parts = []
    for chunk in parse_ndjson(lines):
        if "error" in chunk:
            raise RuntimeError(f"ollama: {chunk['error']}")
        parts.append(chunk.get("response") or chunk.get("message", {}).get("content", ""))
        if chunk.get("done"):
            return "".join(parts), chunk
    raise RuntimeError("the stream ended before an object with done: true")


# Or ask for one object: json={"model": m, "prompt": p, "stream": False}  (not "streaming")
