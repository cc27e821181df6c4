"""A host name answers with IPv6 (AAAA) and IPv4 (A) addresses, getaddrinfo lists IPv6 first, but
this machine, container or network has no working IPv6 route. socket.create_connection (used by
urllib, http.client, requests/urllib3 and httpx's sync transport) tries the addresses in that
order: each IPv6 address fails with [Errno 101] Network is unreachable or, when packets are
silently dropped, waits out the whole connect timeout before IPv4 is tried. `curl -4` works.

Order the resolver's answers IPv4 first for the whole process (the Python form of Node's
--dns-result-order=ipv4first), or fix the network's IPv6 (or /etc/gai.conf, see below).
"""

import socket

IPV4_FIRST_MARK = "_ipv4_first"


def ipv4_first(infos):
    """getaddrinfo() results with the IPv4 (AF_INET) entries first, the order within a family kept."""
    return sorted(infos, key=lambda info: info[0] != socket.AF_INET)


def prefer_ipv4_resolution():
    """Make every getaddrinfo() caller in this process (socket.create_connection, urllib3, httpx,
    asyncio's loop.getaddrinfo) receive IPv4 addresses first; IPv6 stays as the fallback, so a
    host with only AAAA records still works. Call once at start-up, before the first request."""
    resolve = socket.getaddrinfo
    if getattr(resolve, IPV4_FIRST_MARK, False):
        return

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        return ipv4_first(resolve(host, port, family, type, proto, flags))

    setattr(getaddrinfo, IPV4_FIRST_MARK, True)
    socket.getaddrinfo = getaddrinfo


def has_ipv6_route(probe=("2001:4860:4860::8888", 53)):
    """False when the kernel has no IPv6 route to the internet (ENETUNREACH, no IPv6 at all).

    A UDP connect sends no packet: it only picks a route. True does not prove packets get
    through (a firewall may drop them), but False explains every IPv6 connect failing."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.connect(probe)
    except OSError:
        return False
    return True


# At start-up, before the first request:
#   prefer_ipv4_resolution()
# Per client instead of process-wide:
#   aiohttp:  aiohttp.TCPConnector(family=socket.AF_INET)   (IPv4 only)
#   httpx:    httpx.Client(transport=httpx.HTTPTransport(local_address="0.0.0.0"))   (IPv4 only)
#   asyncio:  await asyncio.open_connection(host, port, happy_eyeballs_delay=0.25)   (races both)
# For every program on a glibc host, /etc/gai.conf:   precedence ::ffff:0:0/96  100
