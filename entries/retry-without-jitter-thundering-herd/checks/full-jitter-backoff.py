"""Simulate 200 clients after an outage: synchronized retry waves without jitter, a flat load with it."""

import heapq
import random
from collections import Counter

from errata_check import load_snippet, record

ns = load_snippet()
full_jitter, decorrelated_jitter, retry = ns["full_jitter"], ns["decorrelated_jitter"], ns["retry"]

CLIENTS, OUTAGE_END, BUCKET, CAPACITY, MAX_ATTEMPTS = 200, 1.0, 0.1, 25, 12


def simulate(delay_for) -> dict:
    """Discrete-event run: all clients fail at t=0; the server is down until OUTAGE_END, then
    serves CAPACITY requests per 100 ms bucket and answers 503 to the rest."""
    events = [(0.0, c, 0, 0.1) for c in range(CLIENTS)]
    heapq.heapify(events)
    per_bucket: Counter = Counter()
    served: Counter = Counter()
    done_at, gave_up = [], 0
    while events:
        t, client, attempt, previous = heapq.heappop(events)
        bucket = int(t / BUCKET)
        per_bucket[bucket] += 1
        if t >= OUTAGE_END and served[bucket] < CAPACITY:
            served[bucket] += 1
            done_at.append(t)
            continue
        if attempt + 1 == MAX_ATTEMPTS:
            gave_up += 1
            continue
        delay = delay_for(attempt, previous)
        heapq.heappush(events, (t + delay, client, attempt + 1, delay))
    after = [n for b, n in per_bucket.items() if b * BUCKET >= OUTAGE_END]
    return {
        "peak_per_100ms": max(after),
        "requests": sum(per_bucket.values()),
        "gave_up": gave_up,
        "all_served_s": round(max(done_at), 2) if done_at else None,
    }


no_jitter = simulate(lambda attempt, previous: min(20.0, 0.1 * 2**attempt))  # same cap, no jitter
rng = random.Random(42)
with_full = simulate(lambda attempt, previous: full_jitter(attempt, 0.1, 20.0, rng))
with_decorrelated = simulate(lambda attempt, previous: decorrelated_jitter(previous, 0.1, 20.0, rng))

# Without jitter every wave holds every client still waiting: 200, then 175, 150...
assert no_jitter["peak_per_100ms"] == CLIENTS, no_jitter
for jittered in (with_full, with_decorrelated):
    assert jittered["peak_per_100ms"] * 3 <= no_jitter["peak_per_100ms"], (jittered, no_jitter)
    assert jittered["gave_up"] == 0, jittered
# Waves also waste capacity: 25 served per wave, with ever longer gaps between waves.
assert no_jitter["requests"] > with_full["requests"], (no_jitter, with_full)
assert no_jitter["gave_up"] > 0 or no_jitter["all_served_s"] > 2 * with_full["all_served_s"], (no_jitter, with_full)

# The delays respect their bounds.
r = random.Random(0)
for attempt in range(12):
    for _ in range(50):
        assert 0 <= full_jitter(attempt, 0.1, 20.0, r) <= min(20.0, 0.1 * 2**attempt)
assert all(0.1 <= decorrelated_jitter(p, 0.1, 20.0, r) <= 20.0 for p in (0.1, 1.0, 50.0))

# retry(): retries only retryable errors, sleeps jittered delays, stops at max_attempts.
slept: list[float] = []
outcomes = iter([ConnectionError("503"), ConnectionError("503"), "ok"])


def flaky() -> str:
    value = next(outcomes)
    if isinstance(value, Exception):
        raise value
    return value


assert retry(flaky, is_retryable=lambda e: isinstance(e, ConnectionError), sleep=slept.append) == "ok"
assert len(slept) == 2 and slept[0] <= 0.1 and slept[1] <= 0.2, slept
try:
    retry(lambda: 1 / 0, is_retryable=lambda e: isinstance(e, ConnectionError), sleep=slept.append)
    raise AssertionError("a non-retryable error was retried")
except ZeroDivisionError:
    assert len(slept) == 2

record(
    clients=CLIENTS,
    capacity_per_100ms=CAPACITY,
    no_jitter_peak_per_100ms=no_jitter["peak_per_100ms"],
    full_jitter_peak_per_100ms=with_full["peak_per_100ms"],
    decorrelated_peak_per_100ms=with_decorrelated["peak_per_100ms"],
    no_jitter_gave_up=no_jitter["gave_up"],
    full_jitter_gave_up=with_full["gave_up"],
    no_jitter_requests=no_jitter["requests"],
    full_jitter_requests=with_full["requests"],
    full_jitter_all_served_s=with_full["all_served_s"],
    no_jitter_all_served_s=no_jitter["all_served_s"],
)
