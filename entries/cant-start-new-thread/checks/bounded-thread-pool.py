"""Thread-per-request hits 'can't start new thread' under a resource limit; the bounded pool does not.

Both run in a child process whose address space is capped (RLIMIT_AS), as a container or a
ulimit caps threads in production, so the failure is certain and cannot disturb the host.
"""

import json
import os
import subprocess
import sys

from errata_check import record

CHILD = r"""
import json, os, resource, sys, threading, time
sys.path.insert(0, os.getcwd())
from errata_check import load_snippet

upstream = threading.Event()  # the slow upstream answers only once this is set

def handle(request):
    upstream.wait(5)
    time.sleep(0.01)
    return request * 2

with open("/proc/self/status") as f:
    vm = next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmSize"))
limit = vm + 400 * 1024 * 1024  # room for ~45 thread stacks of 8 MiB
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

out = {}
threads = []
try:
    for request in range(300):  # a burst of 300 concurrent slow requests
        t = threading.Thread(target=handle, args=(request,))
        t.start()
        threads.append(t)
    out["wrong_error"] = None
except RuntimeError as exc:
    out["wrong_error"] = str(exc)
out["wrong_threads_started"] = len(threads)
upstream.set()  # the burst is over: let the stuck requests finish
for t in threads:
    t.join()

ns = load_snippet({"handle": handle})
peak = 0
stop = threading.Event()
def watch():
    global peak
    while not stop.is_set():
        peak = max(peak, threading.active_count())
        time.sleep(0.005)
w = threading.Thread(target=watch); w.start()
start = time.perf_counter()
results = ns["handle_all"](range(300), timeout=10)
out["fixed_s"] = time.perf_counter() - start
stop.set(); w.join()
out["fixed_ok"] = results == [r * 2 for r in range(300)]
out["fixed_peak_threads"] = peak
print(json.dumps(out))
"""

env = {"MALLOC_ARENA_MAX": "2"}  # glibc per-thread arenas would otherwise eat the address space
proc = subprocess.run(
    [sys.executable, "-S", "-c", CHILD], capture_output=True, text=True, timeout=15, env=env, cwd=os.getcwd()
)
assert proc.returncode == 0, proc.stderr[-2000:]
out = json.loads(proc.stdout.strip().splitlines()[-1])
assert out["wrong_error"] == "can't start new thread", out
assert out["wrong_threads_started"] < 300, out
assert out["fixed_ok"], out
assert out["fixed_peak_threads"] <= 16 + 3, out  # pool workers + main + watcher
record(
    wrong_threads_before_error=out["wrong_threads_started"],
    fixed_requests=300,
    fixed_peak_threads=out["fixed_peak_threads"],
    fixed_ms=round(out["fixed_s"] * 1000, 1),
)
