"""The sandbox's own addresses (read from /proc), real-format /proc text of a cloud VM and a
container, and a TCP bind where the sandbox allows one."""

import errno
import ipaddress
import os

from errata_check import load_snippet, record

ns = load_snippet()
check_bind_host, listen_on = ns["check_bind_host"], ns["listen_on"]
ipv4_local, ipv6_local, owned_networks = ns["ipv4_local"], ns["ipv6_local"], ns["owned_networks"]
assert errno.EADDRNOTAVAIL == 99 and os.strerror(99) == "Cannot assign requested address"


def refused(host: str, owned: list | None = None) -> str:
    try:
        check_bind_host(host, owned)
    except OSError as exc:
        assert exc.errno == errno.EADDRNOTAVAIL, exc
        return str(exc)
    raise AssertionError(f"{host} accepted")


# 1. This sandbox's own network namespace: loopback only (127.0.0.0/8 and ::1), read from /proc.
mine = owned_networks()
assert ipaddress.ip_network("127.0.0.0/8") in mine and ipaddress.ip_network("::1/128") in mine, mine
for host in ("127.0.0.1", "127.0.0.2", "::1", "0.0.0.0", "::", ""):
    check_bind_host(host)  # owned, in the loopback range, or a wildcard: no error
bare = str(OSError(errno.EADDRNOTAVAIL, os.strerror(errno.EADDRNOTAVAIL)))
assert bare == "[Errno 99] Cannot assign requested address"  # what bind() alone says: no address
message = refused("203.0.113.7")  # e.g. the public IP a cloud console shows
assert all(part in message for part in ("203.0.113.7", "it has: 127.0.0.0/8", "::1", "0.0.0.0")), message

# 2. A cloud VM (real /proc/net/fib_trie layout): eth0 has the private 172.31.5.20; the elastic
# IP 3.120.0.10 exists only in the provider's NAT, so binding it is refused, naming eth0's address.
VM_FIB_TRIE = """Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
     +-- 127.0.0.0/8 2 0 2
        +-- 127.0.0.0/31 1 0 0
           |-- 127.0.0.0
              /8 host LOCAL
           |-- 127.0.0.1
              /32 host LOCAL
        |-- 127.255.255.255
           /32 link BROADCAST
     +-- 172.31.0.0/20 2 0 2
        +-- 172.31.0.0/29 2 0 2
           |-- 172.31.0.0
              /20 link UNICAST
        |-- 172.31.5.20
           /32 host LOCAL
        |-- 172.31.15.255
           /32 link BROADCAST
Local:
  +-- 127.0.0.0/8 2 0 2
     |-- 127.0.0.1
        /32 host LOCAL
     |-- 172.31.5.20
        /32 host LOCAL
"""
VM_IF_INET6 = """00000000000000000000000000000001 01 80 10 80       lo
fe80000000000000042a1bfffe3c5d6e 02 40 20 80     eth0
"""
vm = ipv4_local(VM_FIB_TRIE) + ipv6_local(VM_IF_INET6)
expected = ["127.0.0.0/8", "127.0.0.1/32", "172.31.5.20/32", "::1/128", "fe80::42a:1bff:fe3c:5d6e/128"]
assert [str(n) for n in vm] == expected, vm
vm_message = refused("3.120.0.10", vm)
assert "it has: 127.0.0.0/8, 127.0.0.1, 172.31.5.20, ::1, fe80::42a:1bff:fe3c:5d6e)" in vm_message, vm_message
check_bind_host("172.31.5.20", vm)
assert "2001:db8::5" in refused("2001:db8::5", vm)  # an IPv6 address on a host with no global v6

# 3. A container (its own namespace): the host's LAN IP copied into its config is not its own.
CONTAINER_FIB_TRIE = """Local:
  +-- 127.0.0.0/8 2 0 2
     |-- 127.0.0.1
        /32 host LOCAL
  +-- 172.17.0.0/16 2 0 2
     |-- 172.17.0.2
        /32 host LOCAL
"""
container = ipv4_local(CONTAINER_FIB_TRIE)
assert "172.17.0.2" in refused("192.168.1.50", container)

# 4. listen_on refuses an address that is not ours before creating any socket (this sandbox would
# refuse the TCP socket itself with EACCES); where TCP exists, a real EADDRNOTAVAIL is explained too.
try:
    listen_on("203.0.113.7", 8080)
    raise AssertionError("listened on an address this host does not own")
except OSError as exc:
    assert exc.errno == errno.EADDRNOTAVAIL and "127.0.0.0/8" in str(exc), exc
tcp_tested = False
try:
    server = listen_on("127.0.0.1", 0)
except PermissionError as exc:  # the sandbox: socket(AF_INET) is not allowed at all
    assert exc.errno in (errno.EACCES, errno.EPERM), exc
else:
    assert server.getsockname()[1] > 0
    server.close()
    try:
        listen_on("203.0.113.7", 0, owned=[])  # no pre-check: the kernel's own EADDRNOTAVAIL
        raise AssertionError("bound an address this host does not own")
    except OSError as exc:
        cause = exc.__cause__
        assert "it has:" in str(exc) and isinstance(cause, OSError) and cause.errno == errno.EADDRNOTAVAIL
    tcp_tested = True

record(sandbox_owned=[str(n) for n in mine], elastic_ip_refused=True, tcp_tested=tcp_tested)
