"""A prompt with a JSON example, formatted with str.format: keep the braces literal."""

import json

# WRONG: PROMPT = 'Answer with JSON like {"name": "Ada", "age": 36}.\nText: {text}'
#        PROMPT.format(text=user_text)
#   -> KeyError: '"name"'  (str.format reads {"name": ...} as a replacement field)
#   -> ValueError: Single '}' encountered in format string  (a lone } in the template)
# LangChain's PromptTemplate / ChatPromptTemplate parse the same f-string syntax: "Missing some
# input keys" / "Input to ChatPromptTemplate is missing variables {'\n "name"'}".

# 1. Put the JSON in as a value: str.format never re-reads the values it inserts.
TEMPLATE = "Extract the person.\nAnswer with JSON like {example}.\nText: {text}"
EXAMPLE = json.dumps({"name": "Ada", "age": 36})


def build_prompt(text: str) -> str:
    """Format once; the example and the text may contain any braces."""
    return TEMPLATE.format(example=EXAMPLE, text=text)


# 2. Where literal text must become part of a template (a JSON schema, chat history handed to
#    ChatPromptTemplate.from_messages), double its braces once, right before it is formatted.
def escape_braces(literal: str) -> str:
    """'{"a": 1}' -> '{{"a": 1}}': str.format and LangChain f-string templates print it as is."""
    return literal.replace("{", "{{").replace("}", "}}")
