"""A module that must keep working in children forked from a threaded process: hold its lock
across fork() with os.register_at_fork, and drop what the child must not share."""

import os
import threading

# WRONG: a module-level lock that another thread may hold when some code calls os.fork() or
# starts a 'fork' multiprocessing worker: the child gets it locked, with no thread to release it.
#     _lock = threading.Lock()
#     def get_connection(key): with _lock: ...      # hangs forever in the child

_lock = threading.Lock()
_connections: dict = {}


def get_connection(key, connect):
    """The module's shared cache: one connection per key, created under the lock."""
    with _lock:
        if key not in _connections:
            _connections[key] = connect(key)
        return _connections[key]


def _after_fork_in_child() -> None:
    global _connections
    _connections = {}  # the parent's sockets are not the child's to share
    _lock.release()


# before runs in the forking thread just before fork(): it waits until no other thread is inside
# the lock and holds it, so the child starts from a consistent, unlocked state.
os.register_at_fork(
    before=_lock.acquire,
    after_in_parent=_lock.release,
    after_in_child=_after_fork_in_child,
)
