"""await at a script's top level or in a plain def does not compile; run_main runs the async
entry point and reports a failure as exit status 1."""

import asyncio

from errata_check import load_snippet, record

wrong = {
    "config = await load_config()\n": "'await' outside function",
    "def start():\n    return await load_config()\n": "'await' outside async function",
}
for source, message in wrong.items():
    try:
        compile(source, "app.py", "exec")
    except SyntaxError as error:
        assert error.msg == message, error.msg
    else:
        raise AssertionError(f"compiled: {source!r}")

ns = load_snippet()
seen = []


async def load_config() -> dict:
    await asyncio.sleep(0.001)
    return {"model": "small"}


async def main() -> None:
    config = await load_config()
    for n in (1, 2):
        await asyncio.sleep(0)
        seen.append((config["model"], n))


async def failing() -> None:
    raise FileNotFoundError("config file missing")


assert ns["run_main"](main) == 0
assert seen == [("small", 1), ("small", 2)]
assert ns["run_main"](failing) == 1
record(wrong=list(wrong.values()))
