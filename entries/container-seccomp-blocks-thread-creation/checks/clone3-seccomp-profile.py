"""The patched profile lets the first thread start where the engine's old profile stopped it.

The check reads what a profile answers to clone3 for a container without extra capabilities (the
rule naming clone3, else the default action; ERRNO without errnoRet is EPERM) and installs just
that answer as a syscall filter in a child process, which then starts a thread:

- an old engine's default profile (no clone3 rule, default action ERRNO): EPERM, and the first
  thread fails with "can't start new thread", as Docker < 20.10.10 does to glibc >= 2.34;
- the snippet's ENOSYS profile: glibc falls back to clone and threads start;
- the same profile on an engine that ignores errnoRet: EPERM again, why 'allow' exists;
- the snippet's allow profile: threads start.

The other rules are kept as they were, and the engine's profile is not changed in place.
"""

import copy
import json
import os
import subprocess
import sys

from errata_check import load_snippet, record

CHILD = r"""
import ctypes, json, platform, struct, sys, threading

AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
answer = sys.argv[1]  # "allow" or an errno number
ret = 0x7FFF0000 if answer == "allow" else 0x00050000 | int(answer)
op = lambda code, jt, jf, k: struct.pack("HBBI", code, jt, jf, k)
program = b"".join([
    op(0x20, 0, 0, 4), op(0x15, 0, 3, AUDIT_ARCH[platform.machine()]),
    op(0x20, 0, 0, 0), op(0x15, 0, 1, 435),
    op(0x06, 0, 0, ret), op(0x06, 0, 0, 0x7FFF0000),
])
class Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]
prog = Prog(len(program) // 8, program)
libc = ctypes.CDLL(None, use_errno=True)
ulong = ctypes.c_ulong
libc.prctl.argtypes = [ctypes.c_int, ulong, ctypes.c_void_p, ulong, ulong]
assert libc.prctl(38, 1, None, 0, 0) == 0, ctypes.get_errno()  # PR_SET_NO_NEW_PRIVS
# PR_SET_SECCOMP, SECCOMP_MODE_FILTER
assert libc.prctl(22, 2, ctypes.addressof(prog), 0, 0) == 0, ctypes.get_errno()
try:
    t = threading.Thread(target=lambda: None); t.start(); t.join()
    print(json.dumps("started"))
except RuntimeError as exc:
    print(json.dumps(str(exc)))
"""

EPERM = 1
OLD_DEFAULT = {  # the shape of an engine's default.json from before clone3 was listed
    "defaultAction": "SCMP_ACT_ERRNO",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"],
    "syscalls": [
        {"names": ["clone", "futex", "mmap", "mprotect"], "action": "SCMP_ACT_ALLOW"},
        {
            "name": "personality",  # the older one-name form
            "action": "SCMP_ACT_ALLOW",
            "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}],
        },
        {
            "names": ["clone3", "unshare"],  # only for containers given CAP_SYS_ADMIN
            "action": "SCMP_ACT_ALLOW",
            "includes": {"caps": ["CAP_SYS_ADMIN"]},
        },
    ],
}


def clone3_answer(profile: dict, honours_errno_ret: bool = True) -> str:
    """What the profile answers clone3 in a container without CAP_SYS_ADMIN: 'allow' or errno."""
    for rule in profile["syscalls"]:
        names = rule.get("names") or [rule.get("name")]
        if "clone3" not in names or rule.get("includes", {}).get("caps"):
            continue
        if rule["action"] == "SCMP_ACT_ALLOW":
            return "allow"
        return str(rule.get("errnoRet", EPERM) if honours_errno_ret else EPERM)
    return str(profile.get("defaultErrnoRet", EPERM))  # default action ERRNO


def start_thread_under(answer: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-S", "-c", CHILD, answer], capture_output=True, text=True, timeout=20
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def other_rules(profile: dict) -> list:
    return sorted(
        (name, rule["action"], json.dumps(rule.get("args")), json.dumps(rule.get("includes")))
        for rule in profile["syscalls"]
        for name in rule.get("names") or [rule.get("name")]
        if name != "clone3"
    )


ns = load_snippet()
original = copy.deepcopy(OLD_DEFAULT)
enosys = ns["with_clone3_fallback"](OLD_DEFAULT)
allow = ns["with_clone3_fallback"](OLD_DEFAULT, "allow")
assert original == OLD_DEFAULT, "the engine's profile was changed in place"

answers = {
    "old_profile": clone3_answer(OLD_DEFAULT),
    "enosys_profile": clone3_answer(enosys),
    "enosys_profile_errnoRet_ignored": clone3_answer(enosys, honours_errno_ret=False),
    "allow_profile": clone3_answer(allow),
}
runs = {name: (answer, start_thread_under(answer)) for name, answer in answers.items()}
assert runs["old_profile"] == ("1", "can't start new thread"), runs
assert runs["enosys_profile"] == ("38", "started"), runs
assert runs["enosys_profile_errnoRet_ignored"] == ("1", "can't start new thread"), runs
assert runs["allow_profile"] == ("allow", "started"), runs

# One clone3 rule, and every other rule (names, actions, arguments, capabilities) as it was.
for patched in (enosys, allow):
    clone3_rules = [r for r in patched["syscalls"] if "clone3" in r["names"]]
    assert len(clone3_rules) == 1 and clone3_rules[0]["names"] == ["clone3"], patched
    assert other_rules(patched) == other_rules(OLD_DEFAULT), patched
    assert patched["defaultAction"] == "SCMP_ACT_ERRNO", patched

with open("default.json", "w", encoding="utf-8") as file:
    json.dump(OLD_DEFAULT, file)
ns["write_profile"]("default.json", "clone3.json")
with open("clone3.json", encoding="utf-8") as file:
    assert json.load(file) == enosys
os.remove("default.json")
os.remove("clone3.json")
try:
    ns["with_clone3_fallback"](OLD_DEFAULT, "unconfined")
    raise AssertionError("an unknown answer was accepted")
except ValueError:
    pass

record(**{name: f"clone3 -> {answer}: {result}" for name, (answer, result) in runs.items()})
