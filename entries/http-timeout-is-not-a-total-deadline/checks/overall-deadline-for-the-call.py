"""A server that trickles bytes keeps an http.client call with timeout=0.2 going for 1.5 s with
no error, and a slow resolver makes create_connection(timeout=0.2) wait 1 s: the timeout bounds
each read and the connect, not the call. get_with_deadline ends both at its deadline, and a
healthy server still answers. The server listens on a Unix socket (the sandbox has no TCP)."""

import http.client
import os
import socket
import tempfile
import threading
import time

from errata_check import load_snippet, record

SOCK = os.path.join(tempfile.mkdtemp(), "api.sock")
TRICKLE_FOR = 1.5  # seconds the /trickle body takes: one byte every 50 ms
stop = threading.Event()


def serve(conn: socket.socket) -> None:
    with conn:
        request = b""
        while b"\r\n\r\n" not in request:
            data = conn.recv(4096)
            if not data:
                return
            request += data
        path = request.split(b" ", 2)[1]
        if path == b"/ok":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nfine")
            return
        n = int(TRICKLE_FOR / 0.05)
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {n}\r\nConnection: close\r\n\r\n"
        try:
            conn.sendall(head.encode())
            for _ in range(n):  # every byte arrives well within any 0.2 s read timeout
                if stop.wait(0.05):
                    return
                conn.sendall(b".")
        except OSError:
            return  # the client went away


listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(SOCK)
listener.listen(16)


def accept_loop() -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


threading.Thread(target=accept_loop, daemon=True).start()


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client (what urllib3 and requests are built on) over the Unix socket."""

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)  # as urllib3 does: the read timeout, per recv
        self.sock.connect(SOCK)


# WRONG 1: timeout=0.2, yet the call takes the whole 1.5 s and raises nothing.
conn = UnixHTTPConnection("api.example.com", timeout=0.2)
t0 = time.monotonic()
conn.request("GET", "/trickle")
body = conn.getresponse().read()
trickle_call_s = time.monotonic() - t0
conn.close()
assert len(body) == int(TRICKLE_FOR / 0.05), len(body)
assert trickle_call_s >= TRICKLE_FOR - 0.1, trickle_call_s  # 7x its timeout, no error


# A resolver that takes 1 s to answer "no such name" (a dead DNS server, a search-domain
# walk): getaddrinfo runs before any socket exists, so no socket timeout applies to it.
def slow_getaddrinfo(host, *args, **kwargs):
    time.sleep(1.0)
    raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")


def healthy_getaddrinfo(host, port, *args, **kwargs):
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.10", port))]


socket.getaddrinfo = slow_getaddrinfo

# WRONG 2: create_connection with timeout=0.2 waits the resolver's full second.
t0 = time.monotonic()
try:
    socket.create_connection(("api.example.com", 443), timeout=0.2)
    raise AssertionError("resolved a name with no resolver")
except socket.gaierror as exc:
    dns_error = str(exc)
dns_call_s = time.monotonic() - t0
assert dns_call_s >= 0.95, dns_call_s


class StandInResponse:
    """What requests returns with stream=True: status_code, iter_content, a context manager."""

    def __init__(self, conn: http.client.HTTPConnection) -> None:
        self.conn = conn
        self.raw = conn.getresponse()
        self.status_code = self.raw.status

    def iter_content(self, chunk_size: int):
        return iter(lambda: self.raw.read1(chunk_size), b"")

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.conn.close()


class StandInSession:
    """requests.Session.get's timeout=(connect, read) semantics, over the Unix socket."""

    def __init__(self, host: str = "api.example.com") -> None:
        self.host = host

    def get(self, url: str, *, timeout, stream: bool):
        assert stream, "the body must be streamed to be read under the deadline"
        socket.getaddrinfo(self.host, 443)  # requests resolves the host before connecting
        conn = UnixHTTPConnection(self.host, timeout=timeout[1])
        conn.request("GET", url)
        return StandInResponse(conn)


ns = load_snippet()
get_with_deadline = ns["get_with_deadline"]
DeadlineExceeded = ns["DeadlineExceeded"]

# RIGHT 1: the slow resolver meets the deadline, not the other way round.
t0 = time.monotonic()
try:
    get_with_deadline(StandInSession(), "/ok", deadline=0.3, timeout=(0.2, 0.2))
    raise AssertionError("resolved a name with no resolver")
except DeadlineExceeded:
    dns_deadline_s = time.monotonic() - t0
assert 0.25 <= dns_deadline_s < 0.8, dns_deadline_s
socket.getaddrinfo = healthy_getaddrinfo  # the resolver answers again
time.sleep(0.8)  # let the abandoned resolver call finish

# RIGHT 2: the trickling body is cut at the deadline.
t0 = time.monotonic()
try:
    get_with_deadline(StandInSession(), "/trickle", deadline=0.5, timeout=(0.2, 0.2))
    raise AssertionError("the trickling body finished inside the deadline")
except DeadlineExceeded:
    trickle_deadline_s = time.monotonic() - t0
assert 0.45 <= trickle_deadline_s < 1.0, trickle_deadline_s
assert isinstance(DeadlineExceeded("x"), TimeoutError)

# The abandoned worker stops on its own: its reader gives up at the deadline too.
time.sleep(0.4)
workers = [t.name for t in threading.enumerate() if t.name == "deadline-worker"]
assert not workers, workers

# A healthy server still answers in full.
assert get_with_deadline(StandInSession(), "/ok", deadline=2, timeout=(0.5, 0.5)) == (200, b"fine")

stop.set()
listener.close()
record(
    read_timeout_s=0.2,
    trickle_call_without_deadline_s=round(trickle_call_s, 2),
    resolver_wait_with_timeout_02_s=round(dns_call_s, 2),
    resolver_error=dns_error,
    deadline_cut_resolver_at_s=round(dns_deadline_s, 2),
    deadline_cut_trickle_at_s=round(trickle_deadline_s, 2),
)
