"""Lower RLIMIT_NOFILE, then: leaked handles and unbounded concurrency hit EMFILE; the fix stays under it."""

import asyncio
import errno
import os
import resource
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

ns = load_snippet()
read_all, map_bounded, open_descriptors = ns["read_all"], ns["map_bounded"], ns["open_descriptors"]

folder = Path(tempfile.mkdtemp())
paths = []
for i in range(300):
    path = folder / f"doc-{i}.txt"
    path.write_text(f"document {i}\n", encoding="utf-8")
    paths.append(str(path))

baseline = open_descriptors()
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
LIMIT = baseline + 60
resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, hard))

# WRONG 1: handles kept open per request.
leaked = []
emfile_message = None
try:
    for p in paths:
        leaked.append(open(p, encoding="utf-8"))
except OSError as exc:
    assert exc.errno == errno.EMFILE, exc
    emfile_message = str(exc)
leaked_before_failure = len(leaked)
for f in leaked:
    f.close()
assert emfile_message is not None and emfile_message.startswith("[Errno 24] Too many open files")
assert leaked_before_failure < len(paths)

# RIGHT 1: with-blocks, 300 files read, descriptors back to the baseline.
contents = read_all(paths)
assert len(contents) == 300 and contents[paths[7]] == "document 7\n"
assert open_descriptors() == baseline, (open_descriptors(), baseline)

peak = 0


async def handle(path: str) -> str:
    """A request that holds a descriptor while it waits (a slow upstream, a network read)."""
    global peak
    f = open(path, encoding="utf-8")
    try:
        peak = max(peak, open_descriptors())
        await asyncio.sleep(0.005)
        return f.read()
    finally:
        f.close()


async def unbounded() -> list:
    return await asyncio.gather(*(handle(p) for p in paths), return_exceptions=True)


# WRONG 2: all 300 at once.
results = asyncio.run(unbounded())
emfile_failures = sum(isinstance(r, OSError) and r.errno == errno.EMFILE for r in results)
assert emfile_failures > 0, "unbounded concurrency should exhaust the limit"

# RIGHT 2: at most 32 at once: no failure, peak well under the limit.
peak = 0
results = asyncio.run(map_bounded(paths, handle, limit=32))
assert all(isinstance(r, str) for r in results) and results[5] == "document 5\n"
assert peak <= baseline + 32 + 8, (peak, baseline)  # + the event loop's own descriptors
assert open_descriptors() <= baseline + 8

resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
record(
    rlimit_nofile=LIMIT,
    baseline_descriptors=baseline,
    leaked_handles_before_emfile=leaked_before_failure,
    unbounded_emfile_failures=emfile_failures,
    bounded_peak_descriptors=peak,
    bounded_failures=0,
)
