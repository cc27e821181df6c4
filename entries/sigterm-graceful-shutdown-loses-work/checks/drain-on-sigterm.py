"""Real child processes on a folder-backed job queue, stopped with real SIGTERM / SIGKILL mid-batch.

The wrong worker dies at once (-SIGTERM, exit code 143 in a shell), loses the job it held and
leaves a half-written output; the fixed workers finish their in-flight jobs, exit 0, and leave
every job either done or still queued.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from errata_check import load_snippet, record

load_snippet()  # the snippet must load on its own; the children load it again
JOBS = 12
LINES = 5  # a complete output has LINES lines then "end"

APP = '''
import asyncio, os, sys, time
from pathlib import Path

ROOT = Path(sys.argv[1])
PENDING, INFLIGHT, OUT = ROOT / "pending", ROOT / "inflight", ROOT / "out"
STEP = float(sys.argv[2]) if len(sys.argv) > 2 else 0.02

def say(*words):
    print(*words, flush=True)

def take():
    """Reserve the next job by moving it to inflight/ (atomic); None when the queue is empty."""
    for name in sorted(os.listdir(PENDING)):
        try:
            os.rename(PENDING / name, INFLIGHT / name)
        except FileNotFoundError:
            continue
        say("started", name)
        return name
    return None

def ack(job):
    os.remove(INFLIGHT / job)

def release(job):
    os.rename(INFLIGHT / job, PENDING / job)
'''

WRONG = APP + '''
# default SIGTERM disposition; ack on receipt; output written in place, line by line
while (job := take()) is not None:
    ack(job)
    with open(OUT / job, "w", encoding="utf-8") as f:
        for i in range(5):
            f.write(f"line {i}\\n"); f.flush(); time.sleep(STEP)
        f.write("end\\n")
say("finished")
'''

RIGHT_SYNC = APP + '''
from errata_check import load_snippet
ns = load_snippet()
shutdown = ns["Shutdown"](grace_s=5.0)

def process(job):
    lines = []
    for i in range(5):
        lines.append(f"line {i}\\n"); time.sleep(STEP)
    ns["write_atomically"](str(OUT / job), "".join(lines) + "end\\n")
    say("completed", job)

done = ns["run_worker"](take, process, ack, release, shutdown=shutdown, idle_s=0.01)
say("exiting done", done)
'''

RIGHT_ASYNC = APP + '''
from errata_check import load_snippet
ns = load_snippet()
GRACE = float(sys.argv[3])

async def process(job):
    lines = []
    for i in range(5):
        lines.append(f"line {i}\\n"); await asyncio.sleep(STEP)
    ns["write_atomically"](str(OUT / job), "".join(lines) + "end\\n")
    say("completed", job)

stats = asyncio.run(ns["run_async_workers"](take, process, ack, release, concurrency=3, grace_s=GRACE, poll_s=0.01))
say("exiting", stats["done"], stats["released"], stats["failed"])
'''


def make_queue(name: str) -> Path:
    root = Path(name)
    for sub in ("pending", "inflight", "out"):
        (root / sub).mkdir(parents=True)
    for n in range(JOBS):
        (root / "pending" / f"job{n:02d}").write_text("payload", encoding="utf-8")
    return root


def run(name: str, program: str, *args: str, sig: int, after_started: int) -> dict:
    """Start the worker, send `sig` once `after_started` jobs have started, collect the outcome."""
    root = make_queue(name)
    path = Path(f"{name}.py")
    path.write_text(textwrap.dedent(program), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-S", str(path), str(root), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    started = 0
    deadline = time.monotonic() + 4
    while started < after_started and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        started += line.startswith("started")
    assert started == after_started, (lines, proc.stderr.read() if proc.poll() is not None else "")
    inflight_at_signal = started - sum(x.startswith("completed") for x in lines)
    time.sleep(0.06)  # well inside the job just started (5 steps of >= 40 ms)
    signalled_at = time.monotonic()
    proc.send_signal(sig)
    try:
        proc.wait(timeout=4)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=4)
        raise AssertionError(f"{name} did not exit after the signal")
    exit_s = time.monotonic() - signalled_at
    out, err = proc.stdout.read(), proc.stderr.read()  # through the same buffers readline used
    lines += out.split("\n")
    outputs = {p.name: p.read_text(encoding="utf-8") for p in (root / "out").iterdir() if not p.name.startswith(".tmp-")}
    complete = {n for n, text in outputs.items() if text.endswith("end\n") and text.count("\n") == LINES + 1}
    pending = set(os.listdir(root / "pending"))
    inflight = set(os.listdir(root / "inflight"))
    everything = {f"job{n:02d}" for n in range(JOBS)}
    return {
        "rc": proc.returncode, "exit_s": exit_s, "stderr": err, "lines": [x for x in lines if x],
        "complete": complete, "partial": set(outputs) - complete, "pending": pending, "inflight": inflight,
        "lost": everything - complete - pending - inflight, "root": root,
        "inflight_at_signal": inflight_at_signal,
    }


# 1. WRONG: SIGTERM mid-job. Dies at once; the acknowledged job is gone; its output is half-written.
wrong = run("wrong", WRONG, "0.04", sig=signal.SIGTERM, after_started=3)
assert wrong["rc"] == -signal.SIGTERM, wrong  # a shell or Kubernetes reports 128 + 15 = 143
assert "finished" not in wrong["lines"]
assert len(wrong["lost"]) >= 1 and len(wrong["partial"]) >= 1, wrong

# 2. RIGHT (sync): SIGTERM mid-job. The job in flight completes, nothing new starts, exit 0.
right = run("right_sync", RIGHT_SYNC, "0.04", sig=signal.SIGTERM, after_started=3)
assert right["rc"] == 0 and right["inflight_at_signal"] == 1, right
assert not right["lost"] and not right["partial"] and not right["inflight"], right
assert len(right["complete"]) == 3 and len(right["pending"]) == JOBS - 3, right
assert sum(x.startswith("started") for x in right["lines"]) == 3, right["lines"]
assert right["lines"][-1] == "exiting done 3", right["lines"]

# 3. RIGHT, but the grace period runs out (SIGKILL, exit 137): the unacknowledged job is still
#    reserved, no half-written output exists, and recovery puts it back: nothing lost.
killed = run("right_killed", RIGHT_SYNC, "0.04", sig=signal.SIGKILL, after_started=3)
assert killed["rc"] == -signal.SIGKILL, killed
assert not killed["lost"] and not killed["partial"] and len(killed["inflight"]) == 1, killed
for name in killed["inflight"]:  # what a restarted worker (or the broker's redelivery) does
    os.rename(killed["root"] / "inflight" / name, killed["root"] / "pending" / name)
assert len(os.listdir(killed["root"] / "pending")) + len(killed["complete"]) == JOBS

# 4. RIGHT (asyncio, 3 at a time): SIGTERM drains the 3 in flight within the grace period.
drained = run("right_async", RIGHT_ASYNC, "0.04", "2.0", sig=signal.SIGTERM, after_started=5)
assert drained["rc"] == 0 and drained["inflight_at_signal"] >= 2, drained
assert not drained["lost"] and not drained["partial"] and not drained["inflight"], drained
assert drained["lines"][-1].startswith("exiting") and drained["lines"][-1].endswith(" 0 0"), drained["lines"]
started_async = sum(x.startswith("started") for x in drained["lines"])
assert len(drained["complete"]) == started_async and len(drained["pending"]) == JOBS - started_async, drained
assert "Traceback" not in drained["stderr"] and "CancelledError" not in drained["stderr"], drained["stderr"]

# 5. RIGHT (asyncio), jobs longer than the grace period: cancelled at the deadline and handed back.
slow = run("right_async_slow", RIGHT_ASYNC, "0.5", "0.2", sig=signal.SIGTERM, after_started=3)
assert slow["rc"] == 0, slow
assert slow["exit_s"] < 1.5, slow["exit_s"]  # grace 0.2 s, not the 2.5 s the jobs would take
assert not slow["lost"] and not slow["partial"] and not slow["inflight"], slow
assert slow["lines"][-1] == "exiting 0 3 0" and len(slow["pending"]) == JOBS, slow["lines"]

record(
    jobs=JOBS,
    wrong_exit_code=128 + signal.SIGTERM,
    wrong_lost_jobs=len(wrong["lost"]),
    wrong_half_written_outputs=len(wrong["partial"]),
    right_exit_code=right["rc"],
    right_lost_jobs=len(right["lost"]),
    right_inflight_completed_after_sigterm=1,
    right_exit_after_sigterm_ms=round(right["exit_s"] * 1000, 1),
    sigkill_lost_jobs=len(killed["lost"]),
    sigkill_redelivered_jobs=len(killed["inflight"]),
    async_started=started_async,
    async_completed=len(drained["complete"]),
    async_lost_jobs=len(drained["lost"]),
    async_exit_after_sigterm_ms=round(drained["exit_s"] * 1000, 1),
    async_over_grace_released_jobs=3,
    async_over_grace_exit_ms=round(slow["exit_s"] * 1000, 1),
)
