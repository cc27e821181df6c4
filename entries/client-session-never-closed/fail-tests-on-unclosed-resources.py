"""Make a client left unclosed fail the test that leaked it, naming the line that created it."""

import contextlib
import gc
import tracemalloc
import warnings

# ResourceWarning is hidden by default, so a leak shows only at exit ("sys:1: ResourceWarning:
# unclosed ...") or in pytest's warnings summary. To find the line that made the object:
#     python -X dev app.py                                   (or -W default::ResourceWarning)
#     python -X tracemalloc=20 -W default::ResourceWarning app.py   -> "Object allocated at ..."
#     PYTHONASYNCIODEBUG=1 adds the creation traceback to aiohttp's "Unclosed client session".
# pytest (pyproject.toml), so a leak fails the test suite instead of scrolling past:
#     [tool.pytest.ini_options]
#     filterwarnings = ["error::ResourceWarning", "error::pytest.PytestUnraisableExceptionWarning"]
# and give tests their client from a fixture that closes it:
#     @pytest.fixture
#     async def client():
#         async with httpx.AsyncClient(base_url="http://test") as client:
#             yield client

UNCLOSED_PREFIXES = ("unclosed", "Unclosed")  # CPython, asyncio, aiohttp, httpx, redis, aiopg


class UnclosedResourceError(AssertionError):
    """The block left sockets, transports, sessions or files for the garbage collector."""


def _is_unclosed(warning: warnings.WarningMessage) -> bool:
    return issubclass(warning.category, ResourceWarning) or str(warning.message).startswith(
        UNCLOSED_PREFIXES
    )


def _where(warning: warnings.WarningMessage) -> str:
    """Where the leaked object was created (tracemalloc), else where the warning was raised."""
    traceback = None
    if warning.source is not None:
        traceback = tracemalloc.get_object_traceback(warning.source)
    if traceback is None:
        return f"  warned at {warning.filename}:{warning.lineno}"
    return "  allocated at (most recent call last):\n" + "\n".join(traceback.format())


def _describe(warning: warnings.WarningMessage) -> str:
    return f"{warning.category.__name__}: {warning.message}\n{_where(warning)}"


@contextlib.contextmanager
def no_unclosed_resources(frames: int = 25):
    """Fail when the block leaves a socket, transport, file or client session unclosed.

    Use it around a test's body, or as an autouse fixture:
        @pytest.fixture(autouse=True)
        def no_leaks():
            with no_unclosed_resources():
                yield
    """
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start(frames)
    leaks: list[str] = []
    others: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
            for _ in range(3):  # a warning holds its object: release it, then what it held
                gc.collect()
                leaks += [_describe(warning) for warning in caught if _is_unclosed(warning)]
                others += [warning for warning in caught if not _is_unclosed(warning)]
                caught.clear()
    finally:
        if started:
            tracemalloc.stop()
    for warning in others:  # warnings of other kinds are shown as usual
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    if leaks:
        raise UnclosedResourceError(f"{len(leaks)} resource(s) left unclosed:\n" + "\n".join(leaks))
