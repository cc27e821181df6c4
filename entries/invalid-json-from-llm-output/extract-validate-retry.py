"""Parse JSON from an LLM reply: strip fences, take the first JSON value, validate, retry with the error."""

import json
import re

# WRONG: trust the reply to be bare JSON.
#     data = json.loads(reply)
# "```json\n{...}\n```"           -> JSONDecodeError: Expecting value: line 1 column 1 (char 0)
# "Sure! Here is the JSON: {...}" -> Expecting value: line 1 column 1 (char 0)
# "{...}\n\nLet me know if..."     -> Extra data: line 3 column 1 (char 42)
# a reply cut at max_tokens        -> Unterminated string starting at: line 1 column 30 (char 29)

FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)
_decoder = json.JSONDecoder()


def extract_json(reply: str):
    """Return the first JSON object or array in the reply (inside a ``` fence if there is one).
    Raises ValueError (json.JSONDecodeError is one) if none decodes."""
    fenced = FENCE.search(reply)
    text = fenced.group(1) if fenced else reply
    last_error: ValueError = ValueError("no JSON object or array in the reply")
    for match in re.finditer(r"[\[{]", text):
        try:
            value, _end = _decoder.raw_decode(text, match.start())  # ignores whatever follows
        except json.JSONDecodeError as exc:
            last_error = exc
            continue
        if isinstance(value, (dict, list)):
            return value
    raise last_error


def ask_for_json(ask, prompt: str, validate, max_attempts: int = 3):
    """Call ask(prompt) -> reply text; parse and validate; on failure ask again, quoting the error,
    so the model can correct itself. validate(value) raises ValueError when the shape is wrong."""
    attempt_prompt = prompt
    for attempt in range(1, max_attempts + 1):
        reply = ask(attempt_prompt)
        try:
            value = extract_json(reply)
            validate(value)
            return value
        except ValueError as exc:
            if attempt == max_attempts:
                raise ValueError(f"no valid JSON after {max_attempts} attempts: {exc}") from exc
            attempt_prompt = (
                f"{prompt}\n\nYour previous reply could not be used: {exc}. "
                "Reply with only the JSON value, no markdown fences and no commentary."
            )
    raise AssertionError("unreachable")
