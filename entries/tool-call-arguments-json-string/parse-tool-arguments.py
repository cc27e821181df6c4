"""Parse a tool call's arguments (a JSON string in the OpenAI format) into a dict, once."""

import json

# WRONG: args = tool_call.function.arguments; city = args.get("city")   # or args["city"]
#   -> AttributeError: 'str' object has no attribute 'get'
#   -> TypeError: string indices must be integers, not 'str'
# arguments is a JSON-encoded string ('{"city": "Paris"}'), not a dict.


class ToolArgumentsError(ValueError):
    """The model's arguments are not a JSON object; str(error) can go back to it as the tool result."""


def parse_arguments(raw: object) -> dict:
    """A dict from a JSON string, a string encoded twice, a dict already parsed, or "" / None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}  # a call without arguments
    value = raw
    for _ in range(2):  # some servers encode the string twice: '"{\\"city\\": \\"Paris\\"}"'
        if not isinstance(value, str):
            break
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ToolArgumentsError(f"tool arguments are not valid JSON ({error}): {value[:80]!r}") from None
    if not isinstance(value, dict):
        raise ToolArgumentsError(f"tool arguments must be a JSON object, got {type(value).__name__}: {raw!r:.80}")
    return value


def run_tool_call(tool_call: dict, tools: dict) -> str:
    """Call the named tool with parsed keyword arguments; errors become the tool's text result."""
    function = tool_call["function"]
    try:
        args = parse_arguments(function.get("arguments"))
        return str(tools[function["name"]](**args))
    except ToolArgumentsError as error:
        return f"error: {error}"
