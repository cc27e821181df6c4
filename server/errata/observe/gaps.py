"""What errata could not answer: no-match queries and fixes reported as not working.

Only a masked form is kept: the search normaliser's output (paths, numbers, ids, quoted
values, URLs and e-mail addresses already replaced by placeholders), with secrets removed on
top (API keys, tokens, passwords, long hex or base64 runs), before and after normalising.
Occurrences of one message template share one row with a count, so a thousand variants of
one error are one gap. Rows not seen for `ERRATA_GAPS_RETENTION_DAYS` days are pruned on
write; `ERRATA_COLLECT_GAPS=false` keeps nothing. A failed write never fails the search.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from .. import store
from ..models import Gap
from ..public import GapPublic
from ..search.mask import fingerprint
from ..search.normalize import normalize

if TYPE_CHECKING:
    from ..services import Services

log = logging.getLogger("errata.gaps")
EXAMPLE_CHARS = 500
_SECRETS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"://[^/\s:@]+:[^@\s/]*@"), "://<secret>@"),
    (re.compile(r"(?i)\b(bearer|basic)\s+(?!<)[^\s\"',;]+"), r"\1 <secret>"),
    (
        re.compile(
            r"(?i)\b(api[_-]?key|apikey|token|access[_-]?token|secret|password|passwd|pwd"
            r"|authorization)(\s*[:=]\s*|\s+)(?!<|bearer\b|basic\b)[\"']?[^\s\"',;]+"
        ),
        r"\1\2<secret>",
    ),
    (re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]+"), "<secret>"),
    (re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}"), "<secret>"),
    (
        re.compile(r"\b(?:gh[pousr]_|github_pat_|xox[abprs]-|glpat-|AKIA)[A-Za-z0-9_-]{8,}"),
        "<secret>",
    ),
    (re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), "<email>"),
    (re.compile(r"\b[0-9a-fA-F]{20,}\b"), "<hex>"),
    (re.compile(r"(?<![\w/+])(?=[A-Za-z0-9+/_-]*\d)[A-Za-z0-9+/_-]{20,}={0,2}"), "<secret>"),
    (re.compile(r"(?<![\w/+])[A-Za-z0-9+/]{40,}={0,2}"), "<secret>"),
]
_KIND_LANGUAGE = {"go": "go", "rust": "rust", "java": "java"}


def scrub(text: str) -> str:
    """Remove what looks like a secret or a personal address from a text."""
    for pattern, placeholder in _SECRETS:
        text = pattern.sub(placeholder, text)
    return text


def masked_example(query: str) -> tuple[str, str, str]:
    """(template, example, kind) of a query: scrubbed, normalised, scrubbed again."""
    normalized = normalize(scrub(query))
    example = scrub(normalized.text)[:EXAMPLE_CHARS]
    key = scrub(normalized.key_lines[0]) if normalized.key_lines else example
    return format(fingerprint(key), "x"), example, normalized.kind


def _language(given: str | None, kind: str, example: str) -> str:
    if given:
        return given.strip().lower()[:40]
    if kind in _KIND_LANGUAGE:
        return _KIND_LANGUAGE[kind]
    return "python" if "Traceback" in example or "Error:" in example[:200] else ""


def _store(services: Services, source: str, template: str, language: str, example: str) -> None:
    if not services.settings.collect_gaps or not example:
        return
    try:
        with services.database.write() as session:
            store.prune_gaps_days(session=session, days=services.settings.gaps_retention_days)
            store.record_gap(
                session=session,
                source=source,
                template=template,
                language=language,
                example=example,
            )
    except Exception:  # a gap is worth less than the answer it follows
        log.warning("could not record a gap", exc_info=True)


def record_no_match(services: Services, query: str, language: str | None) -> None:
    """Keep the masked form of a query errata had no confident answer for."""
    if not services.settings.collect_gaps:
        return
    template, example, kind = masked_example(query)
    _store(services, "no_match", template, _language(language, kind, example), example)


def record_did_not_work(services: Services, entry_id: str, fix_id: str, details: str) -> None:
    """Keep a fix reported as not working: one row per fix, the masked details as example."""
    if not services.settings.collect_gaps:
        return
    _, masked, _ = masked_example(details) if details.strip() else ("", "", "")
    example = f"{entry_id} / {fix_id}" + (f": {masked}" if masked else "")
    template = format(fingerprint(f"{entry_id} {fix_id}"), "x")
    _store(services, "did_not_work", template, "", example[:EXAMPLE_CHARS])


def start_entry_link(gap: Gap) -> str:
    """The contribution form with the gap's masked example as its first symptom."""
    return "/submit?symptom=" + quote(gap.example[:1000], safe="")


def top_gaps(services: Services, *, limit: int = 50) -> list[GapPublic]:
    """The most frequent gaps, with a link that starts an entry from each."""
    with services.database.read() as session:
        rows = store.list_gaps(session=session, limit=limit)
    return [
        GapPublic.model_validate({**row.model_dump(), "start_entry": start_entry_link(row)})
        for row in rows
    ]
