"""Bind a server only to an address this host owns; when the configured one is not, say which are."""

import errno
import ipaddress
import logging
import socket

# A listening address must belong to this host (or to this container's network namespace):
#     ip -br addr        hostname -I        (macOS: ifconfig; Windows: ipconfig)
# A public/elastic IP behind NAT, the host's LAN IP copied into a container, or a name that
# resolves to another machine fails with EADDRNOTAVAIL ([Errno 99] Cannot assign requested address).

WILDCARDS = {"", "0.0.0.0", "::"}
log = logging.getLogger(__name__)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class BindAddressError(OSError):
    """The configured listening address is not one of this host's."""


def ipv4_local(fib_trie: str) -> list[Network]:
    """This namespace's local IPv4 addresses (and loopback ranges) from /proc/net/fib_trie."""
    found: list[Network] = []
    leaf = ""
    for line in fib_trie.splitlines():
        text = line.strip()
        if text.startswith("|--"):
            leaf = text[3:].strip()
        elif text.startswith("/") and text.split()[-1] == "LOCAL":
            found.append(ipaddress.ip_network(leaf + text.split()[0], strict=False))
    return list(dict.fromkeys(found))  # the Main and Local tables repeat each address


def ipv6_local(if_inet6: str) -> list[Network]:
    """This namespace's IPv6 addresses from /proc/net/if_inet6 (32 hex digits per line)."""
    rows = [line.split()[0] for line in if_inet6.splitlines() if line.strip()]
    return [ipaddress.ip_network(int(row, 16).to_bytes(16, "big")) for row in rows]


def owned_networks() -> list[Network]:
    """What this host can bind (Linux); an empty list when /proc does not say (macOS, Windows)."""
    owned: list[Network] = []
    for path, parse in (("/proc/net/fib_trie", ipv4_local), ("/proc/net/if_inet6", ipv6_local)):
        try:
            with open(path, encoding="utf-8") as f:
                owned += parse(f.read())
        except OSError:
            pass
    return owned


def check_bind_host(host: str, owned: list[Network] | None = None, fallback: str | None = None) -> str:
    """host if this machine owns it (or it is a wildcard); else fallback, logged, when given;
    else BindAddressError naming the addresses it does own."""
    owned = owned_networks() if owned is None else owned
    if host in WILDCARDS or not owned:  # nothing to compare with: let bind() decide
        return host
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)  # a name: every address
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    if any(address in network for address in addresses for network in owned):
        return host
    message = _not_here(host, addresses, owned)
    if fallback is None:
        raise BindAddressError(errno.EADDRNOTAVAIL, message)
    log.warning("%s; listening on %s instead", message, fallback)
    return fallback


def listen_on(host: str, port: int, owned: list[Network] | None = None) -> socket.socket:
    """A listening TCP socket on host:port, refused with a clear message when host is not ours."""
    owned = owned_networks() if owned is None else owned
    host = check_bind_host(host, owned)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen()
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRNOTAVAIL:  # 99 Linux, 49 macOS, 10049 Windows
            raise BindAddressError(exc.errno, _not_here(host, set(), owned)) from exc
        raise
    return sock


def _not_here(host: str, addresses: set, owned: list[Network]) -> str:
    resolved = ", ".join(sorted(str(a) for a in addresses if str(a) != host))
    return (
        f"cannot listen on {host}{f' ({resolved})' if resolved else ''}: no interface of this host "
        f"has that address (this host has: {_listing(owned) or 'see ip -br addr / ifconfig'}). "
        "Listen on 0.0.0.0 or :: (all interfaces), 127.0.0.1 (this machine only) or one of these; "
        "a public or NAT address belongs to the router, and a container has its own addresses "
        "(publish the port instead)"
    )


def _listing(owned: list[Network]) -> str:
    """Each owned network once: 127.0.0.0/8 covers 127.0.0.1; a single address shown bare."""
    kept = [n for n in owned if not any(n != o and n.version == o.version and n.subnet_of(o) for o in owned)]
    return ", ".join(str(n.network_address) if n.prefixlen == n.max_prefixlen else str(n) for n in kept)
