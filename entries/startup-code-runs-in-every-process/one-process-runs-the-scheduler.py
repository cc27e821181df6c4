"""Run a scheduler in one process of many (gunicorn -w N, uvicorn --workers N, Celery children)."""

import fcntl
import os
import threading

# WRONG: every worker process imports the app (or runs its startup hook / lifespan), so start-up
# work there runs once per worker:
#   scheduler = BackgroundScheduler(); scheduler.add_job(send_report, "cron", hour=8)
#   scheduler.start()        # gunicorn -w 4: four schedulers, every report sent four times
# A threading.Lock, a module-level "started" flag or APScheduler's max_instances=1 cannot see the
# other processes: each has its own copy.

_HELD = []  # leaders of this process: a lock file that is garbage-collected is closed and freed


class JobLeader:
    """An exclusive lock on a file, held while this process runs the jobs; the OS frees it on exit."""

    def __init__(self, lock_path):
        self.lock_path = lock_path  # a local path shared by the workers of one host (not NFS)
        self._file = None

    def try_acquire(self):
        """Take the lock without waiting; True when this process owns the jobs."""
        if self._file is not None:
            return True
        lock_file = open(self.lock_path, "a+", encoding="utf-8")
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another process holds it
            lock_file.close()
            return False
        lock_file.seek(0)
        lock_file.truncate()
        lock_file.write(f"{os.getpid()}\n")  # who runs the jobs, for whoever looks
        lock_file.flush()
        self._file = lock_file  # keep it open: closing it (or exiting, or a crash) releases it
        _HELD.append(self)
        return True

    def release(self):
        """Give the jobs up (call it after the scheduler has shut down)."""
        if self._file is not None:
            self._file.close()
            self._file = None
            _HELD.remove(self)


def start_in_one_process(start, lock_path, *, retry_every=None, stop=None):
    """Call start() in the one process that takes the lock; the others stand by.

    With retry_every (seconds), a standby keeps trying in a daemon thread, so when the process
    running the jobs exits or is killed, another worker takes over. Set `stop` to end the standby.
    """
    leader = JobLeader(lock_path)
    if leader.try_acquire():
        start()
        return leader
    if retry_every:
        stop = stop or threading.Event()

        def standby():
            while not stop.wait(retry_every):
                if leader.try_acquire():
                    start()
                    return

        threading.Thread(target=standby, name="job-leader-standby", daemon=True).start()
    return leader


# In the app factory, lifespan or AppConfig.ready():
#   start_in_one_process(scheduler.start, "/run/myapp/scheduler.lock", retry_every=30)
# Across hosts or containers without a shared local disk, take the lock in the database instead
# (PostgreSQL: SELECT pg_try_advisory_lock(42) on a connection kept open), or run the scheduler as
# its own single process (a separate command or service, Celery beat), or start it in gunicorn's
# master with --preload / an on_starting hook (forked workers do not inherit its thread).
