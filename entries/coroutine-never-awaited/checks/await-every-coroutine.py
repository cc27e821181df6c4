"""The un-awaited call does nothing and warns; the fixed code runs every call and warns nothing."""

import asyncio
import gc
import warnings

from errata_check import load_snippet, record

sent = []
audited = []


async def load_profile(user: str) -> dict:
    await asyncio.sleep(0)
    return {"user": user, "plan": "pro"}


async def send_welcome_email(user: str) -> None:
    await asyncio.sleep(0)
    sent.append(user)


async def wrong_register(user: str):
    send_welcome_email(user)  # the bug: no await
    return load_profile(user)["plan"]  # the bug: no await


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        asyncio.run(wrong_register("ada"))
    except TypeError as exc:
        type_error = str(exc)
    gc.collect()
wrong_warnings = sorted(str(w.message) for w in caught if w.category is RuntimeWarning)
assert type_error == "'coroutine' object is not subscriptable", type_error
assert wrong_warnings == [
    "coroutine 'load_profile' was never awaited",
    "coroutine 'send_welcome_email' was never awaited",
], wrong_warnings
assert sent == [], sent  # the email was never sent

ns = load_snippet({"load_profile": load_profile, "send_welcome_email": send_welcome_email})


def sync_hook(event: dict) -> None:
    audited.append(("sync", event["user"]))


async def async_hook(event: dict) -> None:
    await asyncio.sleep(0)
    audited.append(("async", event["user"]))


async def main() -> tuple[str, int]:
    plan = await ns["register"]("bob")
    ran = await ns["run_hooks"]([sync_hook, async_hook], {"user": "bob"})
    return plan, ran


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assert asyncio.run(main()) == ("pro", 2)
    gc.collect()
fixed_warnings = [str(w.message) for w in caught if "never awaited" in str(w.message)]
assert fixed_warnings == [], fixed_warnings
assert sent == ["bob"], sent
assert audited == [("sync", "bob"), ("async", "bob")], audited
record(wrong_never_awaited_warnings=len(wrong_warnings), fixed_never_awaited_warnings=0)
