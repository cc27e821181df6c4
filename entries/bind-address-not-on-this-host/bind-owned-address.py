"""Listen only on an address this host owns (`ip -br addr`), else name the ones it has."""

import errno
import ipaddress
import socket


def ipv4_local(fib_trie: str) -> list:
    """Local IPv4 addresses (and loopback ranges) in /proc/net/fib_trie text."""
    found, leaf = [], ""
    for line in fib_trie.splitlines():
        text = line.strip()
        if text.startswith("|--"):
            leaf = text[3:].strip()
        elif text.endswith(" LOCAL"):  # "/32 host LOCAL" under its address
            found.append(ipaddress.ip_network(leaf + text.split()[0], strict=False))
    return list(dict.fromkeys(found))  # Main and Local tables repeat them


def ipv6_local(if_inet6: str) -> list:
    """IPv6 addresses in /proc/net/if_inet6 text (32 hex digits per line)."""
    return [ipaddress.ip_network(int(row[:32], 16).to_bytes(16, "big")) for row in if_inet6.split("\n") if row]


def owned_networks() -> list:
    """What this host (or container) can bind; [] without /proc."""
    owned = []
    for path, parse in (("/proc/net/fib_trie", ipv4_local), ("/proc/net/if_inet6", ipv6_local)):
        try:
            with open(path, encoding="utf-8") as f:
                owned += parse(f.read())
        except OSError:  # not Linux, or no IPv6
            pass
    return owned


def check_bind_host(host: str, owned: list | None = None) -> None:
    """OSError(EADDRNOTAVAIL) naming this host's addresses if host is not one."""
    owned = owned_networks() if owned is None else owned
    if host in ("", "0.0.0.0", "::") or not owned:
        return
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)  # a name: every address
    if not any(ipaddress.ip_address(i[4][0].split("%")[0]) in n for i in infos for n in owned):
        raise not_here(host, owned)


def listen_on(host: str, port: int, owned: list | None = None) -> socket.socket:
    """A listening TCP socket, or the clear error when host is not this host's."""
    owned = owned_networks() if owned is None else owned
    check_bind_host(host, owned)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen()
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRNOTAVAIL:  # 99 Linux, 49 macOS, 10049 Windows
            raise not_here(host, owned) from exc
        raise
    return sock


def not_here(host: str, owned: list) -> OSError:
    mine = ", ".join(str(n.network_address if n.prefixlen == n.max_prefixlen else n) for n in owned)
    return OSError(
        errno.EADDRNOTAVAIL,
        f"cannot listen on {host}: not an address of this host (it has: {mine or 'see ip -br addr'}); "
        "use 0.0.0.0 (all), 127.0.0.1 (local) or one of these; in Docker publish the port",
    )
