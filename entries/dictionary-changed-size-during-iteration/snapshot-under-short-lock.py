"""Iterate a snapshot taken under a short lock; mutate shared state only under that lock."""

import threading

# WRONG: iterating the live dict while another thread, task or the loop body changes it.
#     for sid, session in sessions.items():
#         deliver(session, message)        # meanwhile another thread adds a session
#     -> RuntimeError: dictionary changed size during iteration
#     for sid, session in sessions.items():
#         if expired(session): del sessions[sid]   # same error, single-threaded


class SessionRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, dict] = {}

    def add(self, sid: str, session: dict) -> None:
        with self._lock:
            self._sessions[sid] = session

    def remove(self, sid: str) -> None:
        with self._lock:
            self._sessions.pop(sid, None)

    def snapshot(self) -> list[tuple[str, dict]]:
        """A copy made under the lock; the lock is held for the copy only, not the work."""
        with self._lock:
            return list(self._sessions.items())

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def broadcast(self, message: str) -> int:
        """Slow per-session work runs on the snapshot, outside the lock."""
        sent = 0
        for _sid, session in self.snapshot():
            deliver(session, message)
            sent += 1
        return sent

    async def broadcast_async(self, message: str) -> int:
        """In asyncio every await lets other tasks change the dict: iterate a snapshot too."""
        sent = 0
        for _sid, session in self.snapshot():
            await deliver_async(session, message)
            sent += 1
        return sent

    def expire(self, now: float, ttl: float) -> list[str]:
        """Decide on a snapshot, then remove; never delete from the dict being iterated."""
        expired = [sid for sid, s in self.snapshot() if now - s["last_seen"] > ttl]
        for sid in expired:
            self.remove(sid)
        return expired
