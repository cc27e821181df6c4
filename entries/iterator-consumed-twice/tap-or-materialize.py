"""Read a generator or a stream once: materialize it, or observe chunks as they pass."""

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

# WRONG: chunks = stream_reply(prompt)              # a generator
#        log.info("reply: %s", "".join(chunks))      # first pass consumes it
#        return chunks                                # the caller iterates: nothing, no error
# Same with map(), filter(), zip(), a file object, csv.reader, response.iter_lines() and an
# SDK Stream (httpx raises StreamConsumed on a second read).


def materialize(items: Iterable[T]) -> list[T]:
    """Two or more passes over small data: make a list once, then iterate the list."""
    return list(items)


def tap(stream: Iterable[str], on_done: Callable[[str], None]) -> Iterator[str]:
    """Pass every chunk on as it arrives; hand the whole text to on_done (log, trace) at the end.

    The stream stays a stream for the caller and is read exactly once.
    """
    seen: list[str] = []
    for chunk in stream:
        seen.append(chunk)
        yield chunk
    on_done("".join(seen))
