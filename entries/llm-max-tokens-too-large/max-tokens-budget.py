"""Ask each request for only as many output tokens as the model can give:
min(the model's output cap, window - counted prompt tokens - a margin, what the user configured)."""

import os
import re

# WRONG: one hard-coded max_tokens for every model and every prompt.
#     client.chat.completions.create(model=model, messages=messages, max_tokens=32000)
# A model whose output cap is 4,096 or 16,384 rejects it even for "Hello" ("max_tokens is too large:
# 32000. This model supports at most 16384 completion tokens"), and a local model with a 32k window
# rejects it because prompt + max_tokens no longer fits ("'max_tokens' or 'max_completion_tokens' is
# too large: 32000 ... (32000 > 32768 - 1200)"). Resending the same request fails the same way.

# (context window, max output tokens) per model, from the provider's model pages or its models API.
MODEL_LIMITS = {
    "gpt-4-turbo": (128_000, 4_096),
    "gpt-4o": (128_000, 16_384),
    "gpt-4o-mini": (128_000, 16_384),
    "claude-3-5-haiku": (200_000, 8_192),
    "claude-sonnet-4-5": (200_000, 64_000),
}
UNKNOWN_MODEL_LIMITS = (8_192, 4_096)  # assume a small model, not the largest
MARGIN = 64  # chat formatting and tokenizer differences
MIN_OUTPUT = 256  # an answer shorter than this is not worth asking for
PER_MESSAGE_OVERHEAD = 4


class PromptTooLong(ValueError):
    """The prompt alone leaves no room for an answer: shorten it (trim history, chunk the input)."""


def estimate_tokens(text: str) -> int:
    """A conservative stand-in for the model's tokenizer (tiktoken, a count-tokens endpoint)."""
    return len(text) // 3 + 1


def prompt_tokens(messages: list[dict], count_tokens=estimate_tokens) -> int:
    return sum(count_tokens(m["content"]) + PER_MESSAGE_OVERHEAD for m in messages)


def configured_max_output() -> int | None:
    """The output size the user asked for (LLM_MAX_OUTPUT_TOKENS); None means as much as fits."""
    value = os.environ.get("LLM_MAX_OUTPUT_TOKENS", "").strip()
    return int(value) if value else None


def limits_for(model: str) -> tuple[int, int]:
    """The longest table name that starts the model id ("gpt-4o-mini-2024-07-18" -> gpt-4o-mini)."""
    for name in sorted(MODEL_LIMITS, key=len, reverse=True):
        if model.startswith(name):
            return MODEL_LIMITS[name]
    return UNKNOWN_MODEL_LIMITS


def max_tokens_for(model: str, messages: list[dict], wanted: int | None = None, count_tokens=estimate_tokens) -> int:
    """The max_tokens to send with this request; PromptTooLong when the prompt leaves no room."""
    window, cap = limits_for(model)
    room = window - prompt_tokens(messages, count_tokens) - MARGIN
    if room < MIN_OUTPUT:
        raise PromptTooLong(f"{model}: the prompt leaves {max(room, 0)} of its {window}-token window for the answer")
    wanted = wanted if wanted is not None else configured_max_output()
    return min(cap, room, wanted) if wanted else min(cap, room)


STATED_CAP = (
    re.compile(r"supports at most (\d+) completion tokens"),  # OpenAI
    re.compile(r"> (\d+), which is the maximum allowed number of output tokens"),  # Anthropic
    re.compile(r"expected a value <= (\d+)"),  # OpenAI-compatible validators
)


def learn_cap(model: str, error_message: str) -> int | None:
    """Record the output cap a provider's 400 states for a model missing from the table, so the
    next max_tokens_for() uses it; None when the message states no cap (then fix the table)."""
    for pattern in STATED_CAP:
        match = pattern.search(error_message)
        if match:
            cap = int(match.group(1))
            MODEL_LIMITS[model] = (limits_for(model)[0], cap)
            return cap
    return None
