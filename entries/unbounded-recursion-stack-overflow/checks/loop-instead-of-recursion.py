"""A reader that recurses per chunk, a resolver that recurses through imports and a recursive tree
walk raise RecursionError (a repeated line); the snippet's read_until and walk finish."""

import socket
import threading
import traceback

from errata_check import load_snippet, record


def naive_read_until(sock, delimiter, buffer=b""):
    if delimiter in buffer:
        return buffer.split(delimiter, 1)
    return naive_read_until(sock, delimiter, buffer + sock.recv(1))


def naive_resolve(name, imports, order):
    order.append(name)
    for child in imports[name]:
        naive_resolve(child, imports, order)
    return order


def naive_depth(tree):
    return 1 + max((naive_depth(child) for child in tree), default=0)


def send_later(sock, data, chunk):
    def run():
        for start in range(0, len(data), chunk):
            sock.sendall(data[start:start + chunk])
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def frames_of(action, name: str) -> int:
    """How many frames of `name` the RecursionError's traceback holds."""
    try:
        action()
    except RecursionError as error:
        assert "maximum recursion depth exceeded" in str(error), error
        return sum(frame.name == name for frame in traceback.extract_tb(error.__traceback__))
    raise AssertionError("no RecursionError")


message = b"x" * 5000 + b"\r\n" + b"rest"
left, right = socket.socketpair()
left.sendall(message)  # already buffered: the naive reader takes it one byte per call
read_frames = frames_of(lambda: naive_read_until(right, b"\r\n"), "naive_read_until")
left.close()
right.close()

imports = {"base": ["common"], "common": ["base", "fonts"], "fonts": []}  # base -> common -> base
resolve_frames = frames_of(lambda: naive_resolve("base", imports, []), "naive_resolve")
deep = []
for _ in range(5000):
    deep = [deep]
depth_frames = frames_of(lambda: naive_depth(deep), "naive_depth")
assert min(read_frames, resolve_frames, depth_frames) > 200, (read_frames, resolve_frames, depth_frames)

ns = load_snippet()
left, right = socket.socketpair()
sender = send_later(left, message, 7)
body, rest = ns["read_until"](right, b"\r\n")
sender.join()
assert body == b"x" * 5000 and b"rest".startswith(rest)
while len(rest) < 4:  # the reader may have stopped before the last chunk came in
    rest += right.recv(4 - len(rest))
assert rest == b"rest"
left.sendall(b"second\r\n")
assert ns["read_until"](right, b"\r\n") == (b"second", b"")
left.close()
try:
    ns["read_until"](right, b"\r\n")
    raise AssertionError("a closed peer was not reported")
except ConnectionError:
    pass
right.close()

assert list(ns["walk"]("base", imports.__getitem__)) == ["base", "common", "fonts"]
nodes = {id(deep): deep}
def children(key):
    for child in nodes[key]:
        nodes[id(child)] = child
        yield id(child)
assert sum(1 for _ in ns["walk"](id(deep), children)) == 5001
record(read_frames=read_frames, resolve_frames=resolve_frames, depth_frames=depth_frames)
