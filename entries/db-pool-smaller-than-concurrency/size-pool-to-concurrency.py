"""Size the connection pool from the real concurrency, and keep every process's pools within
what the database server accepts."""

# WRONG: 32 worker threads (or 4 uvicorn workers x 40 concurrent requests) share an engine
# created with the defaults:
#     engine = create_engine(url)          # QueuePool: pool_size=5, max_overflow=10
#     executor = ThreadPoolExecutor(max_workers=32)
# At peak 32 workers want a connection at once; 15 get one and the rest wait pool_timeout
# (30 s) and fail with "QueuePool limit of size 5 overflow 10 reached" although no connection
# leaks and every query is short. Raising pool_size blindly instead (100 per process x 8
# processes) moves the failure to the server: "FATAL: sorry, too many clients already".


def pool_settings(concurrency: int, processes: int, max_connections: int, reserved: int = 3) -> dict:
    """RIGHT: one connection for every worker of a process that can run a query at the same
    time, and refuse a plan whose pools, over all processes, exceed the server's limit."""
    if concurrency < 1 or processes < 1:
        raise ValueError("concurrency and processes must be at least 1")
    needed = concurrency * processes
    budget = max_connections - reserved
    if needed > budget:
        raise ValueError(
            f"{processes} processes x {concurrency} concurrent workers need {needed} connections "
            f"but the server accepts {budget}: bound the concurrency (a semaphore of the pool's "
            "size around database work) or put a pooler such as PgBouncer in front"
        )
    return {"pool_size": concurrency, "max_overflow": 0, "pool_timeout": 30}


# Usage (SQLAlchemy; HikariCP: maximumPoolSize, psycopg_pool: max_size, asyncpg: max_size):
#     settings = pool_settings(concurrency=32, processes=4, max_connections=200)
#     engine = create_engine(url, **settings)
#     executor = ThreadPoolExecutor(max_workers=32)   # the same number, from one constant
