"""Await every coroutine you call, and await hook results that may be coroutines."""

import inspect

# WRONG: calling an async function without await only creates a coroutine object.
#     send_welcome_email(user)          # nothing is sent; later: RuntimeWarning: coroutine
#                                       # 'send_welcome_email' was never awaited
#     plan = load_profile(user)["plan"] # TypeError: 'coroutine' object is not subscriptable


async def register(user: str) -> str:
    """RIGHT: await each call, so it runs now and its exceptions reach this caller."""
    profile = await load_profile(user)
    await send_welcome_email(user)
    return profile["plan"]


async def run_hooks(hooks, event: dict) -> int:
    """Hooks may be plain functions or async functions: await whatever comes back awaitable."""
    ran = 0
    for hook in hooks:
        result = hook(event)
        if inspect.isawaitable(result):
            await result
        ran += 1
    return ran
