"""redis-py: one client per process, on a BlockingConnectionPool. redis-py's plain ConnectionPool
(what redis.Redis(max_connections=N) builds) raises ConnectionError("Too many connections") the
moment an N+1th caller needs a connection, instead of waiting for one; a client made per request
or per task opens connections of its own until the server answers
"max number of clients reached". Share one client and let callers queue for its N connections."""

import os
import threading

import redis

REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
# Per process: keep processes x REDIS_MAX_CONNECTIONS under the server's maxclients.
REDIS_MAX_CONNECTIONS = int(os.environ.get("REDIS_MAX_CONNECTIONS", "20"))
# How long a caller waits for a free connection before ConnectionError("No connection available.")
REDIS_POOL_TIMEOUT = float(os.environ.get("REDIS_POOL_TIMEOUT", "5"))

_client: "redis.Redis | None" = None
_client_lock = threading.Lock()


def get_redis() -> "redis.Redis":
    """The process's one client, made on first use. Call it inside each request or task; never
    build redis.Redis(...) there. (After a fork redis-py's pool opens fresh connections by
    itself.)"""
    global _client
    if _client is None:
        with _client_lock:
            if _client is None:
                pool = redis.BlockingConnectionPool.from_url(
                    REDIS_URL,
                    max_connections=REDIS_MAX_CONNECTIONS,
                    timeout=REDIS_POOL_TIMEOUT,  # wait up to this long, then fail loudly
                )
                _client = redis.Redis(connection_pool=pool)
    return _client


def close_redis() -> None:
    """At shutdown: close the pool's connections (a pool passed in is not closed by the client)."""
    global _client
    with _client_lock:
        if _client is not None:
            _client.connection_pool.disconnect()
            _client = None


# asyncio (redis.asyncio): the same, once per event loop / process:
#   pool = redis.asyncio.BlockingConnectionPool.from_url(url, max_connections=20, timeout=5)
#   client = redis.asyncio.Redis(connection_pool=pool)   # created in the app's lifespan
# and bound the fan-out itself: asyncio.Semaphore(20) around the gather()ed commands, or a
# pipeline for many keys, so 1,000 tasks do not all hold a connection at once.
