"""Read an OpenAI-style chat response only after checking status and shape."""

import json

# WRONG: data = requests.post(url, json=body).json(); text = data["choices"][0]["message"]["content"]
#   -> KeyError: 'choices' / TypeError: 'NoneType' object is not subscriptable / IndexError
#   when the server sent an error body (often with HTTP 200), choices=null, or an empty list.


class LLMResponseError(RuntimeError):
    """The provider answered, but not with a usable completion; carries its own message."""

    def __init__(self, status: int, detail: str, body: object) -> None:
        super().__init__(f"LLM API status {status}: {detail}")
        self.status, self.detail, self.body = status, detail, body


def parse_body(status: int, raw: str | bytes, content_type: str = "application/json") -> dict:
    """The JSON body, or LLMResponseError for HTML pages and non-JSON answers."""
    if "json" not in content_type.lower():
        raise LLMResponseError(status, f"expected JSON, got {content_type}: {str(raw)[:80]!r}", raw)
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise LLMResponseError(status, f"invalid JSON body ({error})", raw) from None
    if not isinstance(body, dict):
        raise LLMResponseError(status, "JSON body is not an object", body)
    return body


def first_choice_text(status: int, body: dict) -> str:
    """message.content of the first choice; the provider's error message otherwise."""
    error = body.get("error")
    if status >= 400 or error:
        detail = error.get("message", str(error)) if isinstance(error, dict) else str(error or body)
        raise LLMResponseError(status, detail, body)
    choices = body.get("choices")
    if not choices:
        raise LLMResponseError(status, f"no choices in response (keys: {sorted(body)})", body)
    message = choices[0].get("message") or {}
    return message.get("content") or ""


def stream_text(chunks: list[dict]) -> str:
    """Join streamed deltas; usage-only chunks (choices == []) and error chunks are handled."""
    parts = []
    for chunk in chunks:
        if chunk.get("error"):
            raise LLMResponseError(200, str(chunk["error"].get("message", chunk["error"])), chunk)
        for choice in chunk.get("choices") or []:  # the include_usage chunk has no choices
            parts.append((choice.get("delta") or {}).get("content") or "")
    return "".join(parts)
