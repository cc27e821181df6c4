"""One request bigger than the whole tokens-per-minute limit: no retry passes, so make it fit."""

import math
import random
import re
import time

# WRONG: treat every 429 as "too fast" and retry the same oversized request.
#     for attempt in range(6):
#         try:
#             return client.chat.completions.create(model=model, messages=history, max_tokens=4096)
#         except openai.RateLimitError:
#             time.sleep(2**attempt)  # "Request too large ... Limit 30000, Requested 36512": fails every time

CHARS_PER_TOKEN = 3  # conservative: English text averages about 4 characters per token
PER_MESSAGE = 4  # role and separators the API adds to every message


class RequestTooLarge(Exception):
    """This request alone exceeds the per-minute token budget: shrink it, never retry it."""


def estimate_tokens(text: str) -> int:
    """A cheap upper estimate; pass tiktoken's or the provider's count-tokens instead when at hand."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def request_tokens(messages, max_tokens, count=estimate_tokens) -> int:
    """What the limiter charges up front: every message plus the reserved max_tokens."""
    return sum(count(m["content"]) + PER_MESSAGE for m in messages) + max_tokens


def is_request_too_large(body, requested=None, tpm_limit=None) -> bool:
    """Tell 'Request too large' (never retry) from 'Rate limit reached' (wait and retry)."""
    error = body.get("error") if isinstance(body.get("error"), dict) else body
    message = str(error.get("message", ""))
    if message.startswith("Request too large"):  # OpenAI
        return True
    numbers = re.search(r"Limit (\d+),(?: Used \d+,)? Requested (\d+)", message)
    if numbers:
        return int(numbers[2]) > int(numbers[1])
    anthropic = re.search(r"of ([\d,]+) input tokens per minute", message)
    if anthropic and requested is not None:  # Anthropic words both cases alike: compare the sizes
        return requested >= int(anthropic[1].replace(",", ""))
    return requested is not None and tpm_limit is not None and requested > tpm_limit  # Azure


def retry_delay(body, attempt, base=1.0, cap=60.0) -> float:
    """'Please try again in 4.288s' / 'in 120ms' when the message says it, else full jitter."""
    error = body.get("error") if isinstance(body.get("error"), dict) else body
    hint = re.search(r"try again in (\d+(?:\.\d+)?)(ms|s)", str(error.get("message", "")))
    if hint:
        seconds = float(hint[1]) / (1000 if hint[2] == "ms" else 1)
        return min(cap, seconds + random.uniform(0, 0.1))
    return random.uniform(0, min(cap, base * 2**attempt))


def call_llm(
    send, messages, max_tokens, *, tpm_limit=None, max_attempts=6, sleep=time.sleep, count=estimate_tokens
):
    """RIGHT: refuse an oversized request before sending; back off only on a real rate limit."""
    requested = request_tokens(messages, max_tokens, count)
    if tpm_limit is not None and requested > tpm_limit:
        too_big = f"about {requested} tokens > {tpm_limit} per minute"
        raise RequestTooLarge(f"{too_big}: trim the history, chunk the input or lower max_tokens")
    for attempt in range(max_attempts):
        try:
            return send(messages, max_tokens)
        except Exception as err:
            body = getattr(err, "body", None)
            if getattr(err, "status_code", None) != 429 or not isinstance(body, dict):
                raise
            if is_request_too_large(body, requested, tpm_limit):
                raise RequestTooLarge(f"the API says this request alone is over the limit: {err}") from err
            if attempt == max_attempts - 1:
                raise
            sleep(retry_delay(body, attempt))
    raise AssertionError("unreachable")


def fit_history(messages, max_tokens, budget, count=estimate_tokens):
    """Keep the system prompt and the newest messages that fit budget (max_tokens included)."""
    system = messages[:1] if messages and messages[0]["role"] == "system" else []
    used = request_tokens(system, max_tokens, count)
    kept = []
    for message in reversed(messages[len(system) :]):
        cost = count(message["content"]) + PER_MESSAGE
        if used + cost > budget:
            break
        kept.append(message)
        used += cost
    if not kept:
        raise RequestTooLarge("the newest message alone is over the budget: split it with split_text")
    return system + kept[::-1]


def split_text(text, *, prompt_tokens, max_tokens, budget, count=estimate_tokens):
    """Cut a long input into pieces so that prompt + piece + max_tokens stays within budget."""
    room = budget - prompt_tokens - max_tokens - 2 * PER_MESSAGE
    if room <= 0:
        raise RequestTooLarge("no room for any input: lower max_tokens or shorten the prompt")
    pieces, current, used = [], [], 0
    for word in text.split():
        cost = count(word + " ")  # the sum of the parts never undercounts the joined piece
        if current and used + cost > room:
            pieces.append(" ".join(current))
            current, used = [], 0
        current.append(word)
        used += cost
    if current:
        pieces.append(" ".join(current))
    return pieces
