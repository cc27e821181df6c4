"""What a moderator must judge before approving a submission, gathered in one `Review`.

The root cause, each fix's explanation, each snippet's code and check, what its run left (the
status, the words it may show, the error, the last lines of its stderr), the static review's
flags, and the nearest existing entry (the duplicate found at submission, else the best search
hit for its symptoms). The web's /moderate page and REST (for maintainers) both show it.
"""

from __future__ import annotations

import difflib
import logging

from .. import store
from ..models import EntryDraft, SnippetDraft, Submission, VerificationRun
from ..public import ReviewFlagPublic
from ..search import SearchInputError, SearchUnavailable
from ..services import Services
from .lifecycle import DUPLICATE_SYMPTOMS, run_shown
from .public import FixForReview, NearestEntry, Review, SnippetForReview, SymptomLine

log = logging.getLogger("errata.contributions")
STDERR_LINES = 30
STDERR_CHARS = 4_000


def stderr_tail(stderr: str) -> str:
    """The last lines of a run's stderr: at most STDERR_LINES lines and STDERR_CHARS chars."""
    tail = "\n".join(stderr.rstrip("\n").splitlines()[-STDERR_LINES:])
    return tail[-STDERR_CHARS:]


def review(services: Services, submission: Submission) -> Review:
    """Everything a moderator must judge of `submission` (reads, then searches: no lock held)."""
    draft = EntryDraft.model_validate(submission.draft)
    with services.database.read() as session:
        runs = store.submission_runs(session=session, submission_id=submission.id)
    fixes = [
        FixForReview(
            id=fix.id,
            title=fix.title,
            explanation=fix.explanation,
            snippets=[_snippet(s, runs.get(s.id)) for s in fix.snippets],
        )
        for fix in draft.fixes
    ]
    found = nearest(services, submission)
    if found is not None:
        with services.database.read() as session:
            entry = store.get_entry_draft(session=session, entry_id=found.id)
        found.symptom_diff = symptom_diff(entry.symptoms if entry else [], draft.symptoms)
    return Review(root_cause=draft.root_cause, fixes=fixes, nearest=found)


def symptom_diff(entry: list[str], submission: list[str]) -> list[SymptomLine]:
    """The entry's symptoms against the submission's, in order: shared lines once (compared
    without case and surrounding space), then what only one side has."""
    key = [" ".join(s.lower().split()) for s in entry]
    matcher = difflib.SequenceMatcher(
        a=key, b=[" ".join(s.lower().split()) for s in submission], autojunk=False
    )
    lines: list[SymptomLine] = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [SymptomLine(side="both", text=s) for s in submission[b1:b2]]
            continue
        lines += [SymptomLine(side="entry", text=s) for s in entry[a1:a2]]
        lines += [SymptomLine(side="submission", text=s) for s in submission[b1:b2]]
    return lines


def _snippet(snippet: SnippetDraft, run: VerificationRun | None) -> SnippetForReview:
    found = SnippetForReview(
        id=snippet.id,
        file=snippet.file,
        language=snippet.language,
        code=snippet.code,
        check_code=snippet.check_code,
        status="pending",
    )
    if run is None:
        return found
    found.status, found.shown, found.error = run.status, run_shown(run), run.error
    found.stderr_tail = stderr_tail(run.stderr)
    found.flags = [ReviewFlagPublic.model_validate(flag) for flag in run.flags]
    return found


def nearest(services: Services, submission: Submission) -> NearestEntry | None:
    """The duplicate found at submission, else the best search hit for its symptoms."""
    if submission.duplicate_of:
        with services.database.read() as session:
            entry = store.get_entry(session=session, entry_id=submission.duplicate_of)
        if entry is not None:
            return NearestEntry(id=entry.id, title=entry.title, reason="duplicate_of")
    best: NearestEntry | None = None
    for symptom in EntryDraft.model_validate(submission.draft).symptoms[:DUPLICATE_SYMPTOMS]:
        try:
            response = services.search(symptom, limit=1)
        except (SearchInputError, SearchUnavailable):
            return best
        top = response.results[0] if response.results else None
        if top is not None and (best is None or top.score > (best.score or 0.0)):
            best = NearestEntry(
                id=top.id, title=top.title, reason="best search hit", score=top.score
            )
    return best
