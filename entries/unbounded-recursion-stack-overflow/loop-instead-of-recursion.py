"""Recursion whose depth grows with the data runs out of stack: a reader that calls itself once
per chunk, a retry that calls itself once per failure, a walk of a graph with a cycle (a config
that imports itself, a parent whose child points back) or of very deep data.

WRONG:
    def read_until(sock, delimiter, buffer=b""):
        if delimiter in buffer: ...
        return read_until(sock, delimiter, buffer + sock.recv(4096))   # one frame per chunk
    def resolve(name):
        for child in imports[name]: resolve(child)                     # never ends on a cycle
    RecursionError: maximum recursion depth exceeded
    (the same one or two lines, then "[Previous line repeated 996 more times]")

RIGHT: loop, keep the work on an explicit stack, and remember what was visited.
Raising sys.setrecursionlimit only moves the crash (and can crash the interpreter itself).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Hashable, Iterable, Iterator


def read_until(sock: socket.socket, delimiter: bytes, max_bytes: int = 1 << 20) -> tuple[bytes, bytes]:
    """Read until `delimiter`: (the message before it, the bytes already read after it)."""
    buffer = bytearray()
    while True:
        found = buffer.find(delimiter)
        if found >= 0:
            return bytes(buffer[:found]), bytes(buffer[found + len(delimiter):])
        if len(buffer) > max_bytes:
            raise ValueError(f"no {delimiter!r} in the first {max_bytes} bytes")
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"the peer closed the connection before {delimiter!r}")
        buffer += chunk


def walk(root: Hashable, neighbours: Callable[[Hashable], Iterable[Hashable]]) -> Iterator[Hashable]:
    """Every node reachable from `root`, each once, depth first; cycles and depth are safe."""
    seen = {root}
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        for child in reversed(list(neighbours(node))):
            if child not in seen:
                seen.add(child)
                stack.append(child)
