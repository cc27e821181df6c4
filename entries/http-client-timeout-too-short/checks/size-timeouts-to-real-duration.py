"""A slow but healthy model server (0.5 s per completion) on a Unix socket (the sandbox has no
TCP). A client whose one timeout is 0.2 s fails every attempt after the same ~0.2 s while the
server logs each request completing at ~0.5 s; the timeouts sized from the measured durations
connect with the short timeout, read with the long one, and get every answer."""

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

DELAY = 0.5  # the server's real, healthy duration
SOCKET = os.path.join(tempfile.mkdtemp(), "llm.sock")
completed: list[float] = []  # the server's own log: how long each request took
logged = threading.Condition()


class SlowModel(http.server.BaseHTTPRequestHandler):
    def address_string(self) -> str:
        return "unix-client"

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        started = time.monotonic()
        prompt = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["prompt"]
        time.sleep(DELAY)  # generating: slow, but it finishes
        body = json.dumps({"choices": [{"text": f"answer to {prompt}"}]}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up before the answer was ready
        with logged:
            completed.append(time.monotonic() - started)
            logged.notify_all()


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


server = Server(SOCKET, SlowModel)
threading.Thread(target=server.serve_forever, daemon=True).start()
connect_timeouts: list[float] = []
opened: list[socket.socket] = []


class UnixSocket(socket.socket):
    """A Unix socket that ignores TCP-only options (http.client sets TCP_NODELAY)."""

    def setsockopt(self, level, option, value) -> None:
        if level != socket.IPPROTO_TCP:
            super().setsockopt(level, option, value)


def over_unix_socket(conn: http.client.HTTPConnection) -> http.client.HTTPConnection:
    """Route the connection's connect step to the Unix socket, keeping the timeout it is given."""

    def create_connection(address, timeout, source_address=None) -> socket.socket:
        connect_timeouts.append(timeout)
        sock = UnixSocket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(SOCKET)
        opened.append(sock)
        return sock

    conn._create_connection = create_connection
    return conn


def complete(conn: http.client.HTTPConnection, prompt: str) -> str:
    conn.request("POST", "/v1/completions", body=json.dumps({"prompt": prompt}),
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    assert response.status == 200, response.status
    return json.loads(response.read())["choices"][0]["text"]


def wait_for_log(count: int) -> None:
    with logged:
        assert logged.wait_for(lambda: len(completed) >= count, timeout=10), completed


# WRONG: one 0.2 s timeout (httpx's 5 s default, scaled) for a 0.5 s answer, retried 3 times.
failed_after: list[float] = []
for attempt in range(3):
    conn = over_unix_socket(http.client.HTTPConnection("llm.local", timeout=0.2))
    started = time.monotonic()
    try:
        complete(conn, f"attempt {attempt}")
        raise AssertionError("a 0.2 s read timeout outlasted a 0.5 s response")
    except TimeoutError:
        failed_after.append(time.monotonic() - started)
    conn.close()
assert all(0.15 <= s < 0.45 for s in failed_after), failed_after  # the same fixed limit each time
wait_for_log(3)  # ... while the server finished every one of them later
assert all(s >= DELAY for s in completed[:3]), completed

ns = load_snippet()
sized_timeouts, expected_llm_seconds = ns["sized_timeouts"], ns["expected_llm_seconds"]
hops_too_short, TimedHTTPConnection = ns["hops_too_short"], ns["TimedHTTPConnection"]

# RIGHT: size the read timeout from the measured durations; the connect timeout stays short.
timeouts = sized_timeouts(completed[:3], headroom=2.0, connect=0.2, floor=0.0)
assert timeouts.connect == 0.2 and 2 * DELAY <= timeouts.read < 2.0, timeouts
answers, took = [], []
for attempt in range(3):
    connect_timeouts.clear()
    conn = over_unix_socket(TimedHTTPConnection("llm.local", timeouts=timeouts))
    started = time.monotonic()
    answers.append(complete(conn, f"sized {attempt}"))
    took.append(time.monotonic() - started)
    assert connect_timeouts == [0.2]  # connecting used the short timeout ...
    assert abs(opened[-1].gettimeout() - timeouts.read) < 1e-6  # ... reading the long one
    conn.close()
assert answers == [f"answer to sized {i}" for i in range(3)], answers
assert all(DELAY <= s < timeouts.read for s in took), took

# The same sizing at real scale, and the hops in front of the client checked against it.
assert sized_timeouts([12.0, 31.5, 58.0]) == ns["Timeouts"](connect=5.0, read=116.0)
assert sized_timeouts([0.4]).read == 10.0  # the floor: never a hair-trigger read timeout
slowest = expected_llm_seconds(max_output_tokens=4000, tokens_per_second=40, first_token_seconds=5)
assert slowest == 105.0
short = hops_too_short({"httpx default": 5, "client read": 240, "nginx proxy_read_timeout": 60,
                        "gunicorn --timeout": 30, "undici headersTimeout": 300}, slowest)
assert short == ["httpx default: 5 s < 157.5 s", "nginx proxy_read_timeout: 60 s < 157.5 s",
                 "gunicorn --timeout: 30 s < 157.5 s"], short
assert hops_too_short({"client read": 240, "nginx proxy_read_timeout": 300}, slowest) == []
server.shutdown()
server.server_close()
record(
    server_takes_s=DELAY,
    short_timeout_failed_attempts=len(failed_after),
    short_timeout_failed_after_s=[round(s, 3) for s in failed_after],
    server_completed_them_after_s=[round(s, 3) for s in completed[:3]],
    sized_read_timeout_s=round(timeouts.read, 3),
    sized_answers=len(answers),
    sized_took_s=[round(s, 3) for s in took],
)
