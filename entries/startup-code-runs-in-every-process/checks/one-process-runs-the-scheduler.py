"""Four worker processes each start the scheduler; with the lock one runs it, and another takes over."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from errata_check import load_snippet, record

ns = load_snippet()
JOBS, LOCK = os.path.abspath("jobs.log"), os.path.abspath("scheduler.lock")
WORKERS = 4

# A worker as gunicorn -w 4 or uvicorn --workers 4 starts it: it imports the app, whose start-up
# code starts the scheduler; its first job runs at once. Then it serves until stdin closes.
Path("worker.py").write_text(
    f"""import os, sys
def start_scheduler():
    with open({JOBS!r}, "a", encoding="utf-8") as jobs:
        jobs.write(f"daily report sent by pid {{os.getpid()}}\\n")
if sys.argv[1] == "wrong":
    start_scheduler()
else:
    from errata_check import load_snippet
    start_in_one_process = load_snippet()["start_in_one_process"]
    start_in_one_process(start_scheduler, {LOCK!r}, retry_every=0.02)
print(f"ready {{os.getpid()}}", flush=True)
sys.stdin.read()
""",
    encoding="utf-8",
)


def start_workers(mode: str) -> dict[str, subprocess.Popen]:
    """Start the workers, wait until each has run its start-up code; key them by their PID."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-S", "worker.py", mode],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for _ in range(WORKERS)
    ]
    by_pid = {}
    for proc in procs:
        assert proc.stdout is not None
        ready = proc.stdout.readline().split()
        assert ready[:1] == ["ready"], (ready, proc.stderr and proc.stderr.read())
        by_pid[ready[1]] = proc
    return by_pid


def stop_workers(procs: dict[str, subprocess.Popen]) -> None:
    for proc in procs.values():
        proc.communicate(timeout=10)


def senders() -> list[str]:
    text = Path(JOBS).read_text(encoding="utf-8") if os.path.exists(JOBS) else ""
    return re.findall(r"sent by pid (\d+)", text)


def wait_for(count: int, deadline_s: float = 10.0) -> list[str]:
    deadline = time.monotonic() + deadline_s
    while len(senders()) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return senders()


# 1. Start-up code in every worker: four schedulers, the report sent four times by four PIDs.
procs = start_workers("wrong")
wrong = senders()
stop_workers(procs)
assert len(wrong) == WORKERS and len(set(wrong)) == WORKERS, wrong
os.unlink(JOBS)

# 2. The fix: one worker takes the lock and runs the scheduler, the three others stand by.
procs = start_workers("fixed")
once = senders()
assert len(once) == 1, once
assert Path(LOCK).read_text(encoding="utf-8").strip() == once[0]  # the lock file names the leader

# 3. The leader dies (OOM kill, crash): the OS drops its lock, exactly one standby takes over.
leader = procs.pop(once[0])
leader.kill()
leader.communicate(timeout=10)
assert len(wait_for(2)) == 2, senders()
time.sleep(0.2)  # ten more retry rounds of the other standbys: none may start a second copy
after = senders()
stop_workers(procs)
assert len(after) == 2 and after[1] in procs, after

# 4. In one process, a second JobLeader on the same file is refused too; release hands it over.
first, second = ns["JobLeader"](LOCK + ".2"), ns["JobLeader"](LOCK + ".2")
assert first.try_acquire() and not second.try_acquire()
first.release()
assert second.try_acquire()
second.release()

record(
    workers=WORKERS,
    wrong_reports_sent=len(wrong),
    fixed_reports_sent=len(once),
    reports_after_leader_killed=len(after),
)
