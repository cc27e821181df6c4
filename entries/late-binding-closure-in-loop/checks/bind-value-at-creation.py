"""Loop closures all see the last value; the bound forms each keep their own."""

import asyncio

from errata_check import load_snippet, record


def call_endpoint(name: str, query: str) -> str:
    """The reader's tool backend."""
    return f"{name}:{query}"


def handle(item):
    return item


names = ["search", "weather", "calendar"]
wrong_tools = {name: (lambda query: call_endpoint(name, query)) for name in names}  # noqa: B023
assert [wrong_tools[n]("q") for n in names] == ["calendar:q"] * 3
wrong_fns = [lambda x: x + n for n in range(3)]  # noqa: B023
assert [f(0) for f in wrong_fns] == [2, 2, 2]


wrong_seen = []


async def wrong_scheduled() -> list:
    loop = asyncio.get_running_loop()
    for item in ["ann", "bob", "cy"]:
        loop.call_soon(lambda: wrong_seen.append(item))  # noqa: B023
    await asyncio.sleep(0)
    return wrong_seen


assert asyncio.run(wrong_scheduled()) == ["cy", "cy", "cy"]

ns = load_snippet({"call_endpoint": call_endpoint, "handle": handle})
tools = ns["build_tools"](names)
assert [tools[n]("q") for n in names] == ["search:q", "weather:q", "calendar:q"]
assert tools["weather"].__name__ == "tool_weather"
partials = ns["build_tools_with_partial"](names)
assert [partials[n]("q") for n in names] == ["search:q", "weather:q", "calendar:q"]
callbacks = ns["build_callbacks"](["ann", "bob", "cy"])
assert [cb() for cb in callbacks] == ["ann", "bob", "cy"]
record(wrong_distinct_results=1, fixed_distinct_results=len({tools[n]("q") for n in names}))
