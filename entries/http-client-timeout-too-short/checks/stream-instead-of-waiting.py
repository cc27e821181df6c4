"""A model server on a Unix socket (the sandbox has no TCP) that needs 1 s for a 10-token answer.
Asked without streaming, it sends nothing for 1 s and a 0.3 s read timeout cuts every attempt;
streamed, a token arrives every 0.1 s and the same 0.3 s timeout gets the whole answer. A
stream that never ends is stopped by the deadline."""

import http.client
import http.server
import json
import os
import socket
import socketserver
import tempfile
import threading
import time

from errata_check import load_snippet, record

TOKENS, EVERY = [f"t{i} " for i in range(10)], 0.1  # 1 s for the whole answer
SOCKET = os.path.join(tempfile.mkdtemp(), "llm.sock")
stop = threading.Event()


class Model(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked transfer encoding, as streaming APIs answer

    def address_string(self) -> str:
        return "unix-client"

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        try:
            self.stream(endless=self.path == "/endless") if body.get("stream") else self.whole()
        except OSError:
            pass  # the client gave up

    def whole(self) -> None:
        stop.wait(EVERY * len(TOKENS))  # nothing is sent until the last token is generated
        answer = json.dumps({"choices": [{"message": {"content": "".join(TOKENS)}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def stream(self, endless: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.chunk(b": keep-alive\n\n")
        sent = 0
        while (endless or sent < len(TOKENS)) and not stop.wait(EVERY):
            delta = {"choices": [{"delta": {"content": TOKENS[sent % len(TOKENS)]}}]}
            self.chunk(b"data: " + json.dumps(delta).encode() + b"\n\n")
            sent += 1
        self.chunk(b"data: [DONE]\n\n")
        self.chunk(b"")

    def chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class UnixSocket(socket.socket):
    """A Unix socket that ignores TCP-only options (http.client sets TCP_NODELAY)."""

    def setsockopt(self, level, option, value) -> None:
        if level != socket.IPPROTO_TCP:
            super().setsockopt(level, option, value)


def connection(timeout: float) -> http.client.HTTPConnection:
    """An HTTPConnection to the model over the Unix socket: `timeout` bounds every read."""
    conn = http.client.HTTPConnection("llm.local", timeout=timeout)

    def create_connection(address, timeout, source_address=None) -> socket.socket:
        sock = UnixSocket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(SOCKET)
        return sock

    conn._create_connection = create_connection
    return conn


server = Server(SOCKET, Model)
threading.Thread(target=server.serve_forever, daemon=True).start()
BODY = {"model": "local", "messages": [{"role": "user", "content": "write the report"}]}

# WRONG: wait for the whole 1 s answer with a 0.3 s read timeout: cut every time, at 0.3 s.
failed_after = []
for _ in range(2):
    conn = connection(timeout=0.3)
    started = time.monotonic()
    conn.request("POST", "/v1/chat/completions", body=json.dumps(BODY),
                 headers={"Content-Type": "application/json"})
    try:
        conn.getresponse().read()
        raise AssertionError("the whole answer arrived within the read timeout")
    except TimeoutError:
        failed_after.append(time.monotonic() - started)
    conn.close()
assert all(0.25 <= s < 0.6 for s in failed_after), failed_after

ns = load_snippet()
stream_completion, stream_events = ns["stream_completion"], ns["stream_events"]

# RIGHT: stream it; the same 0.3 s read timeout now only bounds the 0.1 s gaps between tokens.
conn = connection(timeout=0.3)
started = time.monotonic()
text = stream_completion(conn, "/v1/chat/completions", BODY, deadline=5)
streamed_s = time.monotonic() - started
conn.close()
assert text == "".join(TOKENS), text
assert streamed_s > 0.3 * 2, streamed_s  # far longer than the read timeout, and complete

# The deadline still bounds the whole answer: a stream that never ends stops after ~0.6 s.
conn = connection(timeout=0.3)
started = time.monotonic()
received = 0
try:
    for _event in stream_events(conn, "/endless", BODY, deadline=0.6):
        received += 1
    raise AssertionError("an endless stream ended")
except TimeoutError:
    endless_s = time.monotonic() - started
conn.close()
assert 0.55 <= endless_s < 1.5 and received >= 3, (endless_s, received)
stop.set()
server.shutdown()
server.server_close()
record(
    answer_takes_s=EVERY * len(TOKENS),
    read_timeout_s=0.3,
    unstreamed_failed_after_s=[round(s, 3) for s in failed_after],
    streamed_complete_after_s=round(streamed_s, 3),
    endless_stream_stopped_after_s=round(endless_s, 3),
)
