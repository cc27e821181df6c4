"""Frame each message on a TCP or Unix stream socket: a stream has no message boundaries."""

import asyncio
import json
import socket
import struct

# WRONG: one recv() (or one asyncio read(), or one protocol data_received call) taken as one
# message:
#     data = sock.recv(4096)
#     msg = json.loads(data)     # or pickle.loads(data)
# Two messages sent quickly arrive in one read: "Extra data: line 1 column 26 (char 25)".
# A message bigger than what one read returns is cut: "Unterminated string starting at",
# "Expecting ',' delimiter", "pickle data was truncated". Bigger buffers and sleeps between
# sends only make it rarer. The sender must mark where each message ends, and the reader must
# keep reading until it has a whole one.

HEADER = struct.Struct("!I")  # a 4-byte big-endian length before every message
MAX_MESSAGE = 64 * 1024 * 1024  # refuse a corrupt or hostile length instead of allocating it


class IncompleteMessage(ConnectionError):
    """The peer closed the connection part-way through a message."""


def encode_message(obj) -> bytes:
    """One frame: the length, then the JSON bytes."""
    body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return HEADER.pack(len(body)) + body


def send_message(sock: socket.socket, obj) -> None:
    sock.sendall(encode_message(obj))  # sendall, not send: send may write only a part


def recv_exactly(sock: socket.socket, size: int) -> bytes:
    """Exactly size bytes: recv returns whatever has arrived, from 1 byte up to its argument."""
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(min(size - len(chunks), 1 << 20))
        if not chunk:
            raise IncompleteMessage(f"connection closed after {len(chunks)} of {size} bytes")
        chunks += chunk
    return bytes(chunks)


def recv_message(sock: socket.socket):
    """The next whole message, or None when the peer closed cleanly between messages."""
    first = sock.recv(HEADER.size)
    if not first:
        return None
    header = first + recv_exactly(sock, HEADER.size - len(first))
    (size,) = HEADER.unpack(header)
    if size > MAX_MESSAGE:
        raise ValueError(f"message length {size} exceeds {MAX_MESSAGE}: not this protocol?")
    return json.loads(recv_exactly(sock, size))


async def write_message(writer: asyncio.StreamWriter, obj) -> None:
    writer.write(encode_message(obj))
    await writer.drain()


async def read_message(reader: asyncio.StreamReader):
    """asyncio: readexactly waits for the whole frame (IncompleteReadError if the peer left)."""
    try:
        header = await reader.readexactly(HEADER.size)
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            return None  # closed cleanly between messages
        raise
    (size,) = HEADER.unpack(header)
    if size > MAX_MESSAGE:
        raise ValueError(f"message length {size} exceeds {MAX_MESSAGE}: not this protocol?")
    return json.loads(await reader.readexactly(size))


# Newline-delimited JSON (one compact document per line: json.dumps never writes a raw
# newline) when the peer already speaks it or a human should read the stream.


def send_json_line(sock: socket.socket, obj) -> None:
    sock.sendall(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")


class JsonLineReader:
    """Buffer what recv returns; hand out only complete lines, keep the rest for later."""

    def __init__(self, sock: socket.socket, max_line: int = MAX_MESSAGE) -> None:
        self._sock = sock
        self._buffer = bytearray()
        self._max_line = max_line

    def __iter__(self):
        while True:
            end = self._buffer.find(b"\n")
            while end < 0:
                if len(self._buffer) > self._max_line:
                    raise ValueError(f"no newline in {len(self._buffer)} bytes")
                chunk = self._sock.recv(65536)
                if not chunk:
                    if self._buffer.strip():
                        start = bytes(self._buffer[:60])
                        raise IncompleteMessage(f"closed inside a line: {start!r}")
                    return
                self._buffer += chunk
                end = self._buffer.find(b"\n")
            line = bytes(self._buffer[:end])
            del self._buffer[: end + 1]
            if line.strip():
                yield json.loads(line)  # decode whole lines: a UTF-8 character is never cut


async def read_json_line(reader: asyncio.StreamReader):
    """asyncio: readline buffers until b"\\n"; open the stream with limit= above the longest line
    (default 64 KiB, else "Separator is not found, and chunk exceed the limit")."""
    line = await reader.readline()
    if not line:
        return None
    if not line.endswith(b"\n"):
        raise IncompleteMessage(f"closed inside a line: {line[:60]!r}")
    return json.loads(line)
