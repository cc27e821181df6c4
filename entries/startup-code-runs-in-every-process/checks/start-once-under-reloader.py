"""A reloader runs the module again in a child: start-up work runs twice; start_once runs it once."""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

load_snippet()  # the snippet must load on its own; the child programs load it again

# What Werkzeug's run_with_reloader and Django's autoreloader do: the first process only watches
# files and runs the same command again in a child with the flag set; the child serves.
Path("devserver.py").write_text(
    """import os, subprocess, sys
def run(serve, use_reloader=True, flag="WERKZEUG_RUN_MAIN"):
    if use_reloader and os.environ.get(flag) != "true":
        print(" * Restarting with stat", flush=True)
        env = dict(os.environ, **{flag: "true"})
        raise SystemExit(subprocess.call([sys.executable, *sys.orig_argv[1:]], env=env))
    serve()
""",
    encoding="utf-8",
)
SOCKET = os.path.join(tempfile.mkdtemp(), "side.sock")  # a side server's address (no TCP here)
PRELUDE = f"""import os, socket, devserver
def start_scheduler():
    print(f"Scheduler started (pid {{os.getpid()}})", flush=True)
def start_side_server():
    sock = socket.socket(socket.AF_UNIX)
    sock.bind({SOCKET!r})
    sock.listen()
    print(f"side server listening (pid {{os.getpid()}})", flush=True)
    return sock
def serve():
    print(f"serving requests (pid {{os.getpid()}})", flush=True)
"""
LOAD = "from errata_check import load_snippet\nstart_once = load_snippet()['start_once']\n"


def run(name: str, body: str) -> subprocess.CompletedProcess:
    """Run `python <name>.py` as a developer would; return its output."""
    if os.path.exists(SOCKET):
        os.unlink(SOCKET)
    Path(f"{name}.py").write_text(PRELUDE + body, encoding="utf-8")
    cmd = [sys.executable, "-S", f"{name}.py"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30)


def pids(text: str, line: str) -> list[str]:
    return re.findall(re.escape(line) + r" \(pid (\d+)\)", text)


# 1. Start-up code before app.run(debug=True): it runs in the watcher and again in the child.
wrong = run("wrong_scheduler", "start_scheduler()\ndevserver.run(serve)\n")
started = pids(wrong.stdout, "Scheduler started")
assert wrong.returncode == 0 and " * Restarting with stat" in wrong.stdout, wrong
assert len(started) == 2 and len(set(started)) == 2, wrong.stdout  # twice, two different PIDs
assert pids(wrong.stdout, "serving requests") == [started[1]], wrong.stdout  # the child serves

# 2. A side server bound at import: the child's second bind of the same address fails.
clash = run("wrong_side_server", "sock = start_side_server()\ndevserver.run(serve)\n")
bind_error = "OSError: [Errno 98] Address already in use"
assert bind_error in clash.stderr and "serving requests" not in clash.stdout, clash
assert len(pids(clash.stdout, "side server listening")) == 1, clash.stdout

# 3. The fix: start_once skips the watcher, so the child that serves starts both, once.
both = "def start():\n    start_scheduler()\n    return start_side_server()\n"
fixed = run("fixed_start_once", LOAD + both + "start_once(start, reloader_enabled=True)\n"
            "devserver.run(serve)\n")
once = pids(fixed.stdout, "Scheduler started")
assert fixed.returncode == 0 and fixed.stderr == "", fixed
assert len(once) == 1 and pids(fixed.stdout, "side server listening") == once, fixed.stdout
assert pids(fixed.stdout, "serving requests") == once, fixed.stdout  # the serving process
assert "skipped in the reloader's watcher process" in fixed.stdout, fixed.stdout

# 4. Django's runserver flag (RUN_MAIN) is honoured the same way.
django = run("fixed_django_flag", LOAD + both + "start_once(start, reloader_enabled=True)\n"
             "devserver.run(serve, flag='RUN_MAIN')\n")
assert len(pids(django.stdout, "Scheduler started")) == 1 and django.stderr == "", django

# 5. Without a reloader (use_reloader=False, a production server) it starts once, in the only process.
plain = run("fixed_no_reloader", LOAD + both + "start_once(start, reloader_enabled=False)\n"
            "devserver.run(serve, use_reloader=False)\n")
single = pids(plain.stdout, "Scheduler started")
assert len(single) == 1 and " * Restarting" not in plain.stdout and plain.stderr == "", plain
assert pids(plain.stdout, "serving requests") == single, plain.stdout

record(
    wrong_scheduler_starts=len(started),
    wrong_distinct_pids=len(set(started)),
    wrong_side_server_error=bind_error,
    fixed_scheduler_starts=len(once),
    fixed_django_flag_starts=1,
    fixed_no_reloader_starts=len(single),
)
