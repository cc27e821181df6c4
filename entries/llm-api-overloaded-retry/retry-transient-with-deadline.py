"""Survive transient LLM API failures (529 overloaded, 5xx, dropped connections) without crashing,
without retrying forever, and without doing a non-idempotent call twice."""

import random
import time
import uuid

# WRONG (1): no retry at all -- one 529 "overloaded_error" kills a 40-step agent run.
#     reply = client.messages.create(model=..., messages=...)
# WRONG (2): retry everything, forever, with a new request each time.
#     while True:
#         try:
#             return client.messages.create(...)
#         except Exception:          # also retries 400/401 and bugs in our own code
#             time.sleep(1)          # no deadline, no jitter, a fresh request every time

RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504, 529}
CONNECTION_ERRORS = (
    "APIConnectionError",
    "APITimeoutError",
    "ServiceUnavailable",
    "RemoteDisconnected",
)


class RetriesExhausted(Exception):
    """Every attempt (on every model) failed with a transient error, or the deadline passed."""

    def __init__(self, message: str, attempts: int, last_error: BaseException | None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_error = last_error


def status_of(err: BaseException) -> int | None:
    """HTTP status of an SDK or urllib error: openai/anthropic `.status_code`, urllib `.code`."""
    for name in ("status_code", "code", "status"):
        value = getattr(err, name, None)
        if isinstance(value, int):
            return value
    return None


def headers_of(err: BaseException):
    response = getattr(err, "response", None)
    return getattr(response, "headers", None) or getattr(err, "headers", None) or {}


def is_retryable(err: BaseException) -> bool:
    """Transient: connection drops and timeouts, 408/409/429/5xx/529, or the server saying so."""
    should_retry = headers_of(err).get("x-should-retry")
    if should_retry in ("true", "false"):
        return should_retry == "true"  # openai/anthropic servers send this hint
    if isinstance(err, (ConnectionError, TimeoutError)):
        return True
    if any(cls.__name__ in CONNECTION_ERRORS for cls in type(err).__mro__):
        return True
    status = status_of(err)
    return status is not None and status in RETRYABLE_STATUS


def call_with_retries(
    request,
    *,
    models=("primary",),
    attempts_per_model=6,
    deadline_s=60.0,
    base=0.5,
    cap=8.0,
    clock=time.monotonic,
    sleep=time.sleep,
):
    """RIGHT: request(model=..., idempotency_key=...) with bounded, jittered retries and a deadline.

    * only transient errors are retried; a 400/401/404 or a bug in our code is raised at once;
    * at most `attempts_per_model` attempts per model, then the next model in `models` (fallback);
    * never past `deadline_s` overall: no sleep is started that would end after the deadline;
    * one idempotency key for the whole logical call, so the server can drop a duplicate when a
      response was lost after the work was done (send it as the `Idempotency-Key` header).
    """
    key = str(uuid.uuid4())
    deadline = clock() + deadline_s
    attempts = 0
    last: BaseException | None = None
    for model in models:
        for attempt in range(attempts_per_model):
            if attempts and clock() >= deadline:
                raise RetriesExhausted(
                    f"deadline of {deadline_s}s reached after {attempts} attempts", attempts, last
                )
            attempts += 1
            try:
                return request(model=model, idempotency_key=key)
            except Exception as err:
                if not is_retryable(err):
                    raise
                last = err
            if attempt == attempts_per_model - 1:
                break  # this model is down for now: fall back to the next one at once
            delay = random.uniform(0, min(cap, base * 2**attempt))  # full jitter
            hinted = headers_of(last).get("retry-after")
            if hinted:
                try:
                    delay = max(delay, float(hinted))
                except ValueError:
                    pass
            if clock() + delay > deadline:
                raise RetriesExhausted(
                    f"deadline of {deadline_s}s reached after {attempts} attempts", attempts, last
                )
            sleep(delay)
    raise RetriesExhausted(f"all {attempts} attempts on {list(models)} failed", attempts, last)
