"""Stream a long completion: the read timeout then bounds the gap between two events, not the
whole answer, and an overall deadline still bounds the whole answer."""

import http.client
import json
import time
from collections.abc import Iterator

# WRONG: a non-streamed request whose answer takes longer than the read timeout (a long report,
#   a large max_tokens, a slow local model): no byte arrives until the whole answer is ready, so
#   the read timeout (httpx 5 s, nginx proxy_read_timeout 60 s, undici headersTimeout 300 s)
#   fires first. Anthropic's SDK refuses such a request up front: "Streaming is strongly
#   recommended for operations that may take longer than 10 minutes".
# With the SDKs: client.chat.completions.create(..., stream=True) and iterate the chunks;
#   client.messages.stream(...) and stream.get_final_message().


def stream_events(
    conn: http.client.HTTPConnection, path: str, body: dict, *, deadline: float
) -> Iterator[dict]:
    """POST body with "stream": true; yield each server-sent event's JSON as it arrives.

    The connection's timeout is the longest silence allowed between events; `deadline` (seconds)
    is the longest the whole answer may take, checked after every line.
    """
    ends_at = time.monotonic() + deadline
    payload = json.dumps({**body, "stream": True})
    conn.request("POST", path, body=payload, headers={"Content-Type": "application/json",
                                                      "Accept": "text/event-stream"})
    response = conn.getresponse()
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}: {response.read(300)!r}")
    for line in response:  # one line at a time, as the server sends them
        if time.monotonic() > ends_at:
            raise TimeoutError(f"the stream ran past its {deadline} s deadline")
        if not line.startswith(b"data:"):
            continue  # blank separators, comments (": keep-alive"), event: lines
        data = line[5:].strip()
        if data == b"[DONE]":
            return
        yield json.loads(data)


def stream_completion(conn: http.client.HTTPConnection, path: str, body: dict, *, deadline: float) -> str:
    """The whole text of an OpenAI-style streamed chat completion (choices[0].delta.content)."""
    parts = []
    for event in stream_events(conn, path, body, deadline=deadline):
        for choice in event.get("choices", []):
            parts.append(choice.get("delta", {}).get("content") or "")
    return "".join(parts)
