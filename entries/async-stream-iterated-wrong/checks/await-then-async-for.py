"""An AsyncOpenAI-shaped client: every wrong way to iterate its stream raises the TypeError
agents report; await + async for (and the achunks adapter) join the streamed text."""

import asyncio

from errata_check import load_snippet, record

PIECES = ["Hel", "lo", " world"]


async def _chunks():
    for piece in PIECES:
        await asyncio.sleep(0)
        yield {"choices": [{"index": 0, "delta": {"content": piece}}]}
    yield {"choices": [], "usage": {"completion_tokens": 3}}


async def create(stream: bool = False, **request):  # like AsyncOpenAI().chat.completions.create
    assert stream
    return _chunks()


def sync_stream():  # like OpenAI().chat.completions.create(stream=True)
    for piece in PIECES:
        yield {"choices": [{"index": 0, "delta": {"content": piece}}]}


async def wrong_ways() -> dict:
    errors = {}
    call = create(stream=True)
    try:
        for _ in call:
            pass
    except TypeError as error:
        errors["for_over_call"] = str(error)
    call.close()  # silence "never awaited" for this deliberate mistake
    call = create(stream=True)
    try:
        async for _ in call:
            pass
    except TypeError as error:
        errors["async_for_without_await"] = str(error)
    call.close()
    stream = await create(stream=True)
    try:
        for _ in stream:
            pass
    except TypeError as error:
        errors["for_over_async_stream"] = str(error)
    try:
        async for _ in sync_stream():
            pass
    except TypeError as error:
        errors["async_for_over_sync_stream"] = str(error)
    return errors


errors = asyncio.run(wrong_ways())
assert errors == {
    "for_over_call": "'coroutine' object is not iterable",
    "async_for_without_await": "'async for' requires an object with __aiter__ method, got coroutine",
    "for_over_async_stream": "'async_generator' object is not iterable",
    "async_for_over_sync_stream": "'async for' requires an object with __aiter__ method, got generator",
}, errors

ns = load_snippet()


async def fixed() -> dict:
    text = await ns["stream_text"](create, model="m", messages=[])
    adapted = {}
    for name, source in {"call": create(stream=True), "stream": await create(stream=True), "sync": sync_stream()}.items():
        adapted[name] = "".join([ns["chunk_text"](c) async for c in ns["achunks"](source)])
    return {"text": text, **adapted}


results = asyncio.run(fixed())
assert results == {"text": "Hello world", "call": "Hello world", "stream": "Hello world", "sync": "Hello world"}, results
record(wrong=errors, fixed=results["text"])
