"""Keep a Kafka consumer in its group while it processes: bounded batches, or slow work handed to
a worker pool while the poll loop keeps polling (the partition paused), committed after processing,
with a handler that does each message's effect once even when Kafka delivers it again."""

import threading
from concurrent.futures import ThreadPoolExecutor

# WRONG: a batch that takes longer than max.poll.interval.ms (default 300000 ms = 5 min):
#     while True:
#         records = consumer.poll(1.0)        # up to max.poll.records (default 500) at once
#         for record in records:
#             handle(record)                  # a slow API, LLM or database call per record
#         consumer.commit()                   # too late: the group has already rebalanced
# The consumer misses the interval, leaves the group ("consumer poll timeout has expired",
# librdkafka "Application maximum poll interval (300000ms) exceeded"), its partitions go to another
# member, which starts again from the last committed offset (the batch runs twice), and this
# member's commit fails with CommitFailedException. If every member is that slow, the group
# rebalances in a loop and the committed offset never moves.


def max_poll_records_for(max_poll_interval_ms, worst_record_ms, headroom=0.5):
    """The largest batch whose worst case fits in `headroom` of the poll interval (at least 1)."""
    return max(1, int(max_poll_interval_ms * headroom // worst_record_ms))


def commit_after_each_batch(consumer, handle, *, stop, poll_timeout=0.05):
    """Fix 1: small batches (max.poll.records from max_poll_records_for), committed after processing.

    Works when one record's worst case is well under the interval. Commit the offset after the
    last processed record (offset + 1), never before processing: a crash then redelivers, it never
    skips. A CommitFailedException still means this batch will be delivered again elsewhere."""
    while not stop():
        records = consumer.poll(poll_timeout)
        if not records:
            continue
        next_offsets = {}
        for record in records:
            handle(record)
            next_offsets[record.partition] = record.offset + 1
        consumer.commit(next_offsets)


def consume_with_workers(consumer, handle_batch, *, stop, workers=4, poll_timeout=0.05):
    """Fix 2: slow batches run in a worker pool; the poll loop never stops polling.

    While a partition's batch runs, the partition is paused: poll() returns nothing new for it but
    still tells the group this member is alive (max.poll.interval.ms only measures the time between
    poll calls). When the batch is done, its offsets are committed and the partition resumed, so
    each partition is processed in order, one batch at a time. A partition taken away by a
    rebalance while its batch runs is not committed here: its new owner starts from the last commit,
    which is why the handler must be idempotent (OnceOnly)."""
    in_flight = {}  # partition -> (future, offset to commit when it is done)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while not stop() or in_flight:
            for record_batch in _by_partition(consumer.poll(poll_timeout)).values():
                partition = record_batch[0].partition
                consumer.pause([partition])
                future = pool.submit(handle_batch, record_batch)
                in_flight[partition] = (future, record_batch[-1].offset + 1)
            for partition, (future, next_offset) in list(in_flight.items()):
                if not future.done():
                    continue
                del in_flight[partition]
                future.result()  # a failed batch raises: nothing is committed, it is redelivered
                if partition in consumer.assignment():
                    consumer.commit({partition: next_offset})
                    consumer.resume([partition])


def _by_partition(records):
    batches = {}
    for record in records:
        batches.setdefault(record.partition, []).append(record)
    return batches


class OnceOnly:
    """Wrap a handler so a redelivered message does nothing the second time.

    Kafka delivers at least once: after a rebalance, a crash or a failed commit the same record comes
    again. Key each effect by the message's id (or topic/partition/offset) and record the key in the
    same transaction as the effect: a unique constraint or an upsert in a database; this in-memory
    set stands in for that table."""

    def __init__(self, handle, key=lambda record: (record.partition, record.offset)):
        self._handle = handle
        self._key = key
        self._done = set()
        self._lock = threading.Lock()
        self.skipped = 0

    def __call__(self, record):
        key = self._key(record)
        with self._lock:  # one transaction: check, do, remember
            if key in self._done:
                self.skipped += 1
                return
            self._handle(record)
            self._done.add(key)


# Client settings, for the same loops:
#   Java:            max.poll.records=<max_poll_records_for(...)>, enable.auto.commit=false,
#                    consumer.pause(partitions) / consumer.resume(partitions) / commitSync(offsets)
#   kafka-python:    KafkaConsumer(max_poll_records=..., max_poll_interval_ms=..., enable_auto_commit=False)
#   confluent-kafka: consumer.consume(num_messages=...), 'max.poll.interval.ms', 'enable.auto.commit': False,
#                    consumer.pause([TopicPartition(...)]) and keep calling poll() while paused
#   KafkaJS:         eachBatch with `await heartbeat()` between messages, or pause()/resume() per topic
# Raise max.poll.interval.ms only to the measured worst case of one batch (plus margin): a very
# high value also makes the group wait that long before it notices a consumer that really hung.
