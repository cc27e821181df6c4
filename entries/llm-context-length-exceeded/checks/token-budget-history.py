"""A fake chat API with an 8,192-token window: the growing history is rejected; fitted history never is."""

import random
import re

from errata_check import load_snippet, record

ns = load_snippet()
fit_messages, estimate_tokens = ns["fit_messages"], ns["estimate_tokens"]

WINDOW, MAX_OUTPUT = 8192, 1024
TOKEN = re.compile(r"\w+|[^\w\s]")


def api_tokens(text: str) -> int:
    """The fake provider's own tokenizer: words and punctuation marks."""
    return len(TOKEN.findall(text))


class ContextLengthExceeded(Exception):
    pass


def chat(messages: list[dict], max_tokens: int) -> str:
    """Stands in for client.chat.completions.create: rejects prompts that do not fit, like OpenAI."""
    prompt = sum(api_tokens(m["content"]) + 4 for m in messages)
    if prompt + max_tokens > WINDOW:
        raise ContextLengthExceeded(
            f"This model's maximum context length is {WINDOW} tokens. However, you requested "
            f"{prompt + max_tokens} tokens ({prompt} in the messages, {max_tokens} in the completion). "
            "Please reduce the length of the messages or completion."
        )
    return "ok"


rng = random.Random(3)
WORDS = "the agent reads the file and calls a tool to list open issues, then summarizes results".split()


def text(n_words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n_words)) + "."


system = {"role": "system", "content": "You are a careful coding agent. " + text(50)}
turns: list[dict] = []
for i in range(40):
    turns.append({"role": "user", "content": f"step {i}: " + text(40)})
    turns.append({"role": "assistant", "content": text(30)})
    turns.append({"role": "tool", "content": text(300 if i % 5 else 2500)})  # some huge tool outputs

# WRONG: send everything; the request fails once history outgrows the window.
history = [system]
failed_at = None
for i in range(0, len(turns), 3):
    history += turns[i : i + 3]
    try:
        chat(history, MAX_OUTPUT)
    except ContextLengthExceeded as exc:
        failed_at, message = i // 3, str(exc)
        break
assert failed_at is not None and "maximum context length is 8192 tokens" in message, failed_at

# RIGHT: fit before every call, with the conservative estimator and with the provider's tokenizer.
for counter in (estimate_tokens, api_tokens):
    history = [system]
    kept_counts = []
    for i in range(0, len(turns), 3):
        history += turns[i : i + 3]
        sent = fit_messages(history, WINDOW, MAX_OUTPUT, counter)
        assert chat(sent, MAX_OUTPUT) == "ok"
        assert sent[0] is system, "system prompt dropped"
        assert sent[-1]["content"].startswith(history[-1]["content"][:20]), "newest message dropped"
        assert sent[1]["role"] != "tool", "history starts with an orphan tool result"
        kept_counts.append(len(sent))
    assert len(history) == 121 and max(kept_counts) < 121, kept_counts
    if counter is api_tokens:
        exact_prompt = sum(api_tokens(m["content"]) + 4 for m in sent)
        assert exact_prompt + MAX_OUTPUT <= WINDOW
        assert exact_prompt + MAX_OUTPUT > WINDOW * 0.6, exact_prompt  # it uses the window, not a sliver

last_request_messages = len(sent)

# A single message bigger than the window is shrunk, not sent as is.
giant = {"role": "user", "content": text(20000)}
sent = fit_messages([system, giant], WINDOW, MAX_OUTPUT, api_tokens)
assert chat(sent, MAX_OUTPUT) == "ok" and "truncated to fit" in sent[-1]["content"]

record(
    window=WINDOW,
    unbounded_history_failed_at_turn=failed_at,
    fitted_turns_sent=len(turns) // 3,
    fitted_failures=0,
    full_history_messages=len(history),
    messages_in_last_fitted_request=last_request_messages,
)
