"""Bind a port this process may use, and say why the OS refused one that nobody holds.

EACCES / [WinError 10013] from bind() with nothing listening on the port is not "address in use":
on Windows the port lies in a range Hyper-V, WinNAT, Docker Desktop or WSL2 excluded, and on
Linux the port is below ip_unprivileged_port_start (1024) and the process lacks
CAP_NET_BIND_SERVICE. Running as root or Administrator is not the fix for either.
"""

import errno
import re
import socket
import subprocess
import sys
from typing import Iterable, NamedTuple

# One data row of `netsh interface ipv4 show excludedportrange protocol=tcp`, in any display
# language: start port, end port, and a "*" for an administered exclusion (added with netsh).
_ROW = re.compile(r"^\s*(\d{1,5})\s+(\d{1,5})\s*(\*)?\s*$")
_UNPRIVILEGED_START = "/proc/sys/net/ipv4/ip_unprivileged_port_start"


class ExcludedRange(NamedTuple):
    start: int
    end: int
    administered: bool


class PortNotAllowed(PermissionError):
    """The OS refuses this port to this process although no other process holds it."""


def parse_excluded_ranges(netsh_output: str) -> list[ExcludedRange]:
    """The ranges listed by `netsh interface ipv4 show excludedportrange protocol=tcp`."""
    rows = (_ROW.match(line) for line in netsh_output.splitlines())
    return [ExcludedRange(int(m[1]), int(m[2]), m[3] == "*") for m in rows if m]


def excluded_ranges(protocol: str = "tcp") -> list[ExcludedRange]:
    """This Windows machine's excluded port ranges (none on other systems)."""
    if sys.platform != "win32":
        return []
    command = ["netsh", "interface", "ipv4", "show", "excludedportrange", f"protocol={protocol}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    return parse_excluded_ranges(done.stdout)


def unprivileged_port_start(path: str = _UNPRIVILEGED_START) -> int:
    """The first port a process without CAP_NET_BIND_SERVICE may bind (Linux sysctl; 0 on
    Windows, which has no privileged ports; 1024 on other Unix systems)."""
    if sys.platform == "win32":
        return 0
    try:
        with open(path, encoding="utf-8") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return 1024


def range_holding(port: int, ranges: Iterable[ExcludedRange]) -> ExcludedRange | None:
    """The excluded range that contains port, if any."""
    return next((r for r in ranges if r.start <= port <= r.end), None)


def refusal_reason(port: int, ranges: Iterable[ExcludedRange], unprivileged_start: int) -> str:
    """Why the OS refuses this port to an unprivileged process ('' when nothing explains it)."""
    excluded = range_holding(port, ranges)
    if excluded:
        kind = "an administered exclusion" if excluded.administered else "reserved by Hyper-V/WinNAT"
        return (
            f"port {port} lies in the excluded range {excluded.start}-{excluded.end} ({kind}; "
            "see netsh interface ipv4 show excludedportrange protocol=tcp): no process can bind "
            "it, Administrator included. Use a port outside every range, or reserve this one "
            "before WinNAT takes it: net stop winnat, netsh int ipv4 add excludedportrange "
            f"protocol=tcp startport={port} numberofports=1, net start winnat"
        )
    if port < unprivileged_start:
        return (
            f"port {port} is below net.ipv4.ip_unprivileged_port_start ({unprivileged_start}): "
            "binding it needs CAP_NET_BIND_SERVICE. Use a port >= "
            f"{unprivileged_start} behind a reverse proxy, or grant the capability "
            "(setcap 'cap_net_bind_service=+ep' on the binary, AmbientCapabilities= in systemd) "
            "instead of running the whole server as root"
        )
    return ""


def choose_port(
    preferred: int,
    fallbacks: Iterable[int],
    ranges: Iterable[ExcludedRange],
    unprivileged_start: int,
) -> int:
    """preferred if the OS lets this process bind it, else the first fallback that it allows."""
    ranges = list(ranges)
    for port in (preferred, *fallbacks):
        if not range_holding(port, ranges) and port >= unprivileged_start:
            return port
    raise PortNotAllowed(errno.EACCES, refusal_reason(preferred, ranges, unprivileged_start))


def bind_port(
    sock: socket.socket,
    host: str,
    port: int,
    ranges: Iterable[ExcludedRange] | None = None,
    unprivileged_start: int | None = None,
) -> None:
    """sock.bind((host, port)); a port in an excluded range is refused before binding, and an
    EACCES from bind() becomes PortNotAllowed naming the range or the privileged-port rule.
    Any other error (EADDRINUSE: a live listener holds the port) is raised unchanged."""
    ranges = excluded_ranges() if ranges is None else list(ranges)
    start = unprivileged_port_start() if unprivileged_start is None else unprivileged_start
    if range_holding(port, ranges):
        raise PortNotAllowed(errno.EACCES, refusal_reason(port, ranges, start))
    try:
        sock.bind((host, port))
    except OSError as exc:
        reason = refusal_reason(port, ranges, start) if exc.errno == errno.EACCES else ""
        if not reason:
            raise
        raise PortNotAllowed(errno.EACCES, f"{exc.strerror}: {reason}") from exc
