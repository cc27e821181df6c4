"""Tell a quota or billing error from a rate limit before retrying: stop at once on the first,
back off only on the second."""

import random
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# WRONG: every 429 is treated as "too fast":
#     for attempt in range(6):
#         try:
#             return client.chat.completions.create(...)
#         except openai.RateLimitError:
#             time.sleep(2 ** attempt)        # insufficient_quota: 31 s of sleeps, then a
#     raise RuntimeError("rate limited")      # misleading error; billing is never mentioned

QUOTA_CODES = {
    "insufficient_quota",  # OpenAI error.type (and often error.code)
    "credit_balance_exhausted",
    "organization_spend_limit_exceeded",
    "project_spend_limit_exceeded",
    "organization_usage_limit_exceeded",
    "billing_error",  # Anthropic 402
    "enforced_spend_limit_reached",  # Anthropic 429 error.details.error_code
}
RETRYABLE_STATUS = {500, 502, 503, 504, 529}


class QuotaExhausted(Exception):
    """The account may not spend more: add credit, raise the limit or wait for the reset."""


def _error_object(body: object) -> dict:
    """The provider's error object, from the whole body or the object itself."""
    if not isinstance(body, dict):
        return {}
    inner = body.get("error", body)
    return inner if isinstance(inner, dict) else {}


def _daily_or_zero_quota(error: dict) -> bool:
    """Gemini RESOURCE_EXHAUSTED: a per-day quota, or a limit of 0, never comes back in seconds."""
    quota_ids = [
        str(violation.get("quotaId", ""))
        for detail in error.get("details") or []
        if isinstance(detail, dict)
        for violation in detail.get("violations") or []
        if isinstance(violation, dict)
    ]
    return any("PerDay" in q for q in quota_ids) or "limit: 0," in str(error.get("message", ""))


def classify_llm_error(status: int | None, body: object) -> str:
    """'quota', 'rate_limit', 'transient' (retry with backoff) or 'fatal' (do not retry)."""
    error = _error_object(body)
    details = error.get("details")
    codes = {str(error.get(key) or "") for key in ("type", "code", "status")}
    if isinstance(details, dict):
        codes.add(str(details.get("error_code") or ""))
    message = str(error.get("message", ""))
    if codes & QUOTA_CODES or "credit balance is too low" in message or " per day (" in message:
        return "quota"  # a per-day limit (OpenAI RPD/TPD) comes back in hours, not seconds
    if "RESOURCE_EXHAUSTED" in codes:
        return "quota" if _daily_or_zero_quota(error) else "rate_limit"
    if status == 429:
        return "rate_limit"
    return "transient" if status in RETRYABLE_STATUS else "fatal"


def _classify(exc: BaseException) -> str:
    status = getattr(exc, "status_code", None) or getattr(exc, "code", None)
    body = getattr(exc, "body", None) or getattr(exc, "details", None)
    return classify_llm_error(status if isinstance(status, int) else None, body)


def is_retryable(exc: BaseException) -> bool:
    """For tenacity: retry=retry_if_exception(is_retryable)."""
    return _classify(exc) in ("rate_limit", "transient")


def call_llm(
    send: Callable[[], T],
    max_attempts: int = 5,
    base: float = 1.0,
    cap: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
) -> T:
    """RIGHT: call `send()`; a quota error stops at once, a rate limit backs off (Retry-After
    when the error carries it, else full jitter), anything else is raised as is."""
    for attempt in range(max_attempts):
        try:
            return send()
        except Exception as exc:
            kind = _classify(exc)
            if kind == "quota":
                raise QuotaExhausted(
                    "the provider account's quota or credit is used up (billing, spend limit or "
                    f"daily quota): retrying will not help. Provider said: {exc}"
                ) from exc
            if kind == "fatal" or attempt == max_attempts - 1:
                raise
            retry_after = getattr(exc, "retry_after", None)
            sleep(retry_after if retry_after is not None else rng() * min(cap, base * 2**attempt))
    raise AssertionError("unreachable")
