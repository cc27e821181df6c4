"""Run with openai 0.x or 1.x while migrating: take the errors and the chat call from where each keeps them."""

import openai

# WRONG with openai>=1.0: `import openai.error` -> ModuleNotFoundError: No module named 'openai.error'
# WRONG with openai>=1.0: `openai.ChatCompletion.create(...)` -> APIRemovedInV1: You tried to access
# openai.ChatCompletion, but this is no longer supported in openai>=1.0.0

OPENAI_V1 = hasattr(openai, "OpenAI")  # the 1.x client class; 0.x has none

if OPENAI_V1:
    from openai import APIError, RateLimitError
else:  # openai<1.0, until every call site is migrated and the pin is lifted
    from openai.error import APIError, RateLimitError

__all__ = ["OPENAI_V1", "APIError", "RateLimitError", "chat"]


def chat(messages: list[dict], model: str, client=None) -> str:
    """The text of one chat completion, with whichever openai major version is installed."""
    if OPENAI_V1:
        client = client or openai.OpenAI()
        reply = client.chat.completions.create(model=model, messages=messages)
        return reply.choices[0].message.content
    reply = openai.ChatCompletion.create(model=model, messages=messages)
    return reply["choices"][0]["message"]["content"]
