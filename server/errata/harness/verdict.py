"""The harness's end of a run's verdict channel (the protocol is described in boot.py).

Two pipes opened for one run: the sandbox writes "ready", is given a fresh nonce, and writes one
JSON record carrying the nonce, the verdict the harness expects and the figures. Anything else
(no record, a partial one, a wrong nonce, a second record, figures out of bounds) is refused
with a reason, and a run without an accepted record never passes.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from typing import Any

from .errata_check import MAX_FIGURE_DIGITS, FigureError, check_figures

MAX_CHANNEL_BYTES = 64 * 1024
READY = b"ready"
RECORD_KEYS = {"nonce", "verdict", "figures"}


@dataclass
class Verdict:
    """What the channel gave: an accepted verdict with its figures, or why none was."""

    verdict: str = ""
    figures: dict[str, Any] = field(default_factory=dict)
    problem: str = ""


class VerdictChannel:
    """Two pipes for one run; `child_fds` go to the sandbox, the rest stays here."""

    def __init__(self, expected: str) -> None:
        self.expected = expected
        self.read_fd, self._run_writes = os.pipe()
        self._run_reads, self._nonce_fd = os.pipe()
        self._nonce = secrets.token_hex(16)
        self._buffer = bytearray()
        self._lines = 0
        self._received = 0
        self.result = Verdict()

    def child_fds(self) -> tuple[int, int]:
        """(verdict fd, nonce fd) as the sandbox's boot code receives them."""
        return self._run_writes, self._run_reads

    def started(self) -> None:
        """The run holds its ends now: close them here, so EOF means the run let go."""
        for name in ("_run_writes", "_run_reads"):
            _close(getattr(self, name))
            setattr(self, name, -1)

    def close(self) -> None:
        """Close every descriptor the harness still holds."""
        for name in ("read_fd", "_run_writes", "_run_reads", "_nonce_fd"):
            _close(getattr(self, name))
            setattr(self, name, -1)

    def feed(self, chunk: bytes) -> None:
        """Take bytes read from the run; answer "ready" with the nonce, parse the record."""
        self._received += len(chunk)
        if self.result.problem:
            return  # drained, never kept
        if self._received > MAX_CHANNEL_BYTES:
            self._refuse(f"more than {MAX_CHANNEL_BYTES // 1024} KiB on the verdict channel")
            return
        self._buffer += chunk
        while not self.result.problem and b"\n" in self._buffer:
            line, _, rest = bytes(self._buffer).partition(b"\n")
            self._buffer = bytearray(rest)
            self._line(line)

    def finish(self) -> Verdict:
        """The verdict once the run is over (an unfinished exchange is refused)."""
        if self._lines == 1 and not self.result.problem:
            self._refuse("the verdict record is incomplete")
        return self.result

    def _line(self, line: bytes) -> None:
        self._lines += 1
        if self._lines == 1:
            if line != READY:
                self._refuse("the verdict channel did not start with a request for the nonce")
                return
            with contextlib.suppress(OSError):  # the run may be gone already
                os.write(self._nonce_fd, self._nonce.encode("ascii") + b"\n")
            _close(self._nonce_fd)
            self._nonce_fd = -1
        elif self._lines == 2:
            self.result = parse_record(line, self._nonce, self.expected)
        else:
            self._refuse("more than one verdict record")

    def _refuse(self, problem: str) -> None:
        self.result = Verdict(problem=problem)


def parse_record(line: bytes, nonce: str, expected: str) -> Verdict:
    """The verdict one record line carries, or the reason it is refused."""
    try:
        data = json.loads(line, parse_int=_bounded_int, parse_constant=_no_constant)
    except FigureError as exc:
        return Verdict(problem=f"figures refused: {exc}")
    except (ValueError, RecursionError):
        return Verdict(problem="the verdict record is not valid JSON (or nested too deeply)")
    if not isinstance(data, dict) or set(data) != RECORD_KEYS:
        return Verdict(problem="the verdict record does not have the expected fields")
    if not isinstance(data["nonce"], str) or not hmac.compare_digest(data["nonce"], nonce):
        return Verdict(problem="the verdict record does not carry this run's nonce")
    if data["verdict"] != expected:
        return Verdict(problem=f"the verdict record says {str(data['verdict'])[:40]!r}")
    try:
        check_figures(data["figures"])
    except FigureError as exc:
        return Verdict(problem=f"figures refused: {exc}")
    return Verdict(verdict=expected, figures=data["figures"])


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_FIGURE_DIGITS:
        raise FigureError(f"a figure number has more than {MAX_FIGURE_DIGITS} digits")
    return int(text)


def _no_constant(text: str) -> Any:
    raise FigureError(f"a figure is {text}, not a finite number")


def _close(fd: int) -> None:
    if fd >= 0:
        with contextlib.suppress(OSError):
            os.close(fd)
