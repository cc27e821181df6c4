"""A prompt file full of JSON: use a template syntax that does not treat { } as fields."""

import string

# WRONG: open("prompt.txt").read().format(field=f, text=t) with JSON examples in prompt.txt
#   -> KeyError: '"value"' or ValueError: Single '}' encountered in format string, on every call
#   after someone adds an example to the file.

PROMPT = string.Template(
    'Fill the field $field.\nAnswer as JSON: {"field": "$field", "value": "..."}\nText: $text'
)


def build_prompt(field: str, text: str) -> str:
    """$name placeholders only; braces are plain text. A missing name raises KeyError('name')."""
    return PROMPT.substitute(field=field, text=text)
