"""No TCP here: netsh output as Windows prints it, and sockets whose bind() answers as the OS does."""

import errno
import socket

from errata_check import load_snippet, record

ns = load_snippet()
parse, bind_port, choose_port = ns["parse_excluded_ranges"], ns["bind_port"], ns["choose_port"]
PortNotAllowed = ns["PortNotAllowed"]

NETSH_EN = """
Protocol tcp Port Exclusion Ranges

Start Port    End Port
----------    --------
      1080        1179
      2961        3060
      3061        3160
      5357        5357
     50000       50059     *

* - Administered port exclusions.
"""
NETSH_FR = """
Protocole tcp Plages d'exclusion de ports

Port de debut    Port de fin
-------------    -----------
      1080        1179
      2961        3060
      3061        3160
      5357        5357
     50000       50059     *

* - Exclusions de ports administres.
"""


class BindAnswers:
    """Stands in for a TCP socket: bind() answers what the OS answers for this process."""

    def __init__(self, error: OSError | None = None) -> None:
        self.error, self.bound = error, None

    def bind(self, address: tuple[str, int]) -> None:
        if self.error is not None:
            raise self.error
        self.bound = address


def eacces() -> OSError:
    return PermissionError(errno.EACCES, "Permission denied")  # what Linux bind() raises


# 1. The table parses in any display language; the administered row is marked.
ranges = parse(NETSH_EN)
assert ranges == parse(NETSH_FR) and len(ranges) == 5, ranges
assert [(r.start, r.end, r.administered) for r in ranges][-1] == (50000, 50059, True)

# 2. A naive bind says only "Permission denied"; bind_port refuses a port in an excluded range
#    before binding and names the range.
naive = BindAnswers(eacces())
try:
    naive.bind(("0.0.0.0", 3000))
    raise AssertionError("bound")
except OSError as exc:
    assert str(exc) == "[Errno 13] Permission denied", exc
sock = BindAnswers(eacces())
try:
    bind_port(sock, "0.0.0.0", 3000, ranges=ranges, unprivileged_start=0)
    raise AssertionError("bound a port inside an excluded range")
except PortNotAllowed as exc:
    assert exc.errno == errno.EACCES and isinstance(exc, PermissionError)
    assert "2961-3060" in str(exc) and "excludedportrange" in str(exc), exc
    range_message = str(exc)
assert sock.bound is None
try:
    bind_port(BindAnswers(), "0.0.0.0", 50010, ranges=ranges, unprivileged_start=0)
    raise AssertionError("bound a port inside an administered exclusion")
except PortNotAllowed as exc:
    assert "administered" in str(exc)

# 3. Port 80 without the capability: EACCES becomes an error naming the privileged-port rule;
#    with the capability (bind succeeds) nothing is in the way.
try:
    bind_port(BindAnswers(eacces()), "0.0.0.0", 80, ranges=[], unprivileged_start=1024)
    raise AssertionError("bound port 80")
except PortNotAllowed as exc:
    assert "ip_unprivileged_port_start (1024)" in str(exc) and "CAP_NET_BIND_SERVICE" in str(exc)
    assert isinstance(exc.__cause__, PermissionError)
    privileged_message = str(exc)
capable = BindAnswers()
bind_port(capable, "0.0.0.0", 80, ranges=[], unprivileged_start=1024)
assert capable.bound == ("0.0.0.0", 80)

# 4. Errors the port number does not explain pass unchanged: a live listener (EADDRINUSE) and
#    an EACCES on an ordinary port (an exclusive holder, a firewall) are not blamed on a rule.
in_use = OSError(errno.EADDRINUSE, "Address already in use")
for error, port in ((in_use, 8000), (eacces(), 8000)):
    try:
        bind_port(BindAnswers(error), "0.0.0.0", port, ranges=ranges, unprivileged_start=1024)
        raise AssertionError("bound")
    except PortNotAllowed:
        raise AssertionError(f"blamed {error} on port {port} on a rule") from None
    except OSError as exc:
        assert exc is error

# 5. choose_port keeps an allowed preference and otherwise picks the first allowed fallback.
assert choose_port(8000, [8001], ranges, 1024) == 8000
assert choose_port(3000, [3100, 1100, 8080], ranges, 1024) == 8080
assert choose_port(80, [8080], [], 1024) == 8080
assert choose_port(80, [], [], 0) == 80  # sysctl net.ipv4.ip_unprivileged_port_start=0
try:
    choose_port(80, [443], [], 1024)
    raise AssertionError("chose a privileged port")
except PortNotAllowed as exc:
    assert "CAP_NET_BIND_SERVICE" in str(exc)

# 6. The machine's own values: the sysctl is read, and Linux has no excluded ranges.
start = ns["unprivileged_port_start"]()
assert isinstance(start, int) and 0 <= start <= 65536, start
assert ns["excluded_ranges"]() == []

# 7. A real TCP socket where one can be made: an allowed port binds as usual.
tcp_tested = False
try:
    real = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
except OSError as exc:
    assert exc.errno in (errno.EACCES, errno.EPERM, errno.EAFNOSUPPORT), exc
else:
    with real:
        bind_port(real, "127.0.0.1", 0, ranges=ranges, unprivileged_start=start)
        tcp_tested = real.getsockname()[1] > 0

record(
    ranges_parsed=len(ranges),
    unprivileged_port_start=start,
    range_message=range_message[:90],
    privileged_message=privileged_message[:90],
    tcp_tested=tcp_tested,
)
