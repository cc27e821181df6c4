"""Why can't this process start a thread? Tell a container's syscall filter blocking clone3 (an
old Docker, runc, libseccomp or podman running an image with glibc >= 2.34) from a real limit on
threads (pids.max, ulimit -u, memory for stacks), and print what to do about it."""

import ctypes
import errno
import os
import resource
import threading

CLONE3 = 435  # __NR_clone3: the same number on x86_64, aarch64 and every other architecture
CGROUP_PIDS = ("/sys/fs/cgroup/pids.max", "/sys/fs/cgroup/pids/pids.max")


def clone3_errno() -> str:
    """Call clone3 with an empty argument block: it never creates anything, it only answers.
    EINVAL: the kernel runs clone3. ENOSYS: no clone3, glibc falls back to clone (fine).
    EPERM: a filter refuses clone3, and glibc >= 2.34 then fails every new thread."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    libc.syscall(ctypes.c_long(CLONE3), None, ctypes.c_size_t(0))
    return errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))


def start_one_thread() -> str | None:
    """Start (and join) one thread; the error text if that fails."""
    try:
        thread = threading.Thread(target=lambda: None)
        thread.start()
        thread.join()
    except RuntimeError as error:  # CPython: "can't start new thread" / "can't create new thread"
        return str(error)
    return None


def os_threads() -> int:
    """Threads of this process as the kernel counts them (native ones included)."""
    with open("/proc/self/status", encoding="utf-8") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("Threads:"))


def limits() -> str:
    """The limits a real thread shortage would hit, for the report."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NPROC)
    found = [f"ulimit -u {'unlimited' if soft == resource.RLIM_INFINITY else soft}"]
    for path in CGROUP_PIDS:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as limit:
                found.append(f"pids.max {limit.read().strip()}")
    return ", ".join(found)


def libc_version() -> str:
    """'glibc 2.36'; musl (Alpine) has no such name, and no clone3 in pthread_create."""
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") or "not glibc"
    except (ValueError, OSError):
        return "not glibc"


def diagnose() -> dict:
    """Which cause stops threads here: 'clone3-blocked', 'thread-limit' or 'ok'."""
    alive = os_threads()  # before the test thread, whose exit the kernel may not have seen yet
    failed, answer = start_one_thread(), clone3_errno()
    glibc = libc_version()
    facts = {"thread_error": failed, "clone3": answer, "threads": alive, "libc": glibc}
    if answer == "EPERM":
        advice = (
            "the container's syscall filter answers clone3 with EPERM (Operation not "
            "permitted), so glibc >= 2.34 never falls back to clone: upgrade Docker to "
            "20.10.10+ (or runc/containerd/libseccomp/podman); meanwhile a profile that "
            "answers clone3 with ENOSYS, --security-opt seccomp=unconfined on a trusted "
            "image, or a base image with glibc < 2.34 (bullseye, ubuntu:20.04)"
        )
        return {"cause": "clone3-blocked", "advice": advice, **facts}
    if failed:
        advice = (
            f"{alive} threads alive and clone3 is allowed ({answer}): a real limit "
            f"({limits()}, or memory for stacks); bound the threads with one shared "
            "pool, or raise the limit"
        )
        return {"cause": "thread-limit", "advice": advice, **facts}
    return {"cause": "ok", "advice": f"threads start; clone3 answers {answer}", **facts}


# docker run --rm IMAGE python diagnose-thread-start.py   (the image and engine that fail)
if __name__ == "__main__":
    found = diagnose()
    print(f"{found['cause']}: {found['advice']} [{found['libc']}, {found['threads']} threads]")
