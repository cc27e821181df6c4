"""AF_UNIX paths in a temp folder (no TCP in the sandbox): the EADDRINUSE cases and the fix."""

import errno
import os
import socket
import tempfile

from errata_check import load_snippet, record

ns = load_snippet()
bind_unix, bind_tcp = ns["bind_unix"], ns["bind_tcp"]
folder = tempfile.mkdtemp()


def naive_bind(path: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    sock.listen()
    return sock


def answers(path: str) -> bool:
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(1)
    try:
        client.connect(path)
        return True
    except OSError:
        return False
    finally:
        client.close()


# 1. A second server on the address of a live one: the same error as TCP, and the fix refuses too.
live_path = os.path.join(folder, "live.sock")
live = naive_bind(live_path)
try:
    naive_bind(live_path)
    raise AssertionError("second bind succeeded")
except OSError as exc:
    assert exc.errno == errno.EADDRINUSE and str(exc) == "[Errno 98] Address already in use", exc
try:
    bind_unix(live_path)
    raise AssertionError("stole a live server's address")
except OSError as exc:
    assert exc.errno == errno.EADDRINUSE and "running server" in str(exc), exc
assert answers(live_path), "the live server lost its address"
live.close()

# 2. A stale socket file after a crash (closed, never unlinked): naive bind fails, bind_unix recovers.
stale_path = os.path.join(folder, "stale.sock")
naive_bind(stale_path).close()
assert os.path.exists(stale_path) and not answers(stale_path)
stale_error = None
try:
    naive_bind(stale_path)
except OSError as exc:
    stale_error = exc.errno
assert stale_error == errno.EADDRINUSE
server = bind_unix(stale_path)
assert answers(stale_path)
server.close()

# 3. A regular file at the path is never deleted.
file_path = os.path.join(folder, "not-a-socket")
with open(file_path, "w", encoding="utf-8") as f:
    f.write("keep me")
try:
    bind_unix(file_path)
    raise AssertionError("bound over a regular file")
except OSError as exc:
    assert exc.errno == errno.EADDRINUSE and "not a socket" in str(exc)
with open(file_path, encoding="utf-8") as f:
    assert f.read() == "keep me"

# 4. TCP, only where loopback exists (the sandbox has no network): port 0 and SO_REUSEADDR.
tcp_tested = False
try:
    first = bind_tcp("127.0.0.1", 0)
except OSError as exc:
    assert exc.errno in (errno.EADDRNOTAVAIL, errno.ENETUNREACH, errno.EPERM, errno.EACCES), exc
else:
    port = first.getsockname()[1]
    assert port > 0 and first.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
    try:
        bind_tcp("127.0.0.1", port)
        raise AssertionError("two live listeners on one port")
    except OSError as exc:
        assert exc.errno == errno.EADDRINUSE
    first.close()
    tcp_tested = True

record(live_address_refused=True, stale_socket_recovered=True, regular_file_kept=True, tcp_tested=tcp_tested)
