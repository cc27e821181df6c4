"""One client for the application's life, closed at shutdown, or a with block around each use."""

import contextlib
import inspect

# WRONG: a client made per call (or at import) that nothing ever closes:
#     async def fetch(url):
#         session = aiohttp.ClientSession()      # "Unclosed client session" when collected
#         async with session.get(url) as resp:
#             return await resp.text()
#     def fetch(url):
#         return requests.Session().get(url).json()  # ResourceWarning: unclosed <ssl.SSLSocket ...>
# Each call leaves a pooled keep-alive connection to the garbage collector: warnings at exit or
# when collected, and one more open socket per call while anything still references the client.


async def close_client(client) -> None:
    """Close any client: aclose() (httpx, redis.asyncio), close() sync or async (aiohttp)."""
    close = getattr(client, "aclose", None) or client.close
    result = close()
    if inspect.isawaitable(result):
        await result


@contextlib.asynccontextmanager
async def client_lifespan(make_client):
    """Create one client at start-up and close it at shutdown, even when the body raised.

    FastAPI:   @asynccontextmanager
               async def lifespan(app):
                   async with client_lifespan(aiohttp.ClientSession) as app.state.http:
                       yield
               app = FastAPI(lifespan=lifespan)      # handlers use request.app.state.http
    aiohttp:   async def http_client(app):           # app.cleanup_ctx.append(http_client)
                   async with client_lifespan(aiohttp.ClientSession) as app["http"]:
                       yield
    A script:  async def main():
                   async with client_lifespan(httpx.AsyncClient) as client:
                       await asyncio.gather(*(work(client, item) for item in items))
    """
    client = make_client()
    try:
        yield client
    finally:
        await close_client(client)


@contextlib.contextmanager
def sync_client_lifespan(make_client):
    """The same for synchronous clients (requests.Session, httpx.Client, a socket, a DB driver)."""
    client = make_client()
    try:
        yield client
    finally:
        client.close()


# Where one client per application is not possible, close each client where it is made:
#     async with aiohttp.ClientSession() as session: ...
#     with requests.Session() as session: ...
#     with contextlib.closing(make_connection()) as conn: ...
# and never create a client inside a function called per request or per item.
