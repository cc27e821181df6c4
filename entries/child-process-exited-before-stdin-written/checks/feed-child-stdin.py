"""A child that reads 10 bytes and exits while the parent writes 5 MiB: the plain write loop
raises BrokenPipeError; feed_child finishes and reports the child's status, a failing child's
stderr, and a child that reads everything."""

import subprocess
import sys

from errata_check import load_snippet, record

ns = load_snippet()
feed_child, run_with_input, ChildFailed = ns["feed_child"], ns["run_with_input"], ns["ChildFailed"]

PYTHON = sys.executable
READ_10 = "import sys; d = sys.stdin.buffer.read(10); print(f'got {len(d)} bytes')"
REFUSE = "import sys; sys.stderr.write('error: unknown option --bogus\\n'); sys.exit(2)"
READS_A_LITTLE = [PYTHON, "-c", READ_10]  # like ffmpeg -frames:v 1, ffprobe, head -c
BAD_OPTION = [PYTHON, "-c", REFUSE]  # exits on its arguments without reading stdin
READS_ALL = [PYTHON, "-c", "import sys; print(len(sys.stdin.buffer.read()))"]
CHUNK, COUNT = b"x" * 65536, 80  # 5 MiB, far more than a pipe buffer holds


def chunks():
    return (CHUNK for _ in range(COUNT))


def plain_write_loop(args: list[str]) -> str:
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        for chunk in chunks():
            proc.stdin.write(chunk)
        proc.stdin.close()
        return "no error"
    except BrokenPipeError as error:
        return f"{type(error).__name__}: {error}"
    finally:
        proc.kill()
        proc.wait()


# The unhandled version raises as soon as the child is gone.
wrong = plain_write_loop(READS_A_LITTLE)
assert wrong == "BrokenPipeError: [Errno 32] Broken pipe", wrong

# The child finished with what it needed: not an error.
early = feed_child(READS_A_LITTLE, chunks(), timeout=30)
assert (early.returncode, early.stdout, early.stopped_early) == (0, b"got 10 bytes\n", True), early

# The child failed: its own message, not "Broken pipe", is what reaches the caller.
try:
    feed_child(BAD_OPTION, chunks(), timeout=30)
    raise AssertionError("a failing child was reported as a success")
except ChildFailed as error:
    failed = str(error)
assert "exited with status 2" in failed and "unknown option --bogus" in failed, failed

# A child that reads everything gets everything.
full = feed_child(READS_ALL, chunks(), timeout=30)
assert (full.stdout, full.stopped_early) == (str(len(CHUNK) * COUNT).encode() + b"\n", False), full

# Input held in memory: run(input=...) ignores the broken pipe, the status still decides.
small = run_with_input(READS_A_LITTLE, CHUNK * COUNT, timeout=30)
assert small.stdout == b"got 10 bytes\n", small
try:
    run_with_input(BAD_OPTION, CHUNK * COUNT, timeout=30)
    raise AssertionError("a failing child was reported as a success")
except ChildFailed as error:
    assert "unknown option --bogus" in str(error), error

# A missing program is its own error, raised before any write.
try:
    feed_child(["/nonexistent/ffmpeg"], chunks(), timeout=30)
    raise AssertionError("a missing program was not reported")
except FileNotFoundError:
    pass

record(plain_error=wrong, early_exit_status=early.returncode, failed_child=failed)
