"""A fake LLM API on a simulated clock: 529s, a 400, an outage, lost responses.

The wrong patterns crash on the first 529, retry a 400 forever, never give up on a dead model,
and double a non-idempotent call; the fix does none of these.
"""

import random

from errata_check import load_snippet, record

ns = load_snippet()
call_with_retries = ns["call_with_retries"]
RetriesExhausted = ns["RetriesExhausted"]
is_retryable = ns["is_retryable"]
random.seed(11)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


class Response:
    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers


class APIStatusError(Exception):
    """Shaped like openai/anthropic errors: .status_code and .response.headers."""

    def __init__(self, status_code: int, body: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"Error code: {status_code} - {body}")
        self.status_code = status_code
        self.response = Response(headers or {})


class InternalServerError(APIStatusError):
    pass


class BadRequestError(APIStatusError):
    pass


class APIConnectionError(Exception):
    def __init__(self) -> None:
        super().__init__("Connection error.")


OVERLOADED = "{'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}}"


class FakeLLM:
    """Each call takes 0.8 simulated s; `overloaded[model]` is its chance of a 529."""

    def __init__(self, clock: Clock, overloaded: dict[str, float], lose_response: float = 0.0) -> None:
        self.clock, self.overloaded, self.lose_response = clock, overloaded, lose_response
        self.rng = random.Random(5)
        self.calls = 0
        self.side_effects = 0  # e.g. an email sent or a ticket created by the agent's tool call
        self.done: dict[str, str] = {}  # idempotency key -> stored result

    def request(self, *, model: str = "primary", idempotency_key: str | None = None, bad: bool = False) -> str:
        self.calls += 1
        self.clock.sleep(0.8)
        if bad:
            raise BadRequestError(400, "{'type': 'invalid_request_error', 'message': 'max_tokens: Field required'}")
        if self.rng.random() < self.overloaded.get(model, 0.0):
            raise InternalServerError(529, OVERLOADED, {"x-should-retry": "true"})
        if idempotency_key is not None and idempotency_key in self.done:
            return self.done[idempotency_key]  # the server recognises the retry: no second effect
        self.side_effects += 1
        result = f"ok from {model}"
        if idempotency_key is not None:
            self.done[idempotency_key] = result
        if self.rng.random() < self.lose_response:
            raise APIConnectionError()  # the work was done, the reply was lost on the way back
        return result


# Classification: transient vs permanent.
assert is_retryable(InternalServerError(529, OVERLOADED))
assert is_retryable(APIStatusError(503, "UNAVAILABLE"))
assert is_retryable(APIConnectionError()) and is_retryable(ConnectionResetError())
assert not is_retryable(BadRequestError(400, "bad"))
assert not is_retryable(APIStatusError(401, "invalid x-api-key"))
assert not is_retryable(APIStatusError(500, "boom", {"x-should-retry": "false"}))
assert not is_retryable(KeyError("our own bug"))

CALLS = 300

# 1. WRONG: no retry. 30% of calls hit 529 and crash the run.
clock = Clock()
api = FakeLLM(clock, {"primary": 0.3})
crashed = 0
for _ in range(CALLS):
    try:
        api.request()
    except InternalServerError:
        crashed += 1
assert crashed > CALLS // 5, crashed

# RIGHT: the same 30% overload, every call succeeds, bounded attempts.
clock = Clock()
api = FakeLLM(clock, {"primary": 0.3})
for _ in range(CALLS):
    assert call_with_retries(api.request, clock=clock, sleep=clock.sleep) == "ok from primary"
fixed_attempts = api.calls
assert CALLS < fixed_attempts < CALLS * 1.8, fixed_attempts

# 2. WRONG: retry everything forever. A 400 never succeeds: stopped by the check at 50 tries.
api = FakeLLM(Clock(), {})
tries = 0
while tries < 50:
    tries += 1
    try:
        api.request(bad=True)
        break
    except Exception:
        continue
assert tries == 50
# RIGHT: a 400 is raised after one attempt.
api = FakeLLM(Clock(), {})
try:
    call_with_retries(lambda **kw: api.request(bad=True, **kw), sleep=lambda s: None)
    raise AssertionError("a 400 must be raised")
except BadRequestError:
    pass
assert api.calls == 1, api.calls

# 3. The primary model is down for good. WRONG: retry forever (stopped at 1000 tries = hours).
clock = Clock()
api = FakeLLM(clock, {"primary": 1.0})
naive_tries = 0
while naive_tries < 1000:
    naive_tries += 1
    try:
        api.request(model="primary")
        break
    except InternalServerError:
        clock.sleep(1.0)
naive_stuck_s = clock.now
assert naive_tries == 1000 and naive_stuck_s > 1000

# RIGHT: 6 attempts on the primary, then the fallback model answers, well inside the deadline.
clock = Clock()
api = FakeLLM(clock, {"primary": 1.0, "fallback": 0.0})
result = call_with_retries(api.request, models=("primary", "fallback"), deadline_s=60, clock=clock, sleep=clock.sleep)
assert result == "ok from fallback" and api.calls == 7, (result, api.calls)
fallback_s = clock.now
assert fallback_s < 60

# RIGHT: everything down -> a clear RetriesExhausted before the deadline, not an endless loop.
clock = Clock()
api = FakeLLM(clock, {"primary": 1.0, "fallback": 1.0})
try:
    call_with_retries(api.request, models=("primary", "fallback"), attempts_per_model=50, deadline_s=30, clock=clock, sleep=clock.sleep)
    raise AssertionError("must give up")
except RetriesExhausted as err:
    assert isinstance(err.last_error, InternalServerError)
    gave_up_after_s, gave_up_attempts = clock.now, err.attempts
assert gave_up_after_s <= 30 + 0.8, gave_up_after_s  # at most one request already in flight

# 4. Lost responses: the work is done, the connection drops. WRONG: retry with a fresh request.
clock = Clock()
api = FakeLLM(clock, {}, lose_response=0.2)
for _ in range(CALLS):
    for _attempt in range(5):
        try:
            api.request(idempotency_key=None)
            break
        except APIConnectionError:
            continue
naive_duplicates = api.side_effects - CALLS
assert naive_duplicates > CALLS // 10, naive_duplicates

# RIGHT: the same idempotency key on every attempt; the server drops the duplicate.
clock = Clock()
api = FakeLLM(clock, {}, lose_response=0.2)
for _ in range(CALLS):
    assert call_with_retries(api.request, clock=clock, sleep=clock.sleep) == "ok from primary"
fixed_duplicates = api.side_effects - CALLS
assert fixed_duplicates == 0, fixed_duplicates

# Delays are jittered and capped: exponential ceiling, never above cap.
delays: list[float] = []
api = FakeLLM(Clock(), {"primary": 1.0})
try:
    call_with_retries(api.request, attempts_per_model=8, base=0.5, cap=4.0, deadline_s=1e9, sleep=delays.append)
except RetriesExhausted:
    pass
assert len(delays) == 7 and all(0 <= d <= min(4.0, 0.5 * 2**i) for i, d in enumerate(delays)), delays
assert len(set(delays)) == len(delays)  # random, not a fixed schedule shared by every worker

record(
    calls=CALLS,
    overload_rate=0.3,
    no_retry_crashed_calls=crashed,
    fixed_failed_calls=0,
    fixed_total_attempts=fixed_attempts,
    bad_request_attempts_fixed=1,
    dead_model_naive_tries_stopped_at=naive_tries,
    fallback_answered_after_simulated_s=round(fallback_s, 1),
    all_down_gave_up_after_simulated_s=round(gave_up_after_s, 1),
    all_down_attempts=gave_up_attempts,
    lost_response_duplicates_naive=naive_duplicates,
    lost_response_duplicates_fixed=fixed_duplicates,
)
