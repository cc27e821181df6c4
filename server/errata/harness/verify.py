"""The synchronous core of verification: load a job's snippets, run each in the sandbox, record.

Every database touch is its own short unit of work; no session, transaction or lock is held
while a sandbox runs. Job targets are pluggable: a kind ("entry", "submission"...) names a
loader returning the snippets to run, the run column that keys their records, an optional
callback called in the transaction that finishes the job, and an optional sweep the runner
calls when idle. The kinds are passed to the `Harness` by whoever builds it (`make_harness`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from sqlmodel import Session

from .. import store
from ..db import Database
from ..models import Job, Snippet, snippet_hash
from .review import review
from .run_output import SandboxResult

log = logging.getLogger("errata.harness")


class SandboxLike(Protocol):
    """What the runner needs of `server.harness.sandbox.Sandbox`."""

    available: bool
    reason: str
    version: str

    def run(
        self, code: str, check_code: str | None, *, timeout: float, language: str = "python"
    ) -> SandboxResult: ...


@dataclass(frozen=True)
class SnippetTask:
    """One snippet to run with its check."""

    slug: str
    code: str
    check_code: str | None
    language: str = "python"
    kind: str = "published"
    corrects: str | None = None

    @property
    def code_hash(self) -> str:
        """The hash its record is keyed by."""
        return snippet_hash(self.code, self.check_code)

    def flags(self) -> list[dict[str, Any]]:
        """The static review's flags of the snippet and its check, as stored with the run."""
        return [flag.as_dict() for flag in review(self.code, self.check_code, self.language)]

    @classmethod
    def of(cls, snippet: Snippet) -> SnippetTask:
        """The task for a stored snippet."""
        return cls(
            slug=snippet.slug,
            code=snippet.code,
            check_code=snippet.check_code,
            language=snippet.language,
            kind=snippet.kind,
            corrects=snippet.corrects,
        )


@dataclass
class SnippetResult:
    """What one run gave: the fields of its verification record."""

    slug: str
    code_hash: str
    status: str
    error: str = ""
    exit_code: int | None = None
    duration_ms: float = 0.0
    figures: dict[str, Any] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""
    python_version: str = ""
    sandbox_version: str = ""
    flags: list[dict[str, Any]] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        """The run as JSON-ready data (output left out: it can be large)."""
        data = asdict(self)
        data.pop("stdout")
        data.pop("stderr")
        return data


def _record_fields(result: SnippetResult) -> dict[str, Any]:
    fields = asdict(result)
    fields["snippet_slug"] = fields.pop("slug")
    return fields


TargetLoader = Callable[[Session, str], list[SnippetTask] | None]
JobCallback = Callable[[Session, Job, list[SnippetResult]], None]
Sweep = Callable[[Database], int]


@dataclass(frozen=True)
class TargetKind:
    """How to run jobs of one kind: load returns None when the target does not exist."""

    load: TargetLoader
    run_column: str | None  # the VerificationRun column keyed by the target id; None: the
    # runs are not recorded, only handed to `on_done` (a contributor's trial run)
    on_done: JobCallback | None = None
    sweep: Sweep | None = None  # tidies targets whose jobs ended without a verdict


def _load_entry(session: Session, entry_id: str) -> list[SnippetTask] | None:
    if not store.entry_exists(session=session, entry_id=entry_id):
        return None
    return [SnippetTask.of(s) for s in store.snippets_to_verify(session=session, entry_id=entry_id)]


ENTRY_TARGET = TargetKind(load=_load_entry, run_column="entry_id")


def _unverified(task: SnippetTask, reason: str, sandbox_version: str = "") -> SnippetResult:
    return SnippetResult(
        slug=task.slug,
        code_hash=task.code_hash,
        status="unverified",
        error=reason,
        sandbox_version=sandbox_version,
    )


def verify_snippet(
    sandbox: SandboxLike | None, task: SnippetTask, *, timeout: float
) -> SnippetResult:
    """Run one snippet with its check in the sandbox (fail closed when it is unavailable),
    with the static review's flags of both."""
    result = _run_snippet(sandbox, task, timeout=timeout)
    result.flags = task.flags()
    return result


def _run_snippet(
    sandbox: SandboxLike | None, task: SnippetTask, *, timeout: float
) -> SnippetResult:
    from .runtimes import UnknownLanguage
    from .sandbox import SandboxUnavailable

    if sandbox is None or not sandbox.available:
        reason = sandbox.reason if sandbox is not None else "no sandbox"
        return _unverified(task, f"verification unavailable: {reason}")
    try:
        result = sandbox.run(task.code, task.check_code, timeout=timeout, language=task.language)
    except UnknownLanguage as exc:
        return _unverified(task, str(exc))
    except SandboxUnavailable as exc:
        return _unverified(task, f"verification unavailable: {exc}", sandbox.version)
    except Exception as exc:  # a harness fault is recorded as such, never raised into a worker
        log.exception("sandbox run of %s failed", task.slug)
        return SnippetResult(
            slug=task.slug,
            code_hash=task.code_hash,
            status="error",
            error=f"harness error: {type(exc).__name__}: {exc}",
            sandbox_version=sandbox.version,
        )
    return SnippetResult(
        slug=task.slug,
        code_hash=task.code_hash,
        status=result.status,
        error=result.error or "",
        exit_code=result.exit_code,
        duration_ms=float(result.duration_ms),
        figures=dict(result.figures or {}),
        stdout=result.stdout or "",
        stderr=result.stderr or "",
        python_version=result.python_version,
        sandbox_version=result.sandbox_version or sandbox.version,
    )


def record(database: Database, column: str, target_id: str, result: SnippetResult) -> None:
    """Write one run as a verification record, in its own short transaction."""
    with database.write() as session:
        store.record_run(session=session, **{column: target_id}, **_record_fields(result))


def _finish(database: Database, job: Job, owner: str, status: str, error: str = "") -> Job | None:
    with database.write() as session:
        return store.finish_job(
            session=session, job_id=job.id, owner=owner, status=status, error=error
        )


def run_job(
    database: Database,
    sandbox: SandboxLike | None,
    job: Job,
    target: TargetKind | None,
    *,
    owner: str,
    timeout: float,
    lease_seconds: float,
    stopping: Callable[[], bool] = lambda: False,
) -> list[SnippetResult] | None:
    """Run a claimed job to the end; None when its lease was lost or the runner is stopping.

    A run cut short because the runner is stopping is not recorded (it says nothing about
    the snippet); the job goes back to the queue.
    """
    if target is None:
        _finish(database, job, owner, "error", f"no runner for jobs of kind {job.kind!r}")
        return None
    with database.read() as session:
        tasks = target.load(session, job.target_id)
    if tasks is None:
        _finish(database, job, owner, "error", f"no {job.kind} with id {job.target_id!r}")
        return None
    wanted = set(job.snippet_slugs)
    results: list[SnippetResult] = []
    for task in tasks:
        if wanted and task.slug not in wanted:
            continue
        with database.write() as session:
            kept = store.renew_lease(
                session=session, job_id=job.id, owner=owner, lease_seconds=lease_seconds
            )
        if not kept:
            log.warning("job %s: lease lost to another process", job.id)
            return None
        result = verify_snippet(sandbox, task, timeout=timeout)
        if stopping():
            return None
        if target.run_column is not None:
            record(database, target.run_column, job.target_id, result)
        results.append(result)
    with database.write() as session:
        finished = store.finish_job(session=session, job_id=job.id, owner=owner)
        if finished is not None and target.on_done is not None:
            target.on_done(session, finished, results)
    return results


Progress = Callable[[int, int, str, SnippetResult], None]


def verify_entries(
    database: Database,
    sandbox: SandboxLike | None,
    entry_ids: Sequence[str],
    *,
    only_stale: bool,
    timeout: float,
    concurrency: int = 1,
    progress: Progress | None = None,
) -> dict[str, list[SnippetResult]]:
    """Verify entries in this process (the CLI): run, record, report progress as runs end."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    with database.read() as session:
        work = [
            (entry_id, SnippetTask.of(s))
            for entry_id in entry_ids
            for s in store.snippets_to_verify(
                session=session, entry_id=entry_id, only_stale=only_stale
            )
        ]

    def one(entry_id: str, task: SnippetTask) -> SnippetResult:
        result = verify_snippet(sandbox, task, timeout=timeout)
        record(database, "entry_id", entry_id, result)
        return result

    finished: dict[int, SnippetResult] = {}
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures = {pool.submit(one, entry_id, task): i for i, (entry_id, task) in enumerate(work)}
        for done, future in enumerate(as_completed(futures), start=1):
            i = futures[future]
            finished[i] = future.result()
            if progress is not None:
                progress(done, len(work), work[i][0], finished[i])
    results: dict[str, list[SnippetResult]] = {entry_id: [] for entry_id in entry_ids}
    for i, (entry_id, _task) in enumerate(work):
        results[entry_id].append(finished[i])
    return results
