"""A fake chat API with an 8,192-token window and a 4,096-token output cap, answering 400 with
OpenAI's messages: a short prompt with a huge max_tokens is rejected; computed max_tokens never is."""

import os
import random
import re

from errata_check import load_snippet, record

ns = load_snippet()
max_tokens_for, learn_cap, PromptTooLong = ns["max_tokens_for"], ns["learn_cap"], ns["PromptTooLong"]
MODEL_LIMITS = ns["MODEL_LIMITS"]

WINDOW, CAP = 8192, 4096
SERVED = {"acme-chat": (WINDOW, CAP), "acme-mini": (WINDOW, 2048)}  # what the provider really allows
TOKEN = re.compile(r"\w+|[^\w\s]")


def api_tokens(text: str) -> int:
    """The fake provider's own tokenizer: words and punctuation marks."""
    return len(TOKEN.findall(text))


class BadRequest(Exception):
    pass


calls = 0


def create(model: str, messages: list[dict], max_tokens: int) -> str:
    """Stands in for client.chat.completions.create: checks the output cap, then the window."""
    global calls
    calls += 1
    window, cap = SERVED[model]
    prompt = sum(api_tokens(m["content"]) + 4 for m in messages)
    if max_tokens > cap:
        raise BadRequest(
            f"max_tokens is too large: {max_tokens}. This model supports at most {cap} completion tokens, "
            f"whereas you provided {max_tokens}."
        )
    if prompt + max_tokens > window:
        raise BadRequest(
            f"This model's maximum context length is {window} tokens. However, you requested "
            f"{prompt + max_tokens} tokens ({prompt} in the messages, {max_tokens} in the completion). "
            "Please reduce the length of the messages or completion."
        )
    return "ok"


rng = random.Random(5)
WORDS = "the agent reads a file then writes a short summary of the open issues".split()


def chat(n_words: int) -> list[dict]:
    text = " ".join(rng.choice(WORDS) for _ in range(n_words))
    return [{"role": "system", "content": "You are terse."}, {"role": "user", "content": text + "?"}]


# WRONG: a hard-coded default far above the output cap fails on a one-line prompt, every time.
hello = [{"role": "user", "content": "Hello, how are you?"}]
for _ in range(3):  # resending changes nothing
    try:
        create("acme-chat", hello, 10_000)
        raise AssertionError("a 10,000-token max_tokens was accepted")
    except BadRequest as exc:
        assert str(exc).startswith("max_tokens is too large: 10000. This model supports at most 4096"), exc
# WRONG: max_tokens at the cap is fine for short prompts, but not once the prompt passes window - cap.
long_chat = chat(5000)
try:
    create("acme-chat", long_chat, CAP)
    raise AssertionError("prompt + max_tokens over the window was accepted")
except BadRequest as exc:
    assert "maximum context length is 8192 tokens" in str(exc) and f"{CAP} in the completion" in str(exc), exc

# RIGHT: compute max_tokens per request; prompts from 3 to ~7,800 tokens all pass.
MODEL_LIMITS["acme-chat"] = (WINDOW, CAP)  # the reader's table gets a row per model it calls
computed, prompt_sizes, refused = [], [], 0
for n_words in list(range(1, 7900, 150)) + [7700, 7800, 7850]:
    messages = chat(n_words)
    try:
        max_tokens = max_tokens_for("acme-chat", messages, count_tokens=api_tokens)
    except PromptTooLong:
        refused += 1
        continue
    assert create("acme-chat", messages, max_tokens) == "ok"
    computed.append(max_tokens)
    prompt_sizes.append(sum(api_tokens(m["content"]) + 4 for m in messages))
assert computed[0] == CAP and min(computed) < 512, computed  # the full cap when short, the rest when long
# The conservative estimate (no tokenizer at hand) is never over: it only asks for less.
for n_words in (1, 500, 2000, 3000):
    messages = chat(n_words)
    assert create("acme-chat", messages, max_tokens_for("acme-chat", messages)) == "ok"

# A prompt that alone fills the window is refused clearly, before anything is sent.
before = calls
try:
    max_tokens_for("acme-chat", chat(8100), count_tokens=api_tokens)
    raise AssertionError("a prompt with no room left was not refused")
except PromptTooLong as exc:
    assert "leaves" in str(exc) and calls == before
    refusal = str(exc)

# The default is configurable, and a configured value above the cap is still capped.
os.environ["LLM_MAX_OUTPUT_TOKENS"] = "1000"
assert max_tokens_for("acme-chat", hello, count_tokens=api_tokens) == 1000
os.environ["LLM_MAX_OUTPUT_TOKENS"] = "10000"
assert create("acme-chat", hello, max_tokens_for("acme-chat", hello)) == "ok"
del os.environ["LLM_MAX_OUTPUT_TOKENS"]

# A model missing from the table: its first 400 states the cap, which is learnt (not resent as is).
first = max_tokens_for("acme-mini", hello)
try:
    create("acme-mini", hello, first)
    raise AssertionError("acme-mini accepted more than its cap")
except BadRequest as exc:
    assert learn_cap("acme-mini", str(exc)) == 2048
for n_words in (1, 1000, 4000):
    messages = chat(n_words)
    assert create("acme-mini", messages, max_tokens_for("acme-mini", messages, count_tokens=api_tokens)) == "ok"
assert learn_cap("acme-mini", "This model's maximum context length is 8192 tokens.") is None

record(
    window=WINDOW,
    output_cap=CAP,
    hardcoded_max_tokens_failures="3 of 3",
    computed_requests_passed=len(computed),
    refused_before_sending=refused + 1,
    smallest_computed_max_tokens=min(computed),
    prompt_tokens_passed=[min(prompt_sizes), max(prompt_sizes)],
    refusal=refusal,
)
