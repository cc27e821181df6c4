"""Consume a streamed LLM response from an async client: await the call, then `async for`."""

import inspect
from collections.abc import AsyncIterator
from typing import Any

# WRONG (stream = AsyncOpenAI().chat.completions.create(..., stream=True), an async def):
#   for chunk in stream: ...              -> TypeError: 'coroutine' object is not iterable
#   async for chunk in stream: ...        -> TypeError: 'async for' requires an object with
#                                            __aiter__ method, got coroutine
#   for chunk in await stream: ...        -> TypeError: 'async_generator' object is not iterable
#   async for chunk in sync_client_stream -> TypeError: 'async for' requires an object with
#                                            __aiter__ method, got generator / Stream


def chunk_text(chunk: dict) -> str:
    """The text delta of one OpenAI-style chunk ('' for usage-only chunks)."""
    return "".join((c.get("delta") or {}).get("content") or "" for c in chunk.get("choices") or [])


async def stream_text(create: Any, **request: Any) -> str:
    """The usual case: the call is a coroutine that returns an async iterator."""
    stream = await create(stream=True, **request)  # 1. await the call
    parts = []
    async for chunk in stream:  # 2. then iterate with async for
        parts.append(chunk_text(chunk))
    return "".join(parts)


async def achunks(source: Any) -> AsyncIterator[Any]:
    """Adapter for code that gets any of them: an awaitable, an async iterator or a plain one."""
    if inspect.isawaitable(source):
        source = await source
    if hasattr(source, "__aiter__"):
        async for item in source:
            yield item
    else:
        for item in source:  # a synchronous client's stream, inside async code
            yield item
