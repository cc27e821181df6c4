"""The sandbox has no network (only AF_UNIX sockets), so the network is a stand-in: a resolver
that answers api.example.com with two AAAA then two A records (getaddrinfo's order on a host with
an IPv6 address configured) and a socket class whose IPv6 connects never complete (a blackholed
route: packets dropped, the attempt waits out its timeout) or fail with ENETUNREACH (no route),
while IPv4 connects succeed at once. The standard library's own socket.create_connection (what
urllib, http.client and urllib3 do) runs against them, before and after the fix."""

import errno
import socket
import time

from errata_check import load_snippet, record, scaled

ns = load_snippet()
ipv4_first, prefer_ipv4_resolution = ns["ipv4_first"], ns["prefer_ipv4_resolution"]
has_ipv6_route = ns["has_ipv6_route"]
HOST, PORT = "api.example.com", 443
ANSWER = [
    (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2606:4700::6810:1a22", PORT, 0, 0)),
    (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2606:4700::6810:1b22", PORT, 0, 0)),
    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("104.16.28.34", PORT)),
    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("104.16.29.34", PORT)),
]
attempts: list[str] = []
ipv6_mode = ["blackhole"]
lookups: list[tuple] = []


def dual_stack_resolver(host, port, family=0, type=0, proto=0, flags=0):
    """The system resolver for a dual-stack name: IPv6 first, filtered by family like getaddrinfo."""
    lookups.append((host, port, family, type))
    return [info for info in ANSWER if family in (0, info[0])]


class StandInSocket:
    """A socket on a network whose IPv6 does not work: IPv4 connects, IPv6 never answers."""

    def __init__(self, family=socket.AF_INET, type=socket.SOCK_STREAM, proto=0):
        self.family, self.timeout = family, None

    def settimeout(self, timeout):
        self.timeout = timeout

    def connect(self, address):
        attempts.append(address[0])
        if self.family == socket.AF_INET:
            return
        if ipv6_mode[0] == "unreachable":
            raise OSError(errno.ENETUNREACH, "Network is unreachable")
        time.sleep(self.timeout)  # SYN sent, nothing comes back: the attempt waits out its timeout
        raise TimeoutError("timed out")

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


socket.getaddrinfo, socket.socket = dual_stack_resolver, StandInSocket
TIMEOUT = scaled(10_000)  # requests' timeout=10 in the thread, 0.1 s here


def connect_timed(timeout=TIMEOUT):
    attempts.clear()
    started = time.monotonic()
    sock = socket.create_connection((HOST, PORT), timeout=timeout)
    return sock, time.monotonic() - started, list(attempts)


# 1. Before: every IPv6 address waits out the connect timeout before IPv4 is tried.
sock, before_s, before_tried = connect_timed()
assert sock.family == socket.AF_INET and before_tried == ["2606:4700::6810:1a22", "2606:4700::6810:1b22", "104.16.28.34"], before_tried
assert before_s >= 2 * TIMEOUT * 0.9, before_s  # 2 x 10 s lost per new connection at real scale

# A client that uses only the first address (or an IPv6-only attempt) fails outright: Errno 101.
ipv6_mode[0] = "unreachable"
first = socket.getaddrinfo(HOST, PORT, 0, socket.SOCK_STREAM)[0]
try:
    socket.socket(first[0], first[1], first[2]).connect(first[4])
    raise AssertionError("the IPv6 address connected on a network without IPv6")
except OSError as exc:
    first_only_error = str(exc)
assert first_only_error == "[Errno 101] Network is unreachable", first_only_error
assert has_ipv6_route() is False  # the diagnosis: no route for IPv6 on this network
ipv6_mode[0] = "blackhole"

# 2. The fix: the resolver's answers come IPv4 first; the same create_connection connects at once.
prefer_ipv4_resolution()
prefer_ipv4_resolution()  # idempotent: a second call does not wrap twice
sock, after_s, after_tried = connect_timed()
assert sock.family == socket.AF_INET and after_tried == ["104.16.28.34"], after_tried
assert after_s < TIMEOUT / 2, after_s
assert [info[4][0] for info in socket.getaddrinfo(HOST, PORT)] == [
    "104.16.28.34", "104.16.29.34", "2606:4700::6810:1a22", "2606:4700::6810:1b22"]
assert lookups[-1] == (HOST, PORT, 0, 0)  # the caller's arguments reach the real resolver

# 3. IPv6 stays the fallback: an IPv6-only answer and a family filter are left as they were.
ANSWER[:] = ANSWER[:2]
assert [info[0] for info in socket.getaddrinfo(HOST, PORT)] == [socket.AF_INET6] * 2
assert socket.getaddrinfo(HOST, PORT, socket.AF_INET) == []
assert ipv4_first([]) == []

record(
    before_s=round(before_s, 3),
    before_attempts=before_tried,
    after_s=round(after_s, 4),
    after_attempts=after_tried,
    first_address_only_error=first_only_error,
    connect_timeout_s=TIMEOUT,
)
