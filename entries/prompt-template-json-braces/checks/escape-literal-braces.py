"""str.format on a template with a JSON example raises KeyError '"name"' or a Single '}'
ValueError; passing the JSON as a value, or escaping it once, gives the intended prompt."""

import json

from errata_check import load_snippet, record

text = 'Ada Lovelace, 36, wrote {"notes": "G"}'
wrong_template = 'Extract the person.\nAnswer with JSON like {"name": "Ada", "age": 36}.\nText: {text}'
errors = {}
try:
    wrong_template.format(text=text)
except KeyError as error:
    errors["json_example"] = f"KeyError: {error}"
try:
    "Answer with a JSON object}. Text: {text}".format(text=text)
except ValueError as error:
    errors["stray_brace"] = f"ValueError: {error}"
escaped_once = 'JSON like {{"name": "Ada"}}. Text: {text}'.format(text="{text}")  # a partial pass
try:
    escaped_once.format(text=text)  # the second pass sees the braces unescaped again
except KeyError as error:
    errors["formatted_twice"] = f"KeyError: {error}"
assert errors == {"json_example": "KeyError: '\"name\"'",
                  "stray_brace": "ValueError: Single '}' encountered in format string",
                  "formatted_twice": "KeyError: '\"name\"'"}, errors

ns = load_snippet()
prompt = ns["build_prompt"](text)
assert prompt == ('Extract the person.\nAnswer with JSON like {"name": "Ada", "age": 36}.\n'
                  'Text: Ada Lovelace, 36, wrote {"notes": "G"}'), prompt
assert json.loads(prompt.split("like ")[1].split(".\n")[0]) == {"name": "Ada", "age": 36}

schema = json.dumps({"type": "object", "properties": {"name": {"type": "string"}}})
template = "Reply with JSON matching " + ns["escape_braces"](schema) + "\nText: {text}"
assert template.format(text=text) == f"Reply with JSON matching {schema}\nText: {text}"
history = '{"tool": "search", "result": {"hits": 3}}'  # a past message with JSON in it
assert ns["escape_braces"](history).format() == history
record(wrong=errors, prompt_chars=len(prompt))
