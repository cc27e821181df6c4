"""Size the HTTP client's connection pool and the worker pool from one number, so every thread
gets back a kept-alive connection instead of paying a new TCP + TLS handshake per request."""

# WRONG: 32 threads share one requests.Session (or one boto3 client) whose pool keeps 10:
#     session = requests.Session()              # HTTPAdapter(pool_connections=10, pool_maxsize=10)
#     with ThreadPoolExecutor(max_workers=32) as executor:
#         executor.map(lambda url: session.get(url, timeout=10), urls)
# Every request succeeds, but whenever more than 10 are in flight the extra connections are
# opened, used once and closed on return with "WARNING:urllib3.connectionpool:Connection pool is
# full, discarding connection: api.example.com. Connection pool size: 10": one new handshake per
# discarded connection, and a socket left in TIME_WAIT. boto3 does the same with its default
# Config(max_pool_connections=10).


def http_pool_plan(threads: int, hosts: int = 1) -> dict:
    """RIGHT: one number sizes the executor and every HTTP pool its threads share."""
    if threads < 1 or hosts < 1:
        raise ValueError("threads and hosts must be at least 1")
    host_pools = max(hosts, 10)  # pools kept for distinct hosts (each holds up to `threads`)
    return {
        "max_workers": threads,  # ThreadPoolExecutor(max_workers=...)
        "requests": {"pool_connections": host_pools, "pool_maxsize": threads},  # HTTPAdapter
        "botocore": {"max_pool_connections": threads},  # botocore.config.Config
        "urllib3": {"num_pools": host_pools, "maxsize": threads},  # urllib3.PoolManager
    }


# Usage: one Session or client, created once, for all the threads.
#     import boto3, requests, urllib3
#     from botocore.config import Config
#     from requests.adapters import HTTPAdapter
#
#     THREADS = 32
#     plan = http_pool_plan(THREADS)
#     session = requests.Session()
#     session.mount("https://", HTTPAdapter(**plan["requests"]))
#     session.mount("http://", HTTPAdapter(**plan["requests"]))
#     s3 = boto3.client("s3", config=Config(**plan["botocore"]))
#     http = urllib3.PoolManager(**plan["urllib3"])
#     with ThreadPoolExecutor(max_workers=plan["max_workers"]) as executor:
#         list(executor.map(lambda url: session.get(url, timeout=10), urls))
# The other way round works too: keep the pool and run no more threads than it keeps
# (ThreadPoolExecutor(max_workers=10) for the default pools), or pass pool_block=True to
# HTTPAdapter so the extra threads wait for a kept connection instead of opening throwaway ones.
