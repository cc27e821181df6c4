"""A fake LLM API whose account has no quota left: retrying every 429 burns calls and sleeps
before failing with a generic error; call_llm stops at the first call with QuotaExhausted. It
still backs off on a per-minute rate limit, and classifies real providers' bodies."""

from errata_check import load_snippet, record

ns = load_snippet()
call_llm = ns["call_llm"]
classify = ns["classify_llm_error"]
QuotaExhausted = ns["QuotaExhausted"]
is_retryable = ns["is_retryable"]

OPENAI_QUOTA = {
    "error": {
        "message": "You exceeded your current quota, please check your plan and billing details.",
        "type": "insufficient_quota",
        "param": None,
        "code": "insufficient_quota",
    }
}
OPENAI_RATE = {
    "error": {
        "message": "Rate limit reached for gpt-4o on requests per min (RPM): Limit 500, Used 500.",
        "type": "requests",
        "param": None,
        "code": "rate_limit_exceeded",
    }
}
OPENAI_DAILY = {
    "error": {
        "message": "Rate limit reached for gpt-4o-mini in organization org-x on requests per day "
        "(RPD): Limit 200, Used 200, Requested 1. Please try again in 9h41m0s.",
        "type": "requests",
        "param": None,
        "code": "rate_limit_exceeded",
    }
}
GEMINI_DAILY = {
    "error": {
        "code": 429,
        "message": "You exceeded your current quota, please check your plan and billing details.",
        "status": "RESOURCE_EXHAUSTED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [{"quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"}],
            }
        ],
    }
}
GEMINI_MINUTE = {
    "error": {
        "code": 429,
        "message": "You exceeded your current quota, please check your plan and billing details.",
        "status": "RESOURCE_EXHAUSTED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [{"quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}],
            }
        ],
    }
}
GEMINI_ZERO = {
    "error": {
        "code": 429,
        "message": "Quota exceeded for metric: generate_content_free_tier_requests, limit: 0, "
        "model: gemini-2.0-flash\nPlease retry in 7.9s.",
        "status": "RESOURCE_EXHAUSTED",
    }
}
ANTHROPIC_CREDIT = {
    "type": "error",
    "error": {
        "type": "invalid_request_error",
        "message": "Your credit balance is too low to access the Anthropic API. Please go to "
        "Plans & Billing to upgrade or purchase credits.",
    },
}
ANTHROPIC_SPEND = {
    "type": "error",
    "error": {
        "type": "rate_limit_error",
        "message": "You have reached your specified API usage limits.",
        "details": {"error_code": "enforced_spend_limit_reached"},
    },
}
ANTHROPIC_RATE = {"type": "error", "error": {"type": "rate_limit_error", "message": "rate limit"}}

assert classify(429, OPENAI_QUOTA) == "quota"
assert classify(429, OPENAI_RATE) == "rate_limit"
assert classify(429, OPENAI_DAILY) == "quota"
assert classify(429, GEMINI_DAILY) == "quota"
assert classify(429, GEMINI_MINUTE) == "rate_limit"
assert classify(429, GEMINI_ZERO) == "quota"
assert classify(400, ANTHROPIC_CREDIT) == "quota"
assert classify(429, ANTHROPIC_SPEND) == "quota"
assert classify(429, ANTHROPIC_RATE) == "rate_limit"
assert classify(529, {"type": "error", "error": {"type": "overloaded_error"}}) == "transient"
assert classify(400, {"error": {"type": "invalid_request_error", "message": "bad"}}) == "fatal"


class APIStatusError(Exception):
    """Shaped like openai/anthropic APIStatusError: status_code and the parsed body."""

    def __init__(self, status_code: int, body: dict, retry_after: float | None = None) -> None:
        super().__init__(f"Error code: {status_code} - {body}")
        self.status_code = status_code
        self.body = body
        self.retry_after = retry_after


class FakeAPI:
    """Answers with the queued errors, then succeeds."""

    def __init__(self, errors: list[APIStatusError], forever: bool = False) -> None:
        self.errors = errors
        self.forever = forever
        self.calls = 0

    def send(self) -> str:
        self.calls += 1
        if self.forever:
            raise self.errors[0]
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


class Clock:
    def __init__(self) -> None:
        self.slept = 0.0

    def sleep(self, seconds: float) -> None:
        self.slept += seconds


def naive_retry(send, clock: Clock, max_attempts: int = 6) -> str:
    """WRONG: every 429 is "too fast"."""
    for attempt in range(max_attempts):
        try:
            return send()
        except APIStatusError as exc:
            if exc.status_code != 429:
                raise
            if attempt < max_attempts - 1:
                clock.sleep(2**attempt)
    raise RuntimeError("rate limited, giving up")


# WRONG: the quota error is retried for the whole budget and reported as a rate limit.
api, clock = FakeAPI([APIStatusError(429, OPENAI_QUOTA)], forever=True), Clock()
try:
    naive_retry(api.send, clock)
except RuntimeError as exc:
    naive_error = str(exc)
assert api.calls == 6 and clock.slept == 31, (api.calls, clock.slept)
assert "billing" not in naive_error and "quota" not in naive_error

# RIGHT: one call, no sleep, an error that names the quota and billing.
for body, status in ((OPENAI_QUOTA, 429), (GEMINI_DAILY, 429), (ANTHROPIC_CREDIT, 400)):
    api, clock = FakeAPI([APIStatusError(status, body)], forever=True), Clock()
    try:
        call_llm(api.send, sleep=clock.sleep)
    except QuotaExhausted as exc:
        message = str(exc)
    else:
        raise AssertionError(f"a quota error was not reported: {body}")
    assert api.calls == 1 and clock.slept == 0, (body, api.calls, clock.slept)
    assert "billing" in message and "retrying will not help" in message
    assert not is_retryable(APIStatusError(status, body))

# A real per-minute rate limit is still retried, honouring Retry-After, and succeeds.
api, clock = FakeAPI([APIStatusError(429, OPENAI_RATE, 0.5), APIStatusError(429, OPENAI_RATE, 0.5)]), Clock()
assert call_llm(api.send, sleep=clock.sleep) == "ok"
assert api.calls == 3 and clock.slept == 1.0, (api.calls, clock.slept)
assert is_retryable(APIStatusError(429, GEMINI_MINUTE))
# A per-minute limit that never clears gives up after max_attempts, with capped jittered waits.
api, clock = FakeAPI([APIStatusError(429, ANTHROPIC_RATE)], forever=True), Clock()
try:
    call_llm(api.send, max_attempts=4, sleep=clock.sleep, rng=lambda: 1.0)
except APIStatusError:
    pass
assert api.calls == 4 and clock.slept == 1 + 2 + 4, (api.calls, clock.slept)
# Other client errors are not retried at all.
api = FakeAPI([APIStatusError(400, {"error": {"type": "invalid_request_error"}})], forever=True)
try:
    call_llm(api.send, sleep=Clock().sleep)
except APIStatusError:
    pass
assert api.calls == 1

record(
    naive_calls=6,
    naive_slept_s=31,
    fixed_calls=1,
    fixed_slept_s=0,
    rate_limit_calls=3,
    rate_limit_slept_s=1.0,
)
