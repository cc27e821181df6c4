"""Feed a child process's stdin when the child may exit before reading all of it."""

import contextlib
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass

# WRONG: write everything and assume the child reads it all:
#     proc = subprocess.Popen(["ffmpeg", "-i", "pipe:0", "-frames:v", "1", "thumb.jpg"], stdin=PIPE)
#     for chunk in video: proc.stdin.write(chunk)
#     -> BrokenPipeError: [Errno 32] Broken pipe   (ffmpeg had its frame and exited, or it failed
#        on a bad option and its own error message was never read)


@dataclass
class ChildResult:
    returncode: int
    stdout: bytes
    stderr: str
    stopped_early: bool  # the child closed its stdin before all the input was written


class ChildFailed(RuntimeError):
    """The child exited with an error status: its stderr says why, not the broken pipe."""


def feed_child(args: list[str], chunks: Iterable[bytes], *, timeout: float = 60.0) -> ChildResult:
    """Stream chunks into args' stdin; a child that stops reading early is not an error."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        # Output goes to files, so a chatty child can never block while we write.
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=out, stderr=err)
        stopped_early = _write_all(proc, chunks)
        try:
            returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
        out.seek(0)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        result = ChildResult(returncode, out.read(), stderr, stopped_early)
    return _checked(args, result)


def _write_all(proc: subprocess.Popen, chunks: Iterable[bytes]) -> bool:
    """Write every chunk, then close stdin; True if the child closed its end first (EPIPE)."""
    try:
        for chunk in chunks:
            proc.stdin.write(chunk)
        proc.stdin.close()
        return False
    except BrokenPipeError:  # the child exited or closed stdin: its exit status says which
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.close()
        return True


def run_with_input(args: list[str], data: bytes, *, timeout: float = 60.0) -> ChildResult:
    """The same for input held in memory: communicate() ignores the broken pipe itself."""
    done = subprocess.run(args, input=data, capture_output=True, timeout=timeout)
    stderr = done.stderr.decode(errors="replace")
    return _checked(args, ChildResult(done.returncode, done.stdout, stderr, stopped_early=False))


def _checked(args: list[str], result: ChildResult) -> ChildResult:
    if result.returncode != 0:
        reason = result.stderr.strip()[-2000:] or "no message on stderr"
        raise ChildFailed(f"{args[0]} exited with status {result.returncode}: {reason}")
    return result
