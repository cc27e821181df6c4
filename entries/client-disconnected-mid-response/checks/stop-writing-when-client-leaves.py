"""An HTTP server on a Unix socket (the sandbox has no TCP) streams a 16 MiB response; a client
reads the first bytes and closes. The plain server prints socketserver's traceback with
BrokenPipeError / ConnectionResetError; the fixed one logs one debug line, prints nothing, and
serves the next client in full. Other errors are still printed; broadcast drops a closed peer."""

import contextlib
import http.server
import io
import logging
import socket
import socketserver
import tempfile
import threading

from errata_check import load_snippet, record

ns = load_snippet()
QuietClientDisconnects, send_or_stop = ns["QuietClientDisconnects"], ns["send_or_stop"]
CHUNK, CHUNKS = b"x" * 65536, 256
BODY = len(CHUNK) * CHUNKS  # 16 MiB: far more than the socket buffers hold
folder = tempfile.mkdtemp()


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} {record.getMessage()}")


records = Records()
logging.getLogger("server").addHandler(records)
logging.getLogger("server").setLevel(logging.DEBUG)


class PlainHandler(http.server.BaseHTTPRequestHandler):
    def address_string(self) -> str:
        return "unix-client"  # a Unix socket's client address is ''

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/fail":
            raise ValueError("a real bug in the handler")
        self.send_response(200)
        self.end_headers()
        for _ in range(CHUNKS):
            self.wfile.write(CHUNK)  # WRONG: as if the client always reads to the end


class FixedHandler(PlainHandler):
    def do_GET(self) -> None:
        if self.path == "/fail":
            raise ValueError("a real bug in the handler")
        self.send_response(200)
        self.end_headers()
        for _ in range(CHUNKS):
            if not send_or_stop(self, CHUNK):
                return


class PlainServer(socketserver.UnixStreamServer):
    pass


class FixedServer(QuietClientDisconnects, socketserver.UnixStreamServer):
    pass


def leave_early(path: str) -> int:
    """A browser that navigates away: read the first bytes, then close."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(10)
        client.connect(path)
        client.sendall(b"GET / HTTP/1.0\r\n\r\n")
        return len(client.recv(4096))


def read_all(path: str, target: str = "/") -> int:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(10)
        client.connect(path)
        client.sendall(f"GET {target} HTTP/1.0\r\n\r\n".encode())
        total = 0
        while data := client.recv(1 << 16):
            total += len(data)
        return total


def serve(server_class, handler_class, clients) -> tuple[str, list]:
    """Serve one request per client, in order; return stderr and what each client got."""
    path = tempfile.mktemp(suffix=".sock", dir=folder)
    stderr, results = io.StringIO(), []
    with server_class(path, handler_class) as server, contextlib.redirect_stderr(stderr):
        for client in clients:
            worker = threading.Thread(target=server.handle_request)
            worker.start()
            results.append(client(path))
            worker.join(20)
            assert not worker.is_alive(), "the server is stuck on a client that left"
    return stderr.getvalue(), results


# 1. The plain server prints socketserver's traceback for a client that left.
err, (got,) = serve(PlainServer, PlainHandler, [leave_early])
assert got > 0, got
assert "Exception occurred during processing of request from" in err, err
assert "BrokenPipeError: [Errno 32] Broken pipe" in err or "ConnectionResetError" in err, err
plain_error = next(line for line in err.splitlines() if line.startswith(("BrokenPipe", "ConnectionReset")))

# 2. The fixed server: one debug line, nothing printed, and the next client gets the whole body.
err, (_, full) = serve(FixedServer, FixedHandler, [leave_early, read_all])
assert err == "", err
assert len(records.lines) == 1 and records.lines[0].startswith("DEBUG client went away"), records.lines
assert full > BODY, full  # the body and its headers
fixed_log = records.lines[0]

# 3. The mixin alone (a handler that does not check its writes) still turns it into one line.
records.lines.clear()
err, (_, full_again) = serve(FixedServer, PlainHandler, [leave_early, read_all])
assert err == "" and len(records.lines) == 1, (err, records.lines)
assert full_again > BODY, full_again

# 4. A real bug is not swallowed: the traceback is still printed.
err, _ = serve(FixedServer, FixedHandler, [lambda path: read_all(path, "/fail")])
assert "ValueError: a real bug in the handler" in err, err

# 5. Broadcast to socket peers: the one that closed is dropped, the others still receive.
pairs = [socket.socketpair() for _ in range(3)]
peers = {server_end for server_end, _ in pairs}
pairs[1][1].close()  # this client went away
ns["broadcast"](peers, b"hello\n")
ns["broadcast"](peers, b"again\n")
assert pairs[1][0] not in peers and len(peers) == 2, peers
for index in (0, 2):
    assert pairs[index][1].recv(64) == b"hello\nagain\n"

record(plain_error=plain_error, fixed_log=fixed_log, next_client_bytes=full, peers_left=len(peers))
