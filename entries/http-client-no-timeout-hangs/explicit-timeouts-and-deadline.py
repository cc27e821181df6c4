"""Never wait on the network without a bound: a per-read timeout AND an overall deadline."""

import asyncio
import socket
import time

# WRONG: no timeout anywhere. If the server accepts the connection and then stalls (overloaded
# upstream, half-open TCP after a NAT drop, a proxy that never answers), the call waits forever.
#     requests.get(url)                        # requests has NO default timeout
#     urllib.request.urlopen(url)              # falls back to socket default: None = forever
#     sock.recv(65536)                         # blocks forever on a silent peer
#
# RIGHT in the common clients (connect timeout short, read timeout per read, plus a total):
#     requests.get(url, timeout=(3.05, 30))    # (connect, read) -> ConnectTimeout / ReadTimeout
#     httpx.Client(timeout=httpx.Timeout(30.0, connect=3.0))
#     aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60, sock_connect=3, sock_read=30))
#     urllib.request.urlopen(url, timeout=30)
#     fetch(url, { signal: AbortSignal.timeout(30_000) })   // Node 18+


def read_until_eof(sock: socket.socket, *, read_timeout: float = 30.0, deadline: float = 120.0) -> bytes:
    """Read a whole response. Each recv waits at most read_timeout (a stalled server), and the
    whole read at most deadline (a server trickling one byte at a time resets a per-read timeout
    forever). Raises TimeoutError (socket.timeout) on either."""
    give_up_at = time.monotonic() + deadline
    chunks = []
    while True:
        remaining = give_up_at - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"response not complete after {deadline}s deadline")
        sock.settimeout(min(read_timeout, remaining))
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


async def read_line_with_timeout(reader: asyncio.StreamReader, timeout: float = 30.0) -> bytes:
    """asyncio streams have no timeout of their own: bound every await that waits on a peer."""
    async with asyncio.timeout(timeout):  # Python 3.11+; asyncio.wait_for(..., timeout) before
        return await reader.readline()
