"""Create the database pool (engine, client) once per process, share it, close it at exit."""

import atexit
import threading

# WRONG: a new pool, with its own connections, for every request or call:
#     @app.get("/orders/{order_id}")
#     def get_order(order_id):
#         engine = create_engine(DATABASE_URL)   # a whole new QueuePool per request
#         with engine.connect() as conn:         # the connection goes back to *that* pool,
#             return conn.execute(...).one()     # and stays open there, idle
# psycopg_pool.ConnectionPool(...), MongoClient(...) or redis.Redis(...) built inside a handler
# or helper do the same: each keeps its own idle connections (and background threads) until it
# is closed or garbage-collected, so the server's connection count grows with every request
# until "FATAL: sorry, too many clients already" / "Too many connections", while every pool is
# within its size and nothing is checked out.

_pool = None
_pool_lock = threading.Lock()


def get_pool():
    """RIGHT: the process's one pool, made on first use (in each worker, after a fork) and
    only once even when several threads ask for it at the same moment."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                # create_pool is your application's one factory, for example
                # lambda: create_engine(DATABASE_URL, pool_size=5, max_overflow=0)
                _pool = create_pool()
    return _pool


def close_pool():
    """Close the pool's connections: at shutdown (registered below) or in a test teardown."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        # SQLAlchemy engines: dispose(); psycopg_pool, MongoClient, redis: close()
        (getattr(pool, "dispose", None) or pool.close)()


atexit.register(close_pool)
