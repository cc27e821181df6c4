"""An upstream on a Unix socket (the sandbox has no TCP) keeps idle keep-alive connections
SERVER_IDLE seconds; past that the connection is gone for it, and a request written on it is
closed without a response (as a balancer or NAT that dropped the flow, or a FIN still in flight,
ends it). A client that reuses one http.client connection after a quiet period longer than that
fails every time with RemoteDisconnected; KeepAliveClient with a shorter max_idle opens a new
connection and succeeds every round; with a too-long max_idle its single retry on a new
connection still succeeds; a POST is not retried unless marked idempotent, nor a failure on a
new connection."""

import http.client
import os
import socket
import socketserver
import tempfile
import threading
import time

from errata_check import load_snippet, record

ns = load_snippet()
KeepAliveClient = ns["KeepAliveClient"]
SERVER_IDLE, GAP, ROUNDS = 0.15, 0.4, 3
folder = tempfile.mkdtemp()


class Upstream(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    answer_fresh = True

    def __init__(self, name: str) -> None:
        self.served: list[str] = []
        self.dropped = 0
        self.lock = threading.Lock()
        super().__init__(os.path.join(folder, name + ".sock"), KeepAliveHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


class KeepAliveHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        last, fresh = time.monotonic(), True
        while line := self.rfile.readline():
            if time.monotonic() - last > SERVER_IDLE or (fresh and not self.server.answer_fresh):
                with self.server.lock:
                    self.server.dropped += 1
                return  # gone upstream: closed without a response
            headers = {}
            while (header := self.rfile.readline()) not in (b"\r\n", b""):
                name, _, value = header.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            self.rfile.read(int(headers.get("content-length", 0)))
            with self.server.lock:
                self.server.served.append(line.split()[0].decode())
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            last, fresh = time.monotonic(), False


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("upstream", timeout=5)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def rounds(call) -> list[str]:
    """ROUNDS times: a call (it leaves a kept-alive connection), GAP of quiet, the call that
    counts; each outcome is 'ok' or the exception's type and text."""
    outcomes = []
    for _ in range(ROUNDS):
        call()
        time.sleep(GAP)
        try:
            call()
            outcomes.append("ok")
        except Exception as error:  # what the caller would see
            outcomes.append(f"{type(error).__name__}: {error}")
    return outcomes


# 1. WRONG: one connection kept and reused whatever its idle time (a requests.Session, no retry).
plain = Upstream("plain")
kept = {"conn": None}


def plain_get() -> int:
    if kept["conn"] is None:
        kept["conn"] = UnixHTTPConnection(plain.server_address)
    conn = kept["conn"]
    try:
        conn.request("GET", "/items")
        response = conn.getresponse()
        response.read()
        return response.status
    except Exception:
        conn.close()  # http.client reconnects on the next request
        raise


plain_outcomes = rounds(plain_get)
assert plain_outcomes == [plain_outcomes[0]] * ROUNDS, plain_outcomes
assert plain_outcomes[0].startswith("RemoteDisconnected: Remote end closed connection"), plain_outcomes
assert plain.dropped == ROUNDS

# 2. KeepAliveClient with max_idle below the upstream's idle timeout: a new connection each time.
fixed = Upstream("fixed")
client = KeepAliveClient(lambda: UnixHTTPConnection(fixed.server_address), max_idle=0.1)
fixed_outcomes = rounds(lambda: client.request("GET", "/items"))
assert fixed_outcomes == ["ok"] * ROUNDS, fixed_outcomes
assert fixed.dropped == 0 and client.expired == ROUNDS and client.retried == 0

# 3. max_idle too long (the server's timeout unknown): the one retry on a new connection works.
retried = Upstream("retried")
lenient = KeepAliveClient(lambda: UnixHTTPConnection(retried.server_address), max_idle=60)
retry_outcomes = rounds(lambda: lenient.request("GET", "/items"))
assert retry_outcomes == ["ok"] * ROUNDS, retry_outcomes
assert lenient.retried == ROUNDS and retried.dropped == ROUNDS
assert retried.served == ["GET"] * (2 * ROUNDS)

# 4. A POST on a stale connection is not sent twice; marked idempotent (a key) it is retried.
time.sleep(GAP)
try:
    lenient.request("POST", "/orders", body=b"{}")
    raise AssertionError("a POST on a stale connection was retried")
except ns["STALE"]:  # RemoteDisconnected, or BrokenPipeError while the body is written
    pass
lenient.request("GET", "/items")
time.sleep(GAP)
status, _ = lenient.request("POST", "/orders", b"{}", {"Idempotency-Key": "order-42"}, idempotent=True)
assert status == 200 and retried.served.count("POST") == 1

# 5. A failure on a new connection is not a stale keep-alive: no retry.
broken = Upstream("broken")
broken.answer_fresh = False
fresh = KeepAliveClient(lambda: UnixHTTPConnection(broken.server_address), max_idle=60)
try:
    fresh.request("GET", "/items")
    raise AssertionError("a failure on a new connection was retried")
except http.client.RemoteDisconnected:
    pass
assert broken.dropped == 1 and fresh.retried == 0

for server in (plain, fixed, retried, broken):
    server.shutdown()
    server.server_close()
record(
    plain_error=plain_outcomes[0],
    plain_failed_rounds=ROUNDS,
    fixed_ok_rounds=fixed_outcomes.count("ok"),
    fixed_expired_connections=client.expired,
    retry_ok_rounds=retry_outcomes.count("ok"),
    retried_requests=ROUNDS,
)
