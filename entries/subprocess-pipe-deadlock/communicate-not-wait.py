"""Capture a child's output without the pipe-buffer deadlock: communicate(), never wait() first."""

import asyncio
import subprocess

# WRONG: the child blocks writing once the ~64 KiB pipe buffer is full, while we block in wait().
#     proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
#     proc.wait()                  # hangs forever for large outputs
#     out = proc.stdout.read()     # (reading stdout fully before stderr can hang the same way)


def run_tool(args: list[str], timeout: float = 60.0) -> tuple[int, str, str]:
    """Run a command, drain stdout and stderr together, and bound the whole run."""
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def count_lines(args: list[str], timeout: float = 60.0) -> int:
    """Stream a large output line by line (stderr merged into stdout, so only one pipe to drain)."""
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        lines = sum(1 for _ in proc.stdout)
        proc.wait(timeout=timeout)  # safe: the pipe is already drained
    return lines


async def run_tool_async(args: list[str], timeout: float = 60.0) -> tuple[int, bytes, bytes]:
    """The asyncio version: communicate() reads both pipes while waiting for the exit."""
    proc = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    return proc.returncode, out, err
