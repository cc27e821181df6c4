"""Started in the sandbox as `python3 -I -S /tmp/boot.py PROGRAM VERDICT_FD NONCE_FD`.

Runs PROGRAM (check.py, or snippet.py when an entry has no check) as `__main__`, then, only
when it ran to its end, sends the harness its verdict on the run's own channel:

    -> "ready\\n"                 on VERDICT_FD: the program has finished, send the nonce
    <- "<nonce>\\n"               on NONCE_FD: given once per run, only now
    -> {"nonce", "verdict", "figures"} as one JSON line on VERDICT_FD

An exception, `SystemExit` (even 0), `os._exit` or a signal ends the run before this, so the
harness records no pass whatever the exit code; nothing on stdout or stderr counts. Code in
the same process can still attack a determined check: contributed code is also reviewed
statically (review.py). `-I` keeps the script's folder off sys.path, so /tmp (snippet.py,
check.py, errata_check.py) is put on it. Standard library only.
"""

import json
import os
import sys
import types

_program = sys.argv[1]
_verdict_fd, _nonce_fd = int(sys.argv[2]), int(sys.argv[3])
for _fd in (_verdict_fd, _nonce_fd):
    os.set_inheritable(_fd, False)  # programs the check starts never hold the channel
sys.path.insert(0, "/tmp")
import errata_check as _lib  # noqa: E402  (the figures are read from this very module)

# Bound now: a snippet that patches os or json later changes none of these.
_write, _read, _close, _getpid, _dumps = os.write, os.read, os.close, os.getpid, json.dumps
_pid = _getpid()
_verdict = "passed" if _program.endswith("/check.py") else "ran_without_error"


def _send(data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[_write(_verdict_fd, view) :]


def _receive_line() -> bytes:
    line = b""
    while not line.endswith(b"\n") and len(line) < 256:
        chunk = _read(_nonce_fd, 256)
        if not chunk:
            break
        line += chunk
    return line.strip()


def _finish() -> None:
    """The program ran to its end: send the verdict (from the first process only)."""
    if _getpid() != _pid:
        return  # a forked child that ran off the end of the program is no verdict
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105  (contextlib would cost every run its import)
            stream.flush()
        except Exception:
            pass
    figures = dict(_lib._figures) if _verdict == "passed" else {}
    _send(b"ready\n")
    nonce = _receive_line().decode("ascii", "replace")
    record = {"nonce": nonce, "verdict": _verdict, "figures": figures}
    _send(_dumps(record, allow_nan=False).encode("utf-8") + b"\n")
    _close(_verdict_fd)
    _close(_nonce_fd)


sys.argv = [_program]
_main = types.ModuleType("__main__")
_main.__file__ = _program
sys.modules["__main__"] = _main
with open(_program, encoding="utf-8") as _f:
    _code = compile(_f.read(), _program, "exec", dont_inherit=True)
del _f, _fd
exec(_code, _main.__dict__)
_finish()
