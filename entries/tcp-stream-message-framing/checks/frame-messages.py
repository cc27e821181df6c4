"""A stream socket has no message boundaries: two quick sends arrive in one recv (Extra data), a
big message arrives over several (Unterminated string, pickle data was truncated). Length
prefixes with a read-exactly loop, or newline-delimited JSON with a buffer, give back every
message whole, in order, however the bytes are cut; asyncio's readexactly and readline too.
Unix stream sockets stand in for TCP here (the sandbox has no TCP): both are byte streams."""

import asyncio
import json
import os
import pickle
import random
import socket
import tempfile
import threading

from errata_check import load_snippet, record


def error_of(action) -> str:
    try:
        action()
    except Exception as exc:  # the message is what the check compares
        return f"{type(exc).__name__}: {exc}"
    return ""


def in_background(action) -> threading.Thread:
    worker = threading.Thread(target=action, daemon=True)
    worker.start()
    return worker


def drain(sock: socket.socket, size: int) -> None:
    while size > 0:
        size -= len(sock.recv(min(size, 65536)))


BIG = {"type": "state", "text": "lorem ipsum " * 40_000}  # ~480 KB of JSON: many reads

# WRONG 1: two messages sent back to back are read by one recv as one text.
a, b = socket.socketpair()  # AF_UNIX, SOCK_STREAM
a.sendall(json.dumps({"type": "hello", "n": 1}).encode())
a.sendall(json.dumps({"type": "move", "n": 2}).encode())
glued = b.recv(4096)
extra = error_of(lambda: json.loads(glued))
assert extra == "JSONDecodeError: Extra data: line 1 column 26 (char 25)", extra

# WRONG 2: a big message is read in pieces; the first piece is not JSON.
raw = json.dumps(BIG).encode()
sender = in_background(lambda: a.sendall(raw))
first = b.recv(65536)
assert len(first) < len(raw)
cut = error_of(lambda: json.loads(first))
assert cut.startswith("JSONDecodeError: Unterminated string starting at: line 1 column"), cut
drain(b, len(raw) - len(first))
sender.join(10)

# WRONG 3: the same with pickle.
pickled = pickle.dumps({"image": os.urandom(300_000)})
sender = in_background(lambda: a.sendall(pickled))
first = b.recv(65536)
truncated = error_of(lambda: pickle.loads(first))
assert truncated == "UnpicklingError: pickle data was truncated", truncated
drain(b, len(pickled) - len(first))
sender.join(10)
a.close()
b.close()

ns = load_snippet()
send_message, recv_message = ns["send_message"], ns["recv_message"]
encode_message, IncompleteMessage = ns["encode_message"], ns["IncompleteMessage"]

# FIXED 1: the same two quick messages, framed: two messages.
a, b = socket.socketpair()
send_message(a, {"type": "hello", "n": 1})
send_message(a, {"type": "move", "n": 2})
assert recv_message(b) == {"type": "hello", "n": 1}
assert recv_message(b) == {"type": "move", "n": 2}

# FIXED 2: the big message comes back whole.
sender = in_background(lambda: send_message(a, BIG))
assert recv_message(b) == BIG
sender.join(10)

# FIXED 3: 200 messages whose bytes are cut at random places (as a slow network or a proxy
# delivers them), UTF-8 characters split too: every one, in order.
rng = random.Random(7)
messages = [{"seq": i, "text": "日本語 ✓ " * rng.randint(0, 300)} for i in range(200)]
wire = b"".join(encode_message(m) for m in messages)


def dribble(sock: socket.socket, data: bytes) -> None:
    at = 0
    while at < len(data):
        step = rng.randint(1, 3000)
        sock.sendall(data[at : at + step])
        at += step


sender = in_background(lambda: dribble(a, wire))
received = [recv_message(b) for _ in messages]
sender.join(10)
assert received == messages

# FIXED 4: a peer that leaves mid-message is reported, a clean close is the end.
frame = encode_message({"type": "state", "text": "x" * 1000})
a.sendall(frame[:600])
a.close()
partial = error_of(lambda: recv_message(b))
expected = f"IncompleteMessage: connection closed after 596 of {len(frame) - 4} bytes"
assert partial == expected, partial
b.close()
a, b = socket.socketpair()
send_message(a, {"last": True})
a.close()
assert recv_message(b) == {"last": True} and recv_message(b) is None
b.close()

# FIXED 5: newline-delimited JSON, read through a buffer, from the same cut-up delivery.
a, b = socket.socketpair()
lines = b"".join(json.dumps(m, ensure_ascii=False).encode() + b"\n" for m in messages)
sender = in_background(lambda: (dribble(a, lines), a.close()))
by_line = list(ns["JsonLineReader"](b))
sender.join(10)
assert by_line == messages
b.close()


# FIXED 6: asyncio streams on a Unix socket: read(65536) glues two writes, readexactly and
# readline (with a limit above the longest line) give each message whole.
async def exchange(read_all, write_all) -> list:
    """Run one connection: write_all on the client side, read_all(reader, out) on the server."""
    path = os.path.join(tempfile.mkdtemp(), "app.sock")
    out: list = []
    done = asyncio.Event()

    async def handle(reader, writer):
        try:
            await read_all(reader, out)
        finally:
            done.set()
            writer.close()

    server = await asyncio.start_unix_server(handle, path, limit=1 << 20)
    _, writer = await asyncio.open_unix_connection(path)
    await write_all(writer)
    writer.close()
    await writer.wait_closed()
    await asyncio.wait_for(done.wait(), 10)
    server.close()
    await server.wait_closed()
    return out


async def one_read(reader, out):
    out.append(await reader.read(65536))  # WRONG: one read taken as one message


async def two_writes(writer):
    writer.write(json.dumps({"type": "hello", "n": 1}).encode())
    writer.write(json.dumps({"type": "move", "n": 2}).encode())
    await writer.drain()


async def framed_reads(reader, out):
    while (msg := await ns["read_message"](reader)) is not None:
        out.append(msg)


async def framed_writes(writer):
    for msg in [*messages[:20], BIG]:
        await ns["write_message"](writer, msg)


async def line_reads(reader, out):
    while (msg := await ns["read_json_line"](reader)) is not None:
        out.append(msg)


async def line_writes(writer):
    for msg in [*messages[:20], BIG]:
        writer.write(json.dumps(msg).encode() + b"\n")
    await writer.drain()


async def main() -> tuple[str, list, list]:
    glued_read = (await exchange(one_read, two_writes))[0]
    wrong = error_of(lambda: json.loads(glued_read))
    framed = await exchange(framed_reads, framed_writes)
    return wrong, framed, await exchange(line_reads, line_writes)


async_wrong, async_framed, async_lines = asyncio.run(main())
assert async_wrong == "JSONDecodeError: Extra data: line 1 column 26 (char 25)", async_wrong
assert async_framed == [*messages[:20], BIG]
assert async_lines == [*messages[:20], BIG]

record(
    glued=extra,
    cut=cut,
    pickle=truncated,
    messages_cut_randomly=len(received),
    partial=partial,
    lines=len(by_line),
    asyncio_framed=len(async_framed),
)
