"""The same prompt through str.format fails on its JSON; string.Template fills only $names."""

from errata_check import load_snippet, record

as_format = 'Fill the field {field}.\nAnswer as JSON: {"field": "{field}", "value": "..."}\nText: {text}'
try:
    as_format.format(field="name", text="x")
    raise AssertionError("str.format accepted a JSON example")
except KeyError as error:
    wrong = f"KeyError: {error}"
assert wrong == "KeyError: '\"field\"'", wrong

ns = load_snippet()
prompt = ns["build_prompt"]("name", 'Ada {"age": 36} $HOME')
assert prompt == ('Fill the field name.\nAnswer as JSON: {"field": "name", "value": "..."}\n'
                  'Text: Ada {"age": 36} $HOME'), prompt
try:
    ns["PROMPT"].substitute(field="name")
    raise AssertionError("a missing placeholder passed")
except KeyError as error:
    missing = str(error)
assert missing == "'text'"
record(wrong=wrong, missing=missing)
