"""Popen + wait() deadlocks on 200 KB of output; run()/communicate() and line streaming do not."""

import asyncio
import subprocess
import sys
import time

from errata_check import load_snippet, record

SIZE = 200_000  # far above the 64 KiB pipe buffer
CHILD = [
    sys.executable,
    "-c",
    f"import sys; sys.stdout.write('x' * {SIZE}); sys.stderr.write('e' * {SIZE})",
]
LINES_CHILD = [sys.executable, "-c", "import sys\nfor i in range(20000): print('line', i)"]

proc = subprocess.Popen(CHILD, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
start = time.perf_counter()
try:
    proc.wait(timeout=1.0)
    deadlocked = False
except subprocess.TimeoutExpired:
    deadlocked = True
finally:
    proc.kill()
    proc.communicate()
assert deadlocked, "expected the child to block on a full pipe while the parent waits"

ns = load_snippet({})
start = time.perf_counter()
code, out, err = ns["run_tool"](CHILD, timeout=5)
sync_s = time.perf_counter() - start
assert code == 0 and len(out) == SIZE and len(err) == SIZE, (code, len(out), len(err))

assert ns["count_lines"](LINES_CHILD, timeout=5) == 20000

start = time.perf_counter()
code, out_b, err_b = asyncio.run(ns["run_tool_async"](CHILD, timeout=5))
async_s = time.perf_counter() - start
assert code == 0 and len(out_b) == SIZE and len(err_b) == SIZE
record(
    output_bytes_per_stream=SIZE,
    wrong_deadlocked=True,
    run_ms=round(sync_s * 1000, 1),
    async_ms=round(async_s * 1000, 1),
)
