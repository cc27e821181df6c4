"""Raise the open-file soft limit at startup when the workload really needs the descriptors."""

import resource
import sys

# WRONG: a server that legitimately holds thousands of client sockets (websockets, long polls),
# a test suite or scanner that opens many files at once, or DataLoader workers passing tensors as
# descriptors, started under a low soft limit: macOS 256, systemd's and many containers' 1024 or
# 4096. It fails at the same load every time, or at startup:
#     OSError: [Errno 24] Too many open files
#     RuntimeError: received 0 items of ancdata
# CPython never raises the soft limit by itself (Go >= 1.19, Node.js and the JVM on Linux raise it
# to the hard limit at startup), so a Python process keeps 1024 under a hard limit of 524288.

MACOS_OPEN_MAX = 10240  # macOS refuses a soft limit above OPEN_MAX when the hard limit is unlimited


def raise_nofile_limit(wanted: int = 65536) -> int:
    """Raise the soft RLIMIT_NOFILE to `wanted`, or to the hard limit if that is lower.

    Never lowers it, never touches the hard limit (only root can raise that, where the process
    is started). Returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if sys.platform == "darwin" and hard == resource.RLIM_INFINITY:
        target = min(target, MACOS_OPEN_MAX)
    if soft != resource.RLIM_INFINITY and target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def require_descriptors(needed: int) -> int:
    """At startup: raise the soft limit to `needed`, or stop saying where to raise the hard one."""
    soft = raise_nofile_limit(needed)
    if soft != resource.RLIM_INFINITY and soft < needed:
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        raise RuntimeError(
            f"this process needs {needed} open files but its hard limit is {hard}: raise it where "
            "the process starts (systemd LimitNOFILE=, docker run --ulimit nofile=N:N, "
            "/etc/security/limits.conf nofile, launchctl limit maxfiles on macOS)"
        )
    return soft
