"""Bind without 'Address already in use': reuse TIME_WAIT ports, pick free ports in tests, clear stale Unix sockets."""

import errno
import os
import socket
import stat

# Before changing code, find who holds the address (it is usually a second copy of your server:
# a reloader parent, an old container, a test run still alive):
#     ss -ltnp 'sport = :8000'      lsof -iTCP:8000 -sTCP:LISTEN      (Windows: netstat -ano | findstr :8000)


def bind_tcp(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening TCP socket. SO_REUSEADDR lets a restarted server bind while connections of the
    previous process linger in TIME_WAIT (the default in most servers; plain socket() lacks it).
    port=0 asks the OS for a free port: use it in tests and parallel runs, then read the real port
    from sock.getsockname()[1]. It does NOT let two live servers share a port, and must not:
    EADDRINUSE with a live listener means stop the other process or choose another port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen()
    except BaseException:
        sock.close()
        raise
    return sock


def bind_unix(path: str) -> socket.socket:
    """A listening Unix-domain socket at path. A socket file left by a crashed server makes bind()
    fail with EADDRINUSE although nobody listens: remove it only if it is a socket AND no live
    server answers on it; never steal the address of a running server."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        try:
            sock.bind(path)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            if not stat.S_ISSOCK(os.lstat(path).st_mode):
                raise OSError(errno.EADDRINUSE, f"{path} exists and is not a socket") from exc
            if _listening(path):
                raise OSError(errno.EADDRINUSE, f"{path} is in use by a running server") from exc
            os.unlink(path)  # stale: left behind by a process that died without cleaning up
            sock.bind(path)
        sock.listen()
    except BaseException:
        sock.close()
        raise
    return sock


def _listening(path: str) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(path)
        return True
    except (ConnectionRefusedError, FileNotFoundError):
        return False
    finally:
        probe.close()
