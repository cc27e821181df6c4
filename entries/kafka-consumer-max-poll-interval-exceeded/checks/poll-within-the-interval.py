"""A consumer group stand-in that evicts a member whose poll() calls are further apart than
max.poll.interval.ms (as the Java client's heartbeat thread and librdkafka do): a slow batch makes
the group rebalance in a loop, the batch is handled again by another member and the commit fails.
Small batches, or a worker pool with the partition paused while polling goes on, stay in the group
and handle every message once; OnceOnly makes a redelivery harmless."""

import threading
import time
from collections import Counter
from dataclasses import dataclass

from errata_check import load_snippet, record

ns = load_snippet()

COMMIT_FAILED = (
    "org.apache.kafka.clients.consumer.CommitFailedException: Commit cannot be completed since the "
    "group has already rebalanced and assigned the partitions to another member. This means that "
    "the time between subsequent calls to poll() was longer than the configured "
    "max.poll.interval.ms, which typically implies that the poll loop is spending too much time "
    "message processing."
)
POLL_EXPIRED = "consumer poll timeout has expired"

INTERVAL_S = 0.5  # max.poll.interval.ms = 500 here (300000 by default)
RECORD_S = 0.05  # the handler's time per record (an API or LLM call)


class CommitFailedError(Exception):
    pass


@dataclass(frozen=True)
class Record:
    partition: int
    offset: int
    value: str


class Group:
    """A group coordinator: assignment, committed offsets, eviction on an expired poll interval."""

    def __init__(self, messages_per_partition: int, partitions: int = 2) -> None:
        self.lock = threading.RLock()
        self.log = {
            p: [Record(p, o, f"order-{p}-{o}") for o in range(messages_per_partition)]
            for p in range(partitions)
        }
        self.committed = {p: 0 for p in self.log}
        self.position: dict[int, int] = {}
        self.last_poll: dict[str, float] = {}  # live members
        self.owner: dict[int, str] = {}
        self.paused: set[int] = set()
        self.generation = 0
        self.evictions: list[str] = []
        self.commit_failures: list[str] = []

    def expire(self) -> None:
        now = time.monotonic()
        late = [m for m, at in self.last_poll.items() if now - at > INTERVAL_S]
        for member in late:
            self.evictions.append(f"[{member}] {POLL_EXPIRED}: leaving group")
            del self.last_poll[member]
        if late:
            self.rebalance()

    def rebalance(self) -> None:
        """Eager rebalance: every partition is reassigned, fetching from its committed offset."""
        self.generation += 1
        members = sorted(self.last_poll)
        self.owner = {p: members[p % len(members)] for p in self.log} if members else {}
        self.position = dict(self.committed)
        self.paused.clear()

    def done(self) -> bool:
        with self.lock:
            return all(self.committed[p] == len(records) for p, records in self.log.items())


class Consumer:
    """The calls the snippet uses: poll, pause, resume, assignment, commit."""

    def __init__(self, group: Group, name: str, max_poll_records: int) -> None:
        self.group, self.name, self.max_poll_records = group, name, max_poll_records

    def poll(self, timeout: float) -> list[Record]:
        g = self.group
        with g.lock:
            g.expire()
            joining = self.name not in g.last_poll
            g.last_poll[self.name] = time.monotonic()
            if joining:
                g.rebalance()
            batch: list[Record] = []
            for p in sorted(self.assignment()):
                if p in g.paused:
                    continue
                start = g.position[p]
                take = g.log[p][start : start + self.max_poll_records - len(batch)]
                g.position[p] = start + len(take)
                batch += take
        if not batch:
            time.sleep(timeout)
        return batch

    def assignment(self) -> set[int]:
        with self.group.lock:
            return {p for p, m in self.group.owner.items() if m == self.name}

    def pause(self, partitions: list[int]) -> None:
        with self.group.lock:
            self.group.paused.update(p for p in partitions if p in self.assignment())

    def resume(self, partitions: list[int]) -> None:
        with self.group.lock:
            self.group.paused.difference_update(partitions)

    def commit(self, offsets: dict[int, int]) -> None:
        g = self.group
        with g.lock:
            g.expire()
            if self.name not in g.last_poll or not set(offsets) <= self.assignment():
                g.commit_failures.append(f"[{self.name}] {COMMIT_FAILED}")
                raise CommitFailedError(COMMIT_FAILED)
            g.committed.update(offsets)


handled: Counter = Counter()
handled_lock = threading.Lock()


def handle(rec: Record) -> None:
    """The application's slow step: one API call per order."""
    time.sleep(RECORD_S)
    with handled_lock:
        handled[rec.value] += 1


def run_members(loop, group: Group, names: list[str], max_poll_records: int, seconds: float):
    """Run one consumer per name, each in its own thread with `loop`, until done or time is up."""
    handled.clear()
    deadline = time.monotonic() + seconds
    errors: list[BaseException] = []

    def stop() -> bool:
        return group.done() or time.monotonic() > deadline

    def member(name: str) -> None:
        consumer = Consumer(group, name, max_poll_records)
        while not stop():
            try:
                loop(consumer, stop)
            except CommitFailedError:
                continue  # what most loops do: log it and poll again
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                return

    with group.lock:  # the group is formed before the first batch: both members are assigned
        group.last_poll.update({n: time.monotonic() for n in names})
        group.rebalance()
    threads = [threading.Thread(target=member, args=(n,)) for n in names]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 10)
    assert not any(t.is_alive() for t in threads) and not errors, errors
    return time.monotonic() - started


def naive_loop(consumer: Consumer, stop) -> None:
    """The usual loop: poll a full batch, handle every record, then commit."""
    while not stop():
        records = consumer.poll(0.05)
        if records:
            for rec in records:
                handle(rec)
            consumer.commit({r.partition: r.offset + 1 for r in records})


# WRONG: 20 records per batch x 50 ms = 1 s between polls, over the 500 ms interval.
wrong = Group(messages_per_partition=20)
run_members(naive_loop, wrong, ["consumer-a", "consumer-b"], max_poll_records=20, seconds=4.0)
wrong_handled, wrong_distinct = sum(handled.values()), len(handled)
assert not wrong.done(), wrong.committed  # the rebalance loop: the offsets never reach the end
assert wrong.evictions and POLL_EXPIRED in wrong.evictions[0], wrong.evictions
assert wrong.commit_failures and "CommitFailedException" in wrong.commit_failures[0]
assert max(handled.values()) >= 2, handled  # the same orders handled again by the next owner
assert wrong.generation >= 4, wrong.generation

# FIXED 1: max.poll.records sized to the interval: 5 records (250 ms) per poll, commit after.
size = ns["max_poll_records_for"](INTERVAL_S * 1000, RECORD_S * 1000)
assert size == 5, size
small = Group(messages_per_partition=20)
small_s = run_members(
    lambda c, stop: ns["commit_after_each_batch"](c, handle, stop=stop),
    small, ["consumer-a", "consumer-b"], max_poll_records=size, seconds=15.0,
)  # fmt: skip
assert small.done() and not small.evictions and not small.commit_failures, small.evictions
assert len(handled) == 40 and set(handled.values()) == {1}, handled

# FIXED 2: whole 20-record batches (1 s each) in a worker pool; polling goes on, partition paused.
pooled = Group(messages_per_partition=20)


def handle_batch(records: list[Record]) -> None:
    for rec in records:
        handle(rec)


pooled_s = run_members(
    lambda c, stop: ns["consume_with_workers"](c, handle_batch, stop=stop, workers=2),
    pooled, ["consumer-a", "consumer-b"], max_poll_records=20, seconds=15.0,
)  # fmt: skip
assert pooled.done() and not pooled.evictions and not pooled.commit_failures, pooled.evictions
assert len(handled) == 40 and set(handled.values()) == {1}, handled

# OnceOnly: the wrong loop still redelivers, but each order's effect happens once.
effects: Counter = Counter()
once = ns["OnceOnly"](lambda rec: effects.update([rec.value]), key=lambda rec: rec.value)
for rec in [*wrong.log[0][:5], *wrong.log[0][:5], *wrong.log[1][:3]]:
    once(rec)
assert set(effects.values()) == {1} and len(effects) == 8 and once.skipped == 5, effects

record(
    max_poll_interval_ms=int(INTERVAL_S * 1000),
    wrong_handled=wrong_handled,
    wrong_distinct_orders=wrong_distinct,
    wrong_evictions=len(wrong.evictions),
    wrong_commit_failures=len(wrong.commit_failures),
    wrong_committed=sum(wrong.committed.values()),
    small_batch_records=size,
    small_batch_handled=40,
    pooled_handled=40,
    fixed_evictions=0,
    once_only_skipped=once.skipped,
)
