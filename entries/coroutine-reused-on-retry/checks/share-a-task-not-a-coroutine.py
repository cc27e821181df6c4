"""A stored coroutine answers once, then raises 'cannot reuse already awaited coroutine'; a
stored Task answers every caller from one request and retries a failed one."""

import asyncio

from errata_check import load_snippet, record

requests = []


async def fetch_model_list(provider: str) -> list[str]:
    requests.append(provider)
    await asyncio.sleep(0)
    if provider == "down" and requests.count("down") == 1:
        raise ConnectionError("provider down")
    return [f"{provider}-small", f"{provider}-large"]


async def naive() -> str:
    stored = fetch_model_list("openai")
    await stored
    try:
        await stored
    except RuntimeError as error:
        return str(error)
    return "no error"


naive_error = asyncio.run(naive())
assert naive_error == "cannot reuse already awaited coroutine", naive_error

ns = load_snippet()


async def fixed() -> tuple:
    requests.clear()
    once = ns["AsyncOnce"]()
    answers = await asyncio.gather(*(once.get("openai", lambda: fetch_model_list("openai")) for _ in range(5)))
    later = await once.get("openai", lambda: fetch_model_list("openai"))
    try:
        await once.get("down", lambda: fetch_model_list("down"))
        raise AssertionError("the failure was hidden")
    except ConnectionError:
        pass
    again = await once.get("down", lambda: fetch_model_list("down"))
    return answers, later, again, list(requests)


answers, later, again, made = asyncio.run(fixed())
assert all(a == ["openai-small", "openai-large"] for a in answers) and later == answers[0]
assert again == ["down-small", "down-large"]
assert made == ["openai", "down", "down"], made  # 6 callers, 1 request; the failure retried once
record(naive=naive_error, callers=6, requests=made)
