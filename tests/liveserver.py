"""Run `errata serve` as a real process on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A running server process and its base URL."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], deadline_s: float = 60) -> None:
    """Poll /api/health until it answers, the process dies, or the deadline passes."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2) as response:
                if response.status in (200, 503):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} not healthy within {deadline_s} s")


@contextmanager
def run_server(
    env: Mapping[str, str],
    log: Path,
    extra_args: tuple[str, ...] = (),
    *,
    python: str = sys.executable,
    cwd: Path | None = None,
) -> Iterator[LiveServer]:
    """Start `errata serve` (of `python`'s environment) with the given environment; stop it
    afterwards."""
    port = free_port()
    # Tests queue verifications themselves when they want them.
    full_env = {**os.environ, "ERRATA_VERIFY_ON_START": "0", **env}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                python,
                "-m",
                "errata.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                *extra_args,
            ],
            env=full_env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(process=process, url=f"http://127.0.0.1:{port}", log=log)
    try:
        wait_until_healthy(server.url, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
