"""Real child interpreters: work started after the main thread ended fails or never runs; the fix runs it."""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from errata_check import load_snippet, record

load_snippet()  # the snippet must load on its own; the child programs load it again

PRELUDE = "import threading, time\nfrom concurrent.futures import ThreadPoolExecutor\n"
LOAD = "from errata_check import load_snippet\nBackgroundService = load_snippet()['BackgroundService']\n"
JOB = "runs = []\ndone = threading.Event()\ndef job():\n    runs.append(1); print('job ran', flush=True)\n    if len(runs) >= 3: done.set()\n"


def run(name: str, body: str, prefix: str = "") -> dict:
    """Run a program in a child interpreter to its end; return its output, exit code and duration."""
    path = Path(f"{name}.py")
    path.write_text(PRELUDE + prefix + JOB + textwrap.dedent(body), encoding="utf-8")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-S", str(path)], capture_output=True, text=True, timeout=20)
    return {"out": proc.stdout, "err": proc.stderr, "rc": proc.returncode, "s": time.monotonic() - started}


# 1. A server-like thread hands its first job to a pool 300 ms after start; main() has returned by then.
late = run("wrong_main_returned", """
    pool = ThreadPoolExecutor(2)
    def serve():
        time.sleep(0.3)
        pool.submit(job)
    threading.Thread(target=serve).start()
""")
message = "RuntimeError: cannot schedule new futures after interpreter shutdown"
assert message in late["err"] and "job ran" not in late["out"], late

# 2. A BackgroundScheduler-like daemon thread: the process just exits, the job never runs, no error.
daemon = run("wrong_daemon_scheduler", """
    pool = ThreadPoolExecutor(2)
    def scheduler():
        time.sleep(0.3)
        pool.submit(job)
    threading.Thread(target=scheduler, daemon=True).start()
""")
assert daemon["rc"] == 0 and "job ran" not in daemon["out"], daemon

# 3. The fix: the main thread waits until the work is done, then stops the producer before the pool.
fixed = run("fixed_main_waits", prefix=LOAD, body="""
    service = BackgroundService(job, interval=0.01, first_after=0.3).start()
    assert service.run_until(done, timeout=10), 'the jobs did not run'
""")
assert fixed["rc"] == 0 and fixed["err"] == "" and fixed["out"].count("job ran") >= 3, fixed

# 4. Closing while the producer submits every millisecond: no submit ever meets a closed pool.
busy = run("fixed_close_while_busy", prefix=LOAD, body="""
    service = BackgroundService(job, interval=0.001).start()
    service.run_until(threading.Event(), timeout=0.2)
    print('closed after', len(runs), 'jobs', flush=True)
""")
assert busy["rc"] == 0 and busy["err"] == "" and "closed after" in busy["out"], busy

record(
    wrong_main_returned_error=message,
    wrong_daemon_scheduler_exit_s=round(daemon["s"], 3),
    wrong_daemon_scheduler_job_runs=0,
    fixed_job_runs=fixed["out"].count("job ran"),
    fixed_busy_close_jobs=busy["out"].count("job ran"),
    python_version=sys.version.split()[0],
)
