import asyncio
from dataclasses import dataclass, field


@dataclass
class SharedAgentState:
    """
    Shared state with fine-grained locking.
    Lock protects only state reads/writes — not slow operations.
    """
    _results: dict[str, any] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)


async def process_item_wrong(item_id: str, lock: asyncio.Lock):
    """WRONG — holds lock during slow LLM call"""
    async with lock:
        data = await fetch_from_database(item_id) # Slow — 200ms
        result = await call_llm(data) # Very slow — 5,000ms
        processed = transform_result(result) # Fast — 1ms
        shared_results[item_id] = processed # Fast — 1ms
    # Lock held for ~5,200ms — all other workers wait


async def process_item_correct(item_id: str, state: SharedAgentState):
    """RIGHT — lock held only during state update (< 1ms)"""
    # Do slow work WITHOUT the lock
    data = await fetch_from_database(item_id) # 200ms, no lock
    result = await call_llm(data) # 5,000ms, no lock
    processed = transform_result(result) # 1ms, no lock

    # Lock only the final state update
    async with state._lock:
        state._results[item_id] = processed # < 1ms, locked
    # Lock held for < 1ms — minimal contention

# Benchmark difference:
# Wrong: 10 workers × 5,200ms = effectively sequential = 52,000ms total
# Right: 10 workers × 5,200ms parallel + 10 × 1ms locked = ~5,210ms total
