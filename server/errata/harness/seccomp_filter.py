"""Build the sandbox's seccomp filter and write it to stdout as raw BPF.

Run by the harness at startup under Debian's interpreter, which has `python3-seccomp`:

    /usr/bin/python3 -I server/harness/seccomp_filter.py > filter.bpf

The filter allows by default and denies what a snippet never needs: kernel-facing syscalls
(mount, namespaces, ptrace, keyrings, bpf, io_uring, modules...), sockets of any family but
AF_UNIX (asyncio needs socketpair; paths and abstract names are out of reach anyway), and the
terminal-injection ioctls. Standard library and python3-seccomp only; no errata imports.
"""

from __future__ import annotations

import errno
import socket
import sys

DENIED = (
    "ptrace",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "unshare",
    "setns",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "personality",
    "process_vm_readv",
    "process_vm_writev",
    "open_by_handle_at",
    "name_to_handle_at",
    "acct",
    "swapon",
    "swapoff",
    "reboot",
    "settimeofday",
    "clock_settime",
    "syslog",
    "quotactl",
    "fanotify_init",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsmount",
    "fsconfig",
    "fspick",
)
TIOCSTI = 0x5412
TIOCLINUX = 0x541C


def build() -> object:
    """The filter, as a `seccomp.SyscallFilter` (imported here: only Debian's python has it)."""
    import seccomp

    flt = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in DENIED:
        try:
            flt.add_rule(seccomp.ERRNO(errno.EPERM), name)
        except (RuntimeError, ValueError):  # a syscall this libseccomp/arch does not know
            continue
    flt.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
    for request in (TIOCSTI, TIOCLINUX):
        flt.add_rule(
            seccomp.ERRNO(errno.EPERM),
            "ioctl",
            seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF, request),
        )
    return flt


if __name__ == "__main__":
    build().export_bpf(sys.stdout)  # type: ignore[attr-defined]
