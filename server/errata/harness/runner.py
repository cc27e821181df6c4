"""The verification runner of a server process: a bounded, database-backed job queue.

Jobs live in the database, so every server process on it shares the work: each `Harness` runs
`verify_concurrency` workers that claim one job at a time under a lease, run it in a thread of
their own pool (sandbox runs are subprocesses: the thread only waits on pipes, so searches in
the event loop and the request threadpool never wait on it), and write each result in a short
transaction. A process that dies mid-job leaves a lease that expires; another process then
takes the job up again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .. import store
from ..config import Settings
from ..db import Database
from ..models import Job
from ..public import JobPublic, SnippetRunPublic
from .jobs import QueueFull, UnknownTarget, stale_snippets
from .verify import SandboxLike, SnippetResult, TargetKind, run_job, verify_entries

log = logging.getLogger("errata.harness")
SWEEP_SECONDS = 5.0  # how often an idle runner settles jobs that ended without a verdict


def make_sandbox(settings: Settings) -> SandboxLike | None:
    """The sandbox the settings ask for, self-tested; unavailable (never None) when it fails."""
    from .sandbox import Sandbox

    return Sandbox.from_settings(settings)


def _kill_own_runs() -> int:
    """SIGKILL the sandbox runs this process started; how many (cgroups load lazily)."""
    from .cgroups import kill_own_runs

    return kill_own_runs()


def lease_seconds_for(settings: Settings) -> float:
    """A lease outlasts one sandbox run (renewed before each), with room for its overhead."""
    return settings.verify_timeout_seconds * 2 + 30.0


class Harness:
    """Workers that claim verification jobs from the database and run them in the sandbox."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        targets: Mapping[str, TargetKind],
        sandbox: SandboxLike | None = None,
        *,
        poll_seconds: float = 1.0,
    ) -> None:
        self.settings = settings
        self.database = database
        self.targets = dict(targets)  # job kind -> how to load, record and settle its jobs
        self.sandbox = sandbox  # built (and self-tested) by start() or ensure_sandbox()
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.concurrency = max(1, settings.verify_concurrency)
        self.lease_seconds = lease_seconds_for(settings)
        self.poll_seconds = poll_seconds
        self.running = 0
        self._stopping = threading.Event()
        self._executor = ThreadPoolExecutor(self.concurrency, thread_name_prefix="errata-verify")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._workers: list[asyncio.Task[None]] = []
        self._next_sweep = 0.0

    # --- life cycle -----------------------------------------------------------------------

    def ensure_sandbox(self) -> SandboxLike | None:
        """Build and self-test the sandbox once (it reports itself unavailable on failure)."""
        if self.sandbox is None:
            self.sandbox = make_sandbox(self.settings)
        return self.sandbox

    async def start(self) -> None:
        """Start the workers (and queue stale snippets when `verify_on_start`)."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        await self._in_thread(self.ensure_sandbox)
        if self.settings.verify_on_start:
            queued = await self._in_thread(self.enqueue_stale)
            log.info("verify on start: %d jobs queued", len(queued))
        self._workers = [
            asyncio.create_task(self._work(), name=f"errata-verify-{i}")
            for i in range(self.concurrency)
        ]

    async def stop(self) -> None:
        """Stop the workers and kill their sandbox runs; a job cut short goes back to the queue."""
        self._stopping.set()
        busy = self.running > 0
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
        if busy:
            await asyncio.get_running_loop().run_in_executor(None, _kill_own_runs)
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def _in_thread(self, func: Any, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, func, *args)

    async def _work(self) -> None:
        assert self._wake is not None
        # Python 3.11's wait_for can swallow a cancel that lands as its inner wait finishes
        # (a wake-up during shutdown): asyncio.timeout does not, and the stop flag ends the
        # loop even then, so stop() never waits on a worker forever.
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                job = await self._claim_next()
            except Exception:
                log.exception("claiming a verification job failed; retrying")
                job = None
            if job is None:
                if self._sweep_due():
                    await self._in_thread(self.sweep)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.poll_seconds):
                        await self._wake.wait()
                continue
            await self._run(job)

    async def _claim_next(self) -> Job | None:
        """Claim a job in the pool; a claim that lands while the harness stops goes back to
        the queue (a cancel does not stop the thread that is claiming)."""
        future = asyncio.get_running_loop().run_in_executor(self._executor, self._claim)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            done = future.done() and not future.cancelled() and future.exception() is None
            if done and (job := future.result()) is not None:
                self._release(job)
            raise

    async def _run(self, job: Job) -> None:
        self.running += 1
        future = asyncio.get_running_loop().run_in_executor(self._executor, self.run_claimed, job)
        try:
            await asyncio.shield(future)
        except asyncio.CancelledError:
            # Shutting down: the sandbox run ends by its own timeout; hand the job back.
            self._release(job)
            raise
        except Exception:
            log.exception("verification job %s failed; its lease will expire", job.id)
        finally:
            self.running -= 1

    # --- the synchronous parts, run in the pool (or by the CLI) ---------------------------

    def _claim(self) -> Job | None:
        kinds = list(self.targets)
        with self.database.read() as session:
            if not store.has_claimable_job(session=session, kinds=kinds):
                return None
        with self.database.write() as session:
            job = store.claim_job(
                session=session, owner=self.owner, lease_seconds=self.lease_seconds, kinds=kinds
            )
        if job is not None and self._stopping.is_set():  # claimed after stop() began
            self._release(job)
            return None
        return job

    def _sweep_due(self) -> bool:
        now = time.monotonic()
        if now < self._next_sweep:
            return False
        self._next_sweep = now + SWEEP_SECONDS
        return True

    def sweep(self) -> int:
        """Let each job kind settle targets whose jobs ended without a verdict; how many."""
        settled = 0
        for kind, target in self.targets.items():
            if target.sweep is None:
                continue
            try:
                settled += target.sweep(self.database)
            except Exception:  # a database hiccup: the next sweep tries again
                log.exception("sweeping %s jobs failed", kind)
        return settled

    def run_claimed(self, job: Job) -> list[SnippetResult] | None:
        """Run one job this harness claimed."""
        return run_job(
            self.database,
            self.ensure_sandbox(),
            job,
            self.targets.get(job.kind),
            owner=self.owner,
            timeout=self.settings.verify_timeout_seconds,
            lease_seconds=self.lease_seconds,
            stopping=self._stopping.is_set,
        )

    def run_pending(self) -> int:
        """Claim and run jobs until none is left (synchronously); how many ran."""
        count = 0
        while (job := self._claim()) is not None:
            self.run_claimed(job)
            count += 1
        return count

    def _release(self, job: Job) -> None:
        try:
            with self.database.write() as session:
                store.release_job(session=session, job_id=job.id, owner=self.owner)
        except Exception:
            log.warning("could not hand job %s back; its lease will expire", job.id)

    # --- what interfaces call ------------------------------------------------------------

    def enqueue(
        self,
        kind: str,
        target_id: str,
        snippet_slugs: Sequence[str] = (),
        *,
        queue_limit: int | None = None,
    ) -> Job:
        """Queue a job and wake a worker; raises UnknownTarget or QueueFull.

        `queue_limit` (at most the configured queue size) caps the queue for this request.
        """
        limit = min(queue_limit or self.settings.verify_queue_size, self.settings.verify_queue_size)
        target = self.targets.get(kind)
        if target is None:
            raise UnknownTarget(f"no runner for jobs of kind {kind!r}")
        with self.database.write() as session:
            if target.load(session, target_id) is None:
                raise UnknownTarget(f"no {kind} with id {target_id!r}")
            job = store.enqueue_job(
                session=session,
                kind=kind,
                target_id=target_id,
                snippet_slugs=snippet_slugs,
                limit=limit,
            )
        if job is None:
            raise QueueFull(f"the verification queue is full ({limit} jobs); try again later")
        self.wake()
        return job

    def enqueue_stale(self) -> list[Job]:
        """Queue a job for every entry with stale or unverified snippets (until the queue fills)."""
        # Shipped records are re-run only where a sandbox can: elsewhere they stay shown.
        rerun = bool(self.sandbox is not None and self.sandbox.available)
        wanted = stale_snippets(self.database, rerun_records=rerun)
        jobs: list[Job] = []
        for entry_id, slugs in wanted.items():
            try:
                jobs.append(self.enqueue("entry", entry_id, slugs))
            except QueueFull:
                log.warning("verify on start: queue full, %d entries left", len(wanted) - len(jobs))
                break
            except UnknownTarget:
                continue
        return jobs

    def wake(self) -> None:
        """Tell idle workers a job was queued (callable from any thread)."""
        if self._loop is not None and self._wake is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    def job_status(self, job_id: str) -> JobPublic | None:
        """A job's state, with its per-snippet results once it is done; None when unknown."""
        with self.database.read() as session:
            job = store.get_job(session=session, job_id=job_id)
            if job is None:
                return None
            runs = store.job_runs(session=session, job=job) if job.status == "done" else []
        results = [SnippetRunPublic.model_validate(run) for run in runs]
        return JobPublic.model_validate(job).model_copy(update={"results": results})

    def describe(self) -> dict[str, Any]:
        """Verification availability and load, for `/api/health`."""
        sandbox = self.sandbox
        try:
            with self.database.read() as session:
                depth: int | None = store.queue_depth(session=session)
        except Exception:  # health reports the database itself
            depth = None
        return {
            "available": bool(sandbox is not None and sandbox.available),
            "reason": sandbox.reason if sandbox is not None else "the sandbox is starting",
            "sandbox_version": sandbox.version if sandbox is not None else "",
            "queue_depth": depth,
            "running": self.running,
            "concurrency": self.concurrency,
        }

    def verify_entries(
        self, entry_ids: Sequence[str], *, only_stale: bool = False, progress: Any = None
    ) -> dict[str, list[SnippetResult]]:
        """Verify entries synchronously in this process (the CLI), recording every run."""
        return verify_entries(
            self.database,
            self.ensure_sandbox(),
            entry_ids,
            only_stale=only_stale,
            timeout=self.settings.verify_timeout_seconds,
            concurrency=self.concurrency,
            progress=progress,
        )
