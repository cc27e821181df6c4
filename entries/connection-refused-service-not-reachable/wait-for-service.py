"""Connect to a database or service that may not be up yet: the right address, a bounded wait, a clear error."""

import os
import socket
import time

# "Connection refused" means the host answered and nothing listens on that port. Check, in order:
#  - is the service started at all?         (docker compose ps, systemctl status postgresql, ss -ltn)
#  - does it listen on this port/interface? (ss -ltnp: 127.0.0.1 only? ::1 only? another port?)
#  - inside a container, localhost is the container itself: use the compose service name (db:5432)
#  - did the app start before the service was ready? wait for it (below, or a compose healthcheck)

RETRYABLE = (ConnectionRefusedError, FileNotFoundError, ConnectionResetError, TimeoutError)


class ServiceUnreachable(ConnectionError):
    """Nothing accepted connections at the address before the deadline."""


def service_address(prefix: str, default_host: str, default_port: int) -> tuple[str, int]:
    """(host, port) from PREFIX_HOST / PREFIX_PORT, so a compose file can say DB_HOST=db."""
    host = os.environ.get(f"{prefix}_HOST", default_host)
    return host, int(os.environ.get(f"{prefix}_PORT", default_port))


def describe(address: tuple[str, int] | str) -> str:
    return address if isinstance(address, str) else f"{address[0]}:{address[1]}"


def connect_once(address: tuple[str, int] | str, timeout: float) -> socket.socket:
    """One connection attempt: TCP (host, port) or a Unix socket path (PostgreSQL, Docker, Redis)."""
    if isinstance(address, str):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except BaseException:
            sock.close()
            raise
        return sock
    return socket.create_connection(address, timeout=timeout)


def wait_for_service(address: tuple[str, int] | str, timeout: float = 30.0, interval: float = 0.2) -> None:
    """Return once something accepts connections at address; retry refusals until the deadline,
    then raise ServiceUnreachable naming the address. Other errors (an unknown host name, a
    permission error) are not a service that is still starting: they are raised at once."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            connect_once(address, timeout=max(0.1, min(2.0, deadline - time.monotonic()))).close()
            return
        except RETRYABLE as exc:
            if time.monotonic() + interval > deadline:
                raise ServiceUnreachable(
                    f"nothing accepts connections at {describe(address)} after {timeout:g}s "
                    f"(last error: {exc}); is the service running, on this host and port? "
                    "In a container, localhost is the container itself: use the service name"
                ) from exc
            time.sleep(interval)
        except OSError as exc:
            raise ServiceUnreachable(f"cannot connect to {describe(address)}: {exc}") from exc


# At start-up, before the first query:
#     host, port = service_address("DB", "localhost", 5432)   # DB_HOST=db in docker-compose.yml
#     wait_for_service((host, port), timeout=60)
#     engine = create_engine(f"postgresql://app@{host}:{port}/app")
