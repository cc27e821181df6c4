"""The life of a submission: pending -> verifying -> a verdict -> decided.

The verdicts (server/verdicts.py): verified (every check passed), ran_without_error (some
snippet had no check), flagged (the static review found code that can tamper with its run: a
maintainer must look), failed, unverified (nothing ran).

A submission is validated (`submission.to_draft`), checked for a duplicate among existing
entries, stored, and queued for the sandboxed harness in the same transaction, so nothing
acknowledged is lost. When the sandbox is off or unavailable it is marked "unverified" and
nothing runs: contributed code never runs outside the sandbox. A maintainer approves it
(it becomes an entry, searchable at once) or rejects it with a note.

Approving anything but a verified submission (one that failed, was flagged, had no check or
could not be verified) is refused unless the maintainer passes `force=True`: an entry that
says its code was checked must have been checked, and overriding that is a deliberate,
recorded act (the note says why).
"""

from __future__ import annotations

import logging
import secrets

from sqlmodel import Session

from .. import store, verdicts
from ..models import EntryDraft, Submission, VerificationRun
from ..public import SnippetRunPublic
from ..rate_limits import check_rate
from ..search import SearchInputError, SearchUnavailable
from ..services import Services
from .public import SubmissionPublic, SubmissionReceipt
from .submission import SubmissionIn, SubmissionInvalid, to_draft

log = logging.getLogger("errata.contributions")

OPEN_STATUSES = (
    "pending",
    "verifying",
    "verified",
    "ran_without_error",
    "flagged",
    "failed",
    "unverified",
)
APPROVABLE = ("verified",)
FORCE_APPROVABLE = ("verified", "ran_without_error", "flagged", "failed", "unverified")
DUPLICATE_SYMPTOMS = 5


class SubmissionNotFound(LookupError):
    """No submission has this id."""


class TransitionRefused(ValueError):
    """The submission is not in a state that allows this action."""


def find_duplicate(services: Services, draft: EntryDraft) -> str | None:
    """The id of an existing entry that one of this draft's symptoms confidently matches.

    Each symptom is searched on its own (a trace matches a symptom, not a list of them); the
    most confident hit among the first few symptoms wins.
    """
    best: tuple[float, str] | None = None
    for symptom in draft.symptoms[:DUPLICATE_SYMPTOMS]:
        try:
            response = services.search(symptom, limit=1, record=False)
        except (SearchInputError, SearchUnavailable):
            return None
        except Exception:  # duplicate detection must never lose a submission
            log.exception("duplicate search failed")
            return None
        top = response.results[0] if response.results else None
        if top is not None and top.confident and (best is None or top.score > best[0]):
            best = (top.score, top.id)
    return best[1] if best else None


def _unique_entry_id(session: Session, base: str) -> str:
    candidate, n = base, 1
    while store.id_taken(session=session, entry_id=candidate):
        n += 1
        suffix = f"-{n}"
        candidate = base[: 80 - len(suffix)].rstrip("-") + suffix
    return candidate


def _entry_id(session: Session, wanted: str, *, chosen: bool) -> str:
    """The id the entry will take: the contributor's choice when free (an id already used by
    an entry, curated or not, or by another open submission is refused), else the title's
    slug made unique."""
    if not chosen:
        return _unique_entry_id(session, wanted)
    if store.id_taken(session=session, entry_id=wanted):
        raise SubmissionInvalid(
            {"entry_id": f"{wanted!r} is taken by an existing entry or submission: choose another"}
        )
    return wanted


def _snippet_slugs(draft: EntryDraft) -> list[str]:
    return [snippet.id for fix in draft.fixes for snippet in fix.snippets]


def submit(services: Services, data: SubmissionIn, *, client_key: str) -> SubmissionReceipt:
    """Validate, rate-limit, store and queue a submission (SubmissionInvalid, RateLimited)."""
    draft = to_draft(data)
    settings = services.settings
    check_rate(
        services.database,
        action="submit",
        client_key=client_key,
        per_minute=settings.submission_rate_per_minute,
        what="submissions",
    )  # before the duplicate searches: a throttled client costs nothing more
    duplicate = find_duplicate(services, draft)
    can_verify, reason = services.verification_available()
    with services.database.write() as session:
        entry_id = _entry_id(session, draft.id, chosen=bool(data.entry_id.strip()))
        draft = draft.model_copy(update={"id": entry_id})
        status = "unverified" if not can_verify else "pending"
        submission = store.create_submission(
            session=session,
            submission_id="sub-" + secrets.token_hex(8),
            entry_id=entry_id,
            title=draft.title,
            draft=draft.model_dump(mode="json"),
            contact=data.contact.strip(),
            client_key=client_key,
            duplicate_of=duplicate,
            status=status,
        )
        if not can_verify:
            submission.review_note = f"not verified: {reason}"
        elif store.enqueue_job(
            session=session,
            kind="submission",
            target_id=submission.id,
            snippet_slugs=_snippet_slugs(draft),
            limit=settings.verify_queue_size,
        ):
            submission.status = "verifying"
        session.add(submission)
    services.wake_harness()
    return receipt(submission)


def receipt(submission: Submission) -> SubmissionReceipt:
    """The public receipt of a submission."""
    return SubmissionReceipt.model_validate(
        {"status_url": f"/submissions/{submission.id}", **submission.model_dump()}
    )


def submission_public(services: Services, submission: Submission) -> SubmissionPublic:
    """The public view of a submission, with its latest sandbox results."""
    with services.database.read() as session:
        runs = store.submission_runs(session=session, submission_id=submission.id)
    return SubmissionPublic.model_validate(
        {
            **submission.model_dump(),
            "status_url": f"/submissions/{submission.id}",
            "verification": [_run_public(run) for run in runs.values()],
        }
    )


def run_shown(run: VerificationRun) -> verdicts.Shown | None:
    """What a submission's run showed; nothing while a flag waits for a maintainer's look."""
    return verdicts.shown(run.status, "contributed", run.flags, reviewed=False)


def _run_public(run: VerificationRun) -> SnippetRunPublic:
    public = SnippetRunPublic.model_validate(run)
    public.shown = run_shown(run)
    return public


def requeue(services: Services, submission_id: str) -> Submission:
    """Queue a submission's snippets again (a maintainer, once the sandbox is back)."""
    can_verify, reason = services.verification_available()
    if not can_verify:
        raise TransitionRefused(f"cannot verify now: {reason}")
    with services.database.write() as session:
        submission = store.transition_submission(
            session=session, submission_id=submission_id, to="verifying", allowed_from=OPEN_STATUSES
        )
        if submission is None:
            raise _refusal(session, submission_id, "verify again")
        draft = EntryDraft.model_validate(submission.draft)
        job = store.enqueue_job(
            session=session,
            kind="submission",
            target_id=submission_id,
            snippet_slugs=_snippet_slugs(draft),
            limit=services.settings.verify_queue_size,
        )
        if job is None:
            raise TransitionRefused("the verification queue is full; try again later")
    services.wake_harness()
    return submission


def _refusal(session: Session, submission_id: str, action: str) -> Exception:
    current = store.get_submission(session=session, submission_id=submission_id)
    if current is None:
        return SubmissionNotFound(f"no submission with id {submission_id!r}")
    return TransitionRefused(f"cannot {action} a submission that is {current.status}")


def approve(services: Services, submission_id: str, *, note: str = "", force: bool = False) -> str:
    """Make a verified submission an entry, searchable at once; returns the entry id.

    A failed or unverified submission is refused unless `force` (see the module docstring).
    """
    with services.database.write() as session:
        current = store.get_submission(session=session, submission_id=submission_id)
        if current is None:
            raise SubmissionNotFound(f"no submission with id {submission_id!r}")
        if current.status in FORCE_APPROVABLE and current.status not in APPROVABLE and not force:
            raise TransitionRefused(
                f"this submission is {current.status}: approve it anyway only with force"
            )
        draft = EntryDraft.model_validate(current.draft)
        if store.id_taken(session=session, entry_id=draft.id, ignore_submission=submission_id):
            draft = draft.model_copy(update={"id": _unique_entry_id(session, draft.id)})
        moved = store.transition_submission(
            session=session,
            submission_id=submission_id,
            to="approved",
            allowed_from=FORCE_APPROVABLE if force else APPROVABLE,
            note=note.strip() or None,
            entry_id=draft.id,
        )
        if moved is None:
            raise _refusal(session, submission_id, "approve")
        store.upsert_entry(session=session, draft=draft, from_files=False)
        store.attach_runs_to_entry(session=session, submission_id=submission_id, entry_id=draft.id)
        store.bump_revision(session=session)
    services.refresh_index()
    return draft.id


def reject(services: Services, submission_id: str, *, note: str) -> Submission:
    """Reject a submission with a note saying why (the note is required)."""
    if not note.strip():
        raise SubmissionInvalid({"note": "say why the submission is rejected"})
    with services.database.write() as session:
        submission = store.transition_submission(
            session=session,
            submission_id=submission_id,
            to="rejected",
            allowed_from=OPEN_STATUSES,
            note=note.strip(),
        )
        if submission is None:
            raise _refusal(session, submission_id, "reject")
    return submission
