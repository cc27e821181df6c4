"""The diagnosis names the cause in each condition, each run in a child process of its own:

- an extra syscall filter answering clone3 with EPERM, as Docker < 20.10.10 does for an image with
  glibc >= 2.34: the very first thread fails with "can't start new thread" -> clone3-blocked;
- the same filter answering ENOSYS, as fixed engines do: glibc falls back to clone, threads
  start -> ok;
- no extra filter -> ok;
- a real shortage (an address-space cap that leaves room for a few dozen thread stacks, standing
  in for pids.max or ulimit -u): threads start until the limit, then fail -> thread-limit.

Filters stack on the ones already in force and last for the process, so each runs in a child.
"""

import json
import os
import subprocess
import sys

from errata_check import record

CHILD = r"""
import ctypes, errno, json, os, platform, resource, struct, sys, threading
sys.path.insert(0, os.getcwd())
from errata_check import load_snippet

AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
RET_ERRNO, RET_ALLOW = 0x00050000, 0x7FFF0000

def answer_clone3_with(err):
    # ld arch; jne -> allow; ld nr; jne 435 -> allow; ret ERRNO|err; ret ALLOW
    op = lambda code, jt, jf, k: struct.pack("HBBI", code, jt, jf, k)
    program = b"".join([
        op(0x20, 0, 0, 4), op(0x15, 0, 3, AUDIT_ARCH[platform.machine()]),
        op(0x20, 0, 0, 0), op(0x15, 0, 1, 435),
        op(0x06, 0, 0, RET_ERRNO | err), op(0x06, 0, 0, RET_ALLOW),
    ])
    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]
    prog = Prog(len(program) // 8, program)
    libc = ctypes.CDLL(None, use_errno=True)
    ulong = ctypes.c_ulong
    libc.prctl.argtypes = [ctypes.c_int, ulong, ctypes.c_void_p, ulong, ulong]
    assert libc.prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) == 0, ctypes.get_errno()
    done = libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(prog), 0, 0)
    assert done == 0, ctypes.get_errno()

mode = sys.argv[1]
out = {}
ns = load_snippet()
if mode in ("EPERM", "ENOSYS"):
    answer_clone3_with(getattr(errno, mode))
    try:
        t = threading.Thread(target=lambda: None); t.start(); t.join()
        out["plain_start"] = "started"
    except RuntimeError as exc:
        out["plain_start"] = str(exc)
    out["diagnosis"] = ns["diagnose"]()
elif mode == "limit":
    with open("/proc/self/status") as f:
        vm = next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmSize"))
    cap = vm + 400 * 1024 * 1024  # room for a few dozen 8 MiB thread stacks
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    release, threads = threading.Event(), []
    try:
        for _ in range(1000):
            t = threading.Thread(target=release.wait, args=(10,)); t.start(); threads.append(t)
        out["plain_start"] = "started"
    except RuntimeError as exc:
        out["plain_start"] = str(exc)
    out["started_before_error"] = len(threads)
    out["diagnosis"] = ns["diagnose"]()
    release.set()
    for t in threads:
        t.join()
else:
    out["plain_start"] = "started"
    out["diagnosis"] = ns["diagnose"]()
print(json.dumps(out))
"""


def run(mode: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-S", "-c", CHILD, mode],
        capture_output=True,
        text=True,
        timeout=30,
        env={"MALLOC_ARENA_MAX": "2"},
        cwd=os.getcwd(),
    )
    assert proc.returncode == 0, (mode, proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


blocked, fallback, plain, limit = run("EPERM"), run("ENOSYS"), run("none"), run("limit")

# EPERM for clone3: the first thread fails, with one thread alive; the diagnosis says why.
assert blocked["plain_start"] in ("can't start new thread", "can't create new thread"), blocked
found = blocked["diagnosis"]
assert found["cause"] == "clone3-blocked" and found["clone3"] == "EPERM", found
assert found["thread_error"] and found["threads"] == 1, found
assert "20.10.10" in found["advice"] and "ENOSYS" in found["advice"], found

# ENOSYS for clone3: glibc falls back to clone and threads start.
assert fallback["plain_start"] == "started", fallback
assert fallback["diagnosis"]["cause"] == "ok" and fallback["diagnosis"]["clone3"] == "ENOSYS"

# No extra filter: the kernel runs clone3 (EINVAL for the empty argument block).
assert plain["diagnosis"]["cause"] == "ok" and plain["diagnosis"]["clone3"] == "EINVAL", plain

# A real limit: dozens of threads start first, clone3 stays allowed -> thread-limit.
assert limit["plain_start"] in ("can't start new thread", "can't create new thread"), limit
found = limit["diagnosis"]
assert found["cause"] == "thread-limit" and found["clone3"] == "EINVAL", found
assert found["threads"] > 20 and str(found["threads"]) in found["advice"], found

record(
    eperm=f"{blocked['plain_start']} -> {blocked['diagnosis']['cause']} "
    f"({blocked['diagnosis']['threads']} thread alive)",
    enosys=f"{fallback['plain_start']} -> {fallback['diagnosis']['cause']}",
    no_filter=f"clone3 {plain['diagnosis']['clone3']} -> {plain['diagnosis']['cause']}",
    limit=f"{limit['plain_start']} after {limit['started_before_error']} threads -> "
    f"{limit['diagnosis']['cause']}",
    libc=plain["diagnosis"]["libc"],
)
