"""Unix socket paths in a temp folder (the sandbox allows no TCP, not even loopback); TCP on
127.0.0.1 too where the check runs outside it. A refused connection without the address, a
bounded wait that gives up naming the address, and a server that starts late being waited for."""

import errno
import os
import socket
import tempfile
import threading
import time

from errata_check import load_snippet, record

ns = load_snippet()
wait_for_service, ServiceUnreachable = ns["wait_for_service"], ns["ServiceUnreachable"]
folder = tempfile.mkdtemp()


def listen_unix(path: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    sock.listen()
    return sock


def serve_once(server: socket.socket) -> None:
    conn, _ = server.accept()  # the readiness probe
    conn.close()
    conn, _ = server.accept()  # the application's connection
    conn.sendall(b"ready")
    conn.close()


def gives_up(address, timeout: float) -> tuple[str, float]:
    started = time.monotonic()
    try:
        wait_for_service(address, timeout=timeout, interval=0.05)
    except ServiceUnreachable as exc:
        return str(exc), time.monotonic() - started
    raise AssertionError(f"wait_for_service returned for {address} although nothing listens")


# 1. The service is down (its socket file left behind): the raw error names no address.
down = os.path.join(folder, "down.sock")
listen_unix(down).close()
client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    client.connect(down)
    raise AssertionError("connected to a closed server")
except ConnectionRefusedError as exc:
    naive_error = str(exc)
finally:
    client.close()
assert naive_error == "[Errno 111] Connection refused" and down not in naive_error, naive_error

# 2. Nothing listens: the bounded wait gives up at its deadline and names the address.
message, gave_up_s = gives_up(down, timeout=0.5)
assert down in message and "Connection refused" in message and 0.4 <= gave_up_s < 2.0, (message, gave_up_s)
missing = os.path.join(folder, "never-created.sock")
message, _ = gives_up(missing, timeout=0.3)
assert missing in message and "No such file" in message, message

# 3. The service starts late (a container still initialising): the wait returns once it listens.
late = os.path.join(folder, "late.sock")
ready = threading.Event()


def start_late() -> None:
    server = listen_unix(late)
    ready.set()
    serve_once(server)
    server.close()


timer = threading.Timer(0.4, start_late)
timer.start()
started = time.monotonic()
wait_for_service(late, timeout=10, interval=0.05)
waited_s = time.monotonic() - started
assert ready.is_set() and 0.3 <= waited_s < 5, waited_s
app = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
app.settimeout(5)
app.connect(late)
assert app.recv(16) == b"ready"
app.close()
timer.join(5)

# 4. Configuration from the environment: the compose file names the service.
os.environ["DB_HOST"] = "db"
assert ns["service_address"]("DB", "localhost", 5432) == ("db", 5432)

# 5. TCP on 127.0.0.1 where sockets other than AF_UNIX exist; in the sandbox socket() is refused,
#    which is no service still starting: the wait fails at once and names the address.
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    tcp_tested = True
except OSError as exc:
    assert exc.errno in (errno.EACCES, errno.EPERM), exc
    tcp_tested = False
if tcp_tested:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # now nothing listens on port
    message, _ = gives_up(("127.0.0.1", port), timeout=0.3)
    assert f"127.0.0.1:{port}" in message and "refused" in message, message
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    threading.Timer(0.3, lambda: (server.bind(("127.0.0.1", port)), server.listen())).start()
    wait_for_service(("127.0.0.1", port), timeout=10, interval=0.05)
    server.close()
else:
    message, fast_s = gives_up(("127.0.0.1", 9), timeout=30)
    assert "127.0.0.1:9" in message and fast_s < 1.0, (message, fast_s)

record(
    naive_error=naive_error,
    gave_up_after_s=round(gave_up_s, 2),
    late_server_waited_s=round(waited_s, 2),
    tcp_tested=tcp_tested,
)
