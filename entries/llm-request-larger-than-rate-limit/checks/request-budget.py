"""A fake LLM API with a 30,000 tokens-per-minute limit on a simulated clock, answering 429 with
the real OpenAI and Anthropic body shapes. One request bigger than the limit fails on every retry,
whatever the wait; the budget check trims or splits the work into requests that all pass."""

import random
import re

from errata_check import load_snippet, record

random.seed(11)
ns = load_snippet()
call_llm, fit_history, split_text = ns["call_llm"], ns["fit_history"], ns["split_text"]
is_request_too_large, RequestTooLarge = ns["is_request_too_large"], ns["RequestTooLarge"]
estimate_tokens, request_tokens = ns["estimate_tokens"], ns["request_tokens"]

LIMIT = 30_000
TOKEN = re.compile(r"\w+|[^\w\s]")


def api_tokens(text: str) -> int:
    """The fake provider's own tokenizer: words and punctuation marks."""
    return len(TOKEN.findall(text))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept = 0.0

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds
        self.slept += seconds


class APIStatusError(Exception):
    """Shaped like openai.RateLimitError / anthropic.RateLimitError: status_code and body."""

    def __init__(self, status_code: int, body: dict) -> None:
        super().__init__(f"Error code: {status_code} - {body}")
        self.status_code, self.body = status_code, body


def openai_body(message: str) -> dict:
    return {"message": message, "type": "tokens", "param": None, "code": "rate_limit_exceeded"}


def anthropic_body(limit: int) -> dict:
    message = (
        f"This request would exceed the rate limit for your organization (org-test) of {limit:,} input "
        "tokens per minute. For details, refer to: https://docs.anthropic.com/en/api/rate-limits. You can "
        "see the response headers for current usage. Please reduce the prompt length or the maximum "
        "tokens requested, or try again later."
    )
    return {"type": "error", "error": {"type": "rate_limit_error", "message": message}}


class FakeAPI:
    """Charges prompt tokens + max_tokens against a sliding one-minute window, like the real limiter."""

    def __init__(self, clock: Clock, provider: str = "openai") -> None:
        self.clock, self.provider = clock, provider
        self.spent: list[tuple[float, int]] = []
        self.ok = self.too_large = self.rate_limited = 0
        self.largest_accepted = 0

    def send(self, messages: list[dict], max_tokens: int) -> str:
        requested = sum(api_tokens(m["content"]) + 4 for m in messages) + max_tokens
        now = self.clock.now
        self.spent = [(t, n) for t, n in self.spent if now - t < 60]
        used = sum(n for _, n in self.spent)
        if requested > LIMIT:
            self.too_large += 1
            raise APIStatusError(429, self.too_large_body(requested))
        if used + requested > LIMIT:
            self.rate_limited += 1
            free_at = self.free_at(requested)
            raise APIStatusError(429, self.rate_body(used, requested, free_at - now))
        self.spent.append((now, requested))
        self.ok += 1
        self.largest_accepted = max(self.largest_accepted, requested)
        return "ok"

    def free_at(self, requested: int) -> float:
        """When enough of the window has expired for this request to fit."""
        total = sum(n for _, n in self.spent)
        for stamp, n in self.spent:
            total -= n
            if total + requested <= LIMIT:
                return stamp + 60
        raise AssertionError("unreachable")

    def too_large_body(self, requested: int) -> dict:
        if self.provider == "anthropic":
            return anthropic_body(LIMIT)
        return openai_body(
            f"Request too large for gpt-4o in organization org-test on tokens per min (TPM): Limit {LIMIT}, "
            f"Requested {requested}. The input or output tokens must be reduced in order to run successfully. "
            "Visit https://platform.openai.com/account/rate-limits to learn more."
        )

    def rate_body(self, used: int, requested: int, wait: float) -> dict:
        if self.provider == "anthropic":
            return anthropic_body(LIMIT)
        return openai_body(
            f"Rate limit reached for gpt-4o in organization org-test on tokens per min (TPM): Limit {LIMIT}, "
            f"Used {used}, Requested {requested}. Please try again in {wait:.3f}s. "
            "Visit https://platform.openai.com/account/rate-limits to learn more."
        )


rng = random.Random(5)
WORDS = "the agent reads the log and the diff then writes a short summary of each change".split()


def text(n_words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n_words)) + "."


system = {"role": "system", "content": "You are a careful assistant. " + text(40)}
history = [system]
for i in range(80):
    history.append({"role": "user", "content": f"question {i}: " + text(250)})
    history.append({"role": "assistant", "content": text(150)})
history.append({"role": "user", "content": "And what changed in the last release?"})
MAX_TOKENS = 4096


def retry_every_429(api: FakeAPI, clock: Clock, messages: list[dict]) -> int:
    """WRONG: back off on every 429 (up to a full minute) and send the same request again."""
    for attempt in range(6):
        try:
            api.send(messages, MAX_TOKENS)
            return attempt
        except APIStatusError:
            clock.sleep(min(60.0, 2.0**attempt + 30))
    return -1


# 1. WRONG: however long it waits (the window is empty again after a minute) it never passes.
clock = Clock()
api = FakeAPI(clock)
assert retry_every_429(api, clock, history) == -1
naive_attempts, naive_wait = api.too_large, clock.slept
assert naive_attempts == 6 and api.ok == 0 and naive_wait > 120, (naive_attempts, naive_wait)
requested_full = sum(api_tokens(m["content"]) + 4 for m in history) + MAX_TOKENS
assert requested_full > LIMIT, requested_full

# 2. RIGHT: the pre-flight budget check refuses it before anything is sent ...
clock = Clock()
api = FakeAPI(clock)
try:
    call_llm(api.send, history, MAX_TOKENS, tpm_limit=LIMIT, sleep=clock.sleep)
    raise AssertionError("oversized request sent")
except RequestTooLarge:
    pass
assert api.ok + api.too_large + api.rate_limited == 0
# ... and without a known limit the 429 handler stops at the first "Request too large", no sleep.
try:
    call_llm(api.send, history, MAX_TOKENS, sleep=clock.sleep)
    raise AssertionError("RequestTooLarge expected")
except RequestTooLarge as err:
    assert "Request too large" in str(err)
assert api.too_large == 1 and clock.slept == 0

# 3. RIGHT: the trimmed history fits, keeps the system prompt and the newest question.
BUDGET = int(LIMIT * 0.9)  # a margin: the estimate is not the provider's tokenizer
fitted = fit_history(history, MAX_TOKENS, BUDGET)
assert fitted[0] is system and fitted[-1] is history[-1] and len(fitted) < len(history)
assert call_llm(api.send, fitted, MAX_TOKENS, tpm_limit=LIMIT, sleep=clock.sleep) == "ok"
fitted_exact = fit_history(history, MAX_TOKENS, BUDGET, count=api_tokens)
assert request_tokens(fitted_exact, MAX_TOKENS, api_tokens) <= BUDGET
assert (
    call_llm(api.send, fitted_exact, MAX_TOKENS, tpm_limit=LIMIT, sleep=clock.sleep, count=api_tokens) == "ok"
)

# 4. RIGHT: a document four times the limit is split into pieces; each fits, the ones that meet
#    a full window get "Rate limit reached" and pass after the hinted wait.
clock = Clock()
api = FakeAPI(clock)
document = text(120_000)
prompt = [{"role": "system", "content": "Summarise this part of the report."}]
prompt_tokens = request_tokens(prompt, 0)
assert api_tokens(document) > 4 * LIMIT
pieces = split_text(document, prompt_tokens=prompt_tokens, max_tokens=1024, budget=BUDGET)
assert " ".join(pieces) == " ".join(document.split())
for piece in pieces:
    messages = prompt + [{"role": "user", "content": piece}]
    assert request_tokens(messages, 1024) <= BUDGET
    assert call_llm(api.send, messages, 1024, tpm_limit=LIMIT, sleep=clock.sleep) == "ok"
assert api.ok == len(pieces) and api.too_large == 0 and api.rate_limited > 0
assert api.largest_accepted <= LIMIT
split_minutes = clock.now / 60
split_rate_limited = api.rate_limited

# 5. Anthropic words both 429s alike; the request's own size tells them apart.
clock = Clock()
api = FakeAPI(clock, provider="anthropic")
assert retry_every_429(api, clock, history) == -1 and api.too_large == 6
try:
    call_llm(api.send, history, MAX_TOKENS, sleep=clock.sleep)
    raise AssertionError("RequestTooLarge expected")
except RequestTooLarge:
    pass
assert api.too_large == 7
assert is_request_too_large(anthropic_body(LIMIT), requested=45_000)
assert not is_request_too_large(anthropic_body(LIMIT), requested=5_000)

# 6. The OpenAI wordings: 'Rate limit reached' with Requested under Limit is retryable.
rate = openai_body(
    "Rate limit reached for gpt-4o in organization org-test on tokens per min (TPM): Limit 30000, "
    "Used 28123, Requested 4021. Please try again in 4.288s."
)
assert not is_request_too_large(rate)
large = "Request too large for gpt-4o-mini on tokens per min (TPM): Limit 200000, Requested 250100."
assert is_request_too_large(openai_body(large))
assert estimate_tokens("x" * 300) == 100

record(
    tpm_limit=LIMIT,
    oversized_request_tokens=requested_full,
    naive_retries_failed=naive_attempts,
    naive_simulated_wait_s=round(naive_wait, 1),
    requests_sent_after_budget_check=0,
    trimmed_history_messages=f"{len(fitted)} of {len(history)}",
    document_tokens=api_tokens(document),
    document_pieces=len(pieces),
    pieces_rate_limited_then_passed=split_rate_limited,
    split_simulated_minutes=round(split_minutes, 2),
)
