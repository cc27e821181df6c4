"""Real child interpreters: the wrong programs hang or linger at exit; the fixed ones exit at once."""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from errata_check import load_snippet, record

load_snippet()  # the snippet must load on its own; the child programs load it again

PRELUDE = "import threading, time\nfrom concurrent.futures import ThreadPoolExecutor\n"
LOAD = "from errata_check import load_snippet\nns = load_snippet()\nWorkers, poll_forever = ns['Workers'], ns['poll_forever']\n"


def run(name: str, body: str, timeout: float = 4.0, prefix: str = "") -> dict:
    """Run a program in a child interpreter; time from 'main done' to the process exit."""
    path = Path(f"{name}.py")
    path.write_text(PRELUDE + prefix + textwrap.dedent(body) + "\nprint('main done', flush=True)\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-S", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.strip() == "main done", (line, proc.stderr.read() if proc.poll() is not None else "")
    main_done = time.monotonic()
    try:
        _, err = proc.communicate(timeout=timeout)
        return {"exit_s": time.monotonic() - main_done, "hung": False, "stderr": err, "rc": proc.returncode}
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate(timeout=5)
        return {"exit_s": None, "hung": True, "stderr": err, "rc": proc.returncode}


# 1. A polling job in a plain executor: main returns, the process never exits.
hang = run("wrong_poll", """
    def poll():
        while True:
            time.sleep(0.01)
    pool = ThreadPoolExecutor(2)
    pool.submit(poll)
""", timeout=1.5)
assert hang["hung"], hang

fixed_poll = run("fixed_poll", prefix=LOAD, body="""
    workers = Workers(2)
    workers.submit(poll_forever, 0.01, lambda: None)
    workers.close()
""")
assert not fixed_poll["hung"] and fixed_poll["rc"] == 0 and fixed_poll["exit_s"] < 0.5, fixed_poll

# 2. A backlog of 40 jobs x 50 ms on 2 workers: exit waits for all of it (~1 s); with the fix it drops them.
slow = run("wrong_backlog", """
    pool = ThreadPoolExecutor(2)
    for _ in range(40):
        pool.submit(time.sleep, 0.05)
""")
assert not slow["hung"] and slow["exit_s"] > 0.8, slow

fixed_backlog = run("fixed_backlog", prefix=LOAD, body="""
    started = []
    def job(stop, n):
        started.append(n)
        stop.wait(0.05)
    with Workers(2) as workers:
        futures = [workers.submit(job, n) for n in range(40)]
    assert len(started) <= 4 and sum(f.cancelled() for f in futures) >= 36, (len(started),)
""")
assert not fixed_backlog["hung"] and fixed_backlog["rc"] == 0 and fixed_backlog["exit_s"] < 0.5, fixed_backlog

# 3. A thread still submitting while the interpreter exits.
late = run("wrong_late_submit", """
    pool = ThreadPoolExecutor(2)
    def producer():
        for _ in range(200):
            pool.submit(time.sleep, 0)
            time.sleep(0.005)
    threading.Thread(target=producer).start()
""")
# Depending on timing: "... after interpreter shutdown" (before a worker marks the pool shut down)
# or "... after shutdown" (after); both come from the interpreter's exit hook shutting the pool down.
late_errors = [m for m in ("after interpreter shutdown", "after shutdown") if f"RuntimeError: cannot schedule new futures {m}" in late["stderr"]]
assert late_errors, late["stderr"]

record(
    wrong_poll_hung_after_main_s=1.5,
    fixed_poll_exit_s=round(fixed_poll["exit_s"], 3),
    wrong_backlog_exit_s=round(slow["exit_s"], 3),
    fixed_backlog_exit_s=round(fixed_backlog["exit_s"], 3),
    late_submit_runtime_error=late_errors[0],
)
