"""Size every process's connection pool so that all of them together stay within PostgreSQL's
max_connections."""

# WRONG: the pool is sized for one process, and the deployment multiplies it:
#     engine = create_engine(url)   # QueuePool default: pool_size=5 + max_overflow=10 = 15
#     gunicorn -w 8 app:app         # x 8 workers x 2 replicas = 240 connections at peak
# against max_connections = 100: the 98th connection gets "FATAL: sorry, too many clients
# already" (or "remaining connection slots are reserved ..."), while no pool is over its size.


def pool_size_per_process(
    max_connections: int, processes: int, reserved: int = 3, other_clients: int = 0
) -> int:
    """RIGHT: the connections one process may hold, so that `processes` pools together fit the
    server. `reserved` is superuser_reserved_connections (+ reserved_connections on PostgreSQL
    16); `other_clients` counts migrations, cron jobs and admin sessions."""
    if processes < 1:
        raise ValueError("processes must be at least 1")
    budget = max_connections - reserved - other_clients
    per_process = budget // processes
    if per_process < 1:
        raise ValueError(
            f"{processes} processes cannot share {budget} connections: put a pooler such as "
            "PgBouncer in front, run fewer processes, or raise max_connections"
        )
    return per_process


def assert_pools_fit(
    processes: int, pool_size: int, max_overflow: int, max_connections: int, reserved: int = 3
) -> None:
    """Refuse to start with a configuration whose pools can exceed the server's limit."""
    peak = processes * (pool_size + max_overflow)
    if peak > max_connections - reserved:
        raise RuntimeError(
            f"{processes} processes x ({pool_size} + {max_overflow}) = {peak} connections at peak, "
            f"but the server accepts {max_connections - reserved}"
        )


# Usage at process start (SQLAlchemy; HikariCP: maximumPoolSize, node-postgres: max, asyncpg:
# max_size), with the process count from the deployment (WEB_CONCURRENCY x replicas):
#     size = pool_size_per_process(max_connections=100, processes=workers * replicas)
#     engine = create_engine(url, pool_size=size, max_overflow=0, pool_timeout=30)
#     assert_pools_fit(workers * replicas, size, 0, max_connections=100)
