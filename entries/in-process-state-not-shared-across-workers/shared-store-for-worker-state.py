"""Keep state that every worker must see in one shared store, not in the process's memory."""

import json
import os
import sqlite3
import time

# WRONG: module-level state in an app served by N processes (gunicorn -w 4, uvicorn --workers 4,
# uWSGI processes, several containers or replicas, Celery prefork children). Each process holds
# its own copy, so the answer depends on which worker takes the request:
#   sessions = {}                # login on worker 1, next request on worker 3: "session not found"
#   hits = defaultdict(int)      # a 5/minute limit lets 5 * N requests through
#   running = {}; lock = asyncio.Lock()   # two workers start the same job; cancel finds nothing
#   connections = []             # a broadcast reaches only the clients of the worker that sent it
# A threading.Lock, asyncio.Lock or multiprocessing.Lock created in the worker guards one process.


class SharedStore:
    """Sessions, counters, job claims, cancel flags and broadcasts in one SQLite file.

    A stand-in with Redis's semantics for one host: with several hosts or containers use Redis
    (SET key value EX ttl, INCR + EXPIRE, SET job NX, PUBLISH / SUBSCRIBE) or the database the
    app already has. Open one SharedStore per process, after the fork (in the worker).
    """

    def __init__(self, path, timeout=10.0):
        self.db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL);
            CREATE TABLE IF NOT EXISTS counters (
                key TEXT PRIMARY KEY, n INTEGER NOT NULL, expires REAL NOT NULL);
            CREATE TABLE IF NOT EXISTS claims (job TEXT PRIMARY KEY, owner TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS messages (
                id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, body TEXT NOT NULL);
            """
        )

    # Sessions, caches, job status: Redis SET key value EX ttl / GET key.
    def set(self, key, value, ttl=None):
        expires = time.time() + ttl if ttl else None
        self.db.execute(
            "INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)",
            (key, json.dumps(value), expires),
        )

    def get(self, key, default=None):
        row = self.db.execute("SELECT value, expires FROM kv WHERE key = ?", (key,)).fetchone()
        if row is None or (row[1] is not None and row[1] < time.time()):
            return default
        return json.loads(row[0])

    # Counters and rate limits: Redis INCR + EXPIRE. BEGIN IMMEDIATE makes the read and the
    # write one step for every process, so no increment is lost.
    def incr(self, key, window_s):
        """Add one to the counter of the current window; return the new count."""
        now = time.time()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute(
                "SELECT n, expires FROM counters WHERE key = ?", (key,)
            ).fetchone()
            n = 1 if row is None or row[1] <= now else row[0] + 1
            expires = now + window_s if n == 1 else row[1]
            self.db.execute(
                "INSERT OR REPLACE INTO counters (key, n, expires) VALUES (?, ?, ?)",
                (key, n, expires),
            )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return n

    def allow(self, key, limit, window_s):
        """True while `key` made at most `limit` requests in this window, across all workers."""
        return self.incr(key, window_s) <= limit

    # Run a job once: Redis SET job owner NX, or a unique constraint / row lock in the database.
    def claim(self, job, owner=None):
        """True for exactly one caller, in whichever process; the others must skip the job."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO claims (job, owner) VALUES (?, ?)",
            (job, str(owner or os.getpid())),
        )
        return cur.rowcount == 1

    def release(self, job):
        self.db.execute("DELETE FROM claims WHERE job = ?", (job,))

    def owner(self, job):
        row = self.db.execute("SELECT owner FROM claims WHERE job = ?", (job,)).fetchone()
        return row and row[0]

    # Cancel from any worker: the request sets a flag; the job, wherever it runs, checks it.
    def request_cancel(self, job):
        self.set(f"cancel:{job}", True)

    def cancel_requested(self, job):
        return bool(self.get(f"cancel:{job}", False))

    # Broadcasts: Redis PUBLISH / SUBSCRIBE (Socket.IO: client_manager=AsyncRedisManager(url)).
    # Every worker publishes here and delivers what it reads to the clients connected to it.
    def publish(self, channel, body):
        cur = self.db.execute(
            "INSERT INTO messages (channel, body) VALUES (?, ?)", (channel, json.dumps(body))
        )
        return cur.lastrowid

    def read(self, channel, after_id=0):
        """Messages on `channel` newer than `after_id`, as (id, body), oldest first."""
        rows = self.db.execute(
            "SELECT id, body FROM messages WHERE channel = ? AND id > ? ORDER BY id",
            (channel, after_id),
        ).fetchall()
        return [(row_id, json.loads(body)) for row_id, body in rows]


class LocalConnections:
    """The WebSocket clients of one worker, fed from the shared channel, not from its own list."""

    def __init__(self, store, channel):
        self.store, self.channel, self.last_id = store, channel, 0
        self.clients = {}  # client id -> send function (here: a list to append to)

    def connect(self, client_id, send):
        self.clients[client_id] = send

    def broadcast(self, body):
        self.store.publish(self.channel, body)  # every worker will deliver it, this one too

    def pump(self):
        """Deliver new messages to this worker's clients (a subscriber loop does this)."""
        for row_id, body in self.store.read(self.channel, self.last_id):
            for send in self.clients.values():
                send(body)
            self.last_id = row_id


# In the app:
#   store = SharedStore("/run/myapp/state.db")      # or redis.Redis.from_url(REDIS_URL)
#   store.set(f"session:{token}", {"user": "ada"}, ttl=3600)
#   if not store.allow(f"rate:{client_ip}", 5, 60): return 429
#   if store.claim("nightly-report"): run_report()  # once, whichever worker gets there first
# Socket.IO with several workers: a message queue (client_manager=socketio.RedisManager(url),
# Flask-SocketIO message_queue=url, @socket.io/redis-adapter) plus sticky sessions at the load
# balancer for long-polling, or clients restricted to the websocket transport.
