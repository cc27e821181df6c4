"""A child that asks for a password and reads stdin: with an open stdin pipe nobody writes, the
parent is still waiting after 1 s although it drains both output pipes; run_noninteractive
returns at once with the child's failure and the prompt's text, turns a git-style username
prompt into its 'terminal prompts disabled' error, and kills a whole process group stuck at a
question it cannot answer when the timeout fires."""

import subprocess
import sys
import threading
import time

from errata_check import load_snippet, record

ns = load_snippet()
run_noninteractive, CommandFailed = ns["run_noninteractive"], ns["CommandFailed"]
PY = sys.executable

SUDO_LIKE = """
import sys
sys.stderr.write('[sudo] password for agent: ')
sys.stderr.flush()
if not sys.stdin.readline():
    sys.stderr.write('\\nsudo: no password was provided\\n')
    sys.exit(1)
print('ran as root')
"""
GIT_LIKE = """
import os, sys
if os.environ.get('GIT_TERMINAL_PROMPT') == '0':
    sys.stderr.write("fatal: could not read Username for 'https://git.example': terminal prompts disabled\\n")
    sys.exit(128)
sys.stderr.write("Username for 'https://git.example': ")
sys.stderr.flush()
sys.stdin.readline()
"""
# Like ssh asking on /dev/tty: it never reads stdin, so only a timeout ends it; its grandchild
# keeps the output pipe open, so killing the child alone would not end communicate().
TTY_LIKE = """
import subprocess, sys, time
subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])
sys.stderr.write('Are you sure you want to continue connecting (yes/no/[fingerprint])? ')
sys.stderr.flush()
time.sleep(600)
"""


def wrong_runner(code: str) -> tuple[bool, str]:
    """stdin=PIPE never written or closed; stdout and stderr drained by threads (no pipe deadlock)."""
    proc = subprocess.Popen(
        [PY, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    seen: list[bytes] = []
    readers = [
        threading.Thread(target=lambda s=s: seen.extend(iter(lambda: s.read(1), b"")))
        for s in (proc.stdout, proc.stderr)
    ]
    for reader in readers:
        reader.start()
    try:
        proc.wait(timeout=1.0)
        blocked = False
    except subprocess.TimeoutExpired:
        blocked = True
    proc.kill()
    proc.wait()
    for reader in readers:
        reader.join(timeout=5)
    return blocked, b"".join(seen).decode()


blocked, last_output = wrong_runner(SUDO_LIKE)
assert blocked, "the child should still be waiting for its password"
assert last_output.endswith("[sudo] password for agent: "), last_output

start = time.perf_counter()
try:
    run_noninteractive([PY, "-c", SUDO_LIKE], timeout=30)
    raise AssertionError("a child that got no password was reported as a success")
except CommandFailed as error:
    sudo_message = str(error)
sudo_s = time.perf_counter() - start
assert "exited with status 1" in sudo_message, sudo_message
assert "'[sudo] password for agent:'" in sudo_message, sudo_message
assert sudo_s < 10, sudo_s

try:
    run_noninteractive([PY, "-c", GIT_LIKE], timeout=30)
    raise AssertionError("a git prompt was reported as a success")
except CommandFailed as error:
    git_message = str(error)
assert "exited with status 128" in git_message and "terminal prompts disabled" in git_message

start = time.perf_counter()
try:
    run_noninteractive([PY, "-c", TTY_LIKE], timeout=1.5)
    raise AssertionError("a child stuck at a question was reported as a success")
except CommandFailed as error:
    tty_message = str(error)
tty_s = time.perf_counter() - start
assert "timed out after 1.5 s" in tty_message and "continue connecting" in tty_message, tty_message
assert tty_s < 10, tty_s  # the grandchild holding the pipe was killed with the group

done = run_noninteractive([PY, "-c", "print('built')"], timeout=30)
assert (done.returncode, done.output) == (0, "built\n"), done

record(
    wrong_blocked_after_s=1.0,
    sudo_failed_in_ms=round(sudo_s * 1000, 1),
    sudo_message=sudo_message,
    git_message=git_message,
    tty_timeout_ms=round(tty_s * 1000, 1),
)
