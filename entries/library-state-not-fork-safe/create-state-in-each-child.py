"""Create fork-unsafe library state (a DB connection or pool, a gRPC channel, a client) in each process."""

import os
import threading

# WRONG: the state is created in the parent, which then forks its workers (gunicorn --preload,
# uWSGI without lazy-apps, Celery prefork, multiprocessing 'fork', DataLoader workers):
#     engine = create_engine(URL); engine.connect()   # at import, or a start-up query
#     channel = grpc.insecure_channel(ADDR)           # a gRPC channel, a MongoClient, a Redis pool
# Every child gets a copy of the same socket and of the same TLS/protocol state: two processes
# write and read on one stream, so the server sees records out of sequence ("SSL error:
# decryption failed or bad record mac", "PGRES_TUPLES_OK and no message from the libpq") and
# replies reach the wrong process. Closing the inherited copy in the child is wrong too: it
# sends the library's goodbye on the shared socket and ends the parent's session.

_INHERITED = []  # copies made by a parent: kept referenced, never used or closed here


class PerProcess:
    """One resource per process, created on first use in that process.

    db = PerProcess(lambda: create_engine(URL))      # or a channel, a client, a connection
    db.get().execute(...)                             # in the parent and in every worker

    A forked child that calls get() sees another PID, sets the parent's copy aside without
    closing it (like SQLAlchemy's engine.dispose(close=False)) and builds its own. Call
    after_fork() from a worker hook to drop the copy at once: gunicorn post_fork(server, worker),
    Celery @worker_process_init.connect, Pool(initializer=...), DataLoader(worker_init_fn=...),
    uWSGI @postfork.
    """

    def __init__(self, factory):
        self._factory = factory
        self._pid = None
        self._value = None
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._reset_lock)

    def _reset_lock(self):
        self._lock = threading.Lock()  # a copy could be held by a parent thread that is gone

    def get(self):
        pid = os.getpid()
        if self._pid != pid:
            with self._lock:
                if self._pid != pid:
                    self.after_fork()
                    self._value = self._factory()
                    self._pid = pid
        return self._value

    def after_fork(self):
        """In a child: forget the parent's copy (no close: its socket is still the parent's)."""
        if self._value is not None and self._pid != os.getpid():
            _INHERITED.append(self._value)  # referenced, so no finalizer closes it either
            self._value, self._pid = None, None
