"""Which fix comes first: each fix says when it applies, each entry its order of preference,
and a matched symptom can pick its own first fix."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from errata.answers import as_text, brief_answer
from errata.contributions.submission import SubmissionIn, to_draft
from errata.db import Database
from errata.entry_files import EntryError, parse_entries, parse_entry
from errata.migrations import migrate
from errata.services import Services
from errata.sync import sync_entries
from sqlalchemy import inspect, text

from .conftest import REPO_ENTRIES
from .test_answers import SEED, seeded_services

POOL_TIMEOUT = (
    "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, connection "
    "timed out, timeout 30.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)"
)
LOCK_WAIT = "Lock wait time visible in profiling: 95% of time is lock contention, not actual work"
NEVER_RELEASED = "asyncio.Lock acquired but never released — deadlock after one agent crashes"


services = pytest.fixture(seeded_services, name="services")


def test_every_curated_fix_says_in_one_line_when_it_applies_and_every_entry_orders_its_fixes() -> (
    None
):
    for draft in parse_entries(REPO_ENTRIES):
        assert sorted(draft.preference) == sorted(f.id for f in draft.fixes), draft.id
        assert draft.preference_reason.strip(), draft.id
        for fix in draft.fixes:
            assert fix.applies_when.strip() and "\n" not in fix.applies_when, (draft.id, fix.id)


def test_entries_that_share_a_message_say_what_confirms_each_cause() -> None:
    drafts = {d.id: d for d in parse_entries(REPO_ENTRIES)}
    for entry_id in (SEED, "db-connection-leak-pool-exhausted"):
        assert "->" in drafts[entry_id].distinguish and "\n" not in drafts[entry_id].distinguish


@pytest.mark.parametrize(
    ("query", "first"),
    [
        (POOL_TIMEOUT, "minimize-critical-section"),  # the connection's hold time
        (LOCK_WAIT, "per-key-locking"),  # the lock's scope
        (NEVER_RELEASED, "always-release-lock"),
    ],
)
def test_the_recommended_fix_depends_on_the_matched_symptom(
    services: Services, query: str, first: str
) -> None:
    response = services.search(query, limit=3)
    seed = next(result for result in response.results if result.id == SEED)
    assert seed.fixes[0].id == first  # its fixes, best first for the symptom it matched
    top = response.results[0]
    answer = brief_answer(response, query)
    if not top.confident:  # no one answer; a pool timeout has several causes: a differential
        assert answer.answer is None and bool(answer.differential) == (query == POOL_TIMEOUT)
        return
    assert top.id == SEED
    assert answer.answer is not None and answer.answer.id == SEED
    fix = answer.answer.recommended_fix
    assert fix is not None and fix.id == first
    assert fix.applies_when and f"Applies when: {fix.applies_when}" in as_text(answer, "markdown")
    assert answer.answer.preference_reason and answer.next_step.startswith(f"apply fix {first},")


def test_a_full_result_offers_its_fixes_best_first_for_the_matched_symptom(
    services: Services,
) -> None:
    result = services.search(LOCK_WAIT, limit=1).results[0]
    assert [f.id for f in result.fixes][:3] == [
        "per-key-locking",
        "minimize-critical-section",
        "always-release-lock",
    ]
    assert all(f.applies_when for f in result.fixes)


def _rewrite(folder: Path, old: str, new: str) -> None:
    path = folder / "entry.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_preference_naming_no_fix_or_a_for_symptoms_quoting_no_symptom_is_a_readable_error(
    entries_dir: Path,
) -> None:
    folder = entries_dir / SEED
    _rewrite(folder, 'preference = ["minimize-critical-section"', 'preference = ["no-such-fix"')
    with pytest.raises(EntryError, match=r"preference\[0\].*not a fix id"):
        parse_entry(folder)
    _rewrite(folder, 'preference = ["no-such-fix"', 'preference = ["minimize-critical-section"')
    _rewrite(folder, 'for_symptoms = ["QueuePool limit"', 'for_symptoms = ["nowhere at all"')
    with pytest.raises(EntryError, match=r"fixes\[0\]\.for_symptoms\[0\].*quote part of a symptom"):
        parse_entry(folder)


def test_a_contribution_gives_when_each_fix_applies_and_its_order_of_preference() -> None:
    data = tomllib.loads((REPO_ENTRIES / SEED / "entry.toml").read_text(encoding="utf-8"))
    code = "def release_before_slow_call() -> None:\n    pass\n"
    sub = SubmissionIn(
        title="Workers wait on one lock held across a slow call",
        symptoms=data["symptoms"][:2],
        root_cause=data["root_cause"],
        fixes=[
            {
                "title": "Shorten the lock",
                "applies_when": "the lock covers\n slow work",
                "code": code,
            },
            {"title": "Per-key locks", "applies_when": "keys never share state", "code": code},
        ],
        preference_reason="shortening the lock needs no redesign",
        distinguish="held across slow calls -> hold time",
        source="own experience",
    )
    draft = to_draft(sub)
    assert [f.applies_when for f in draft.fixes] == [
        "the lock covers slow work",
        "keys never share state",
    ]
    assert draft.preference == ["fix-1", "fix-2"]
    assert draft.preference_reason == "shortening the lock needs no redesign"
    assert draft.distinguish == "held across slow calls -> hold time"


def test_a_database_from_before_the_choice_fields_gains_them_and_loads_the_entries(
    tmp_path: Path,
) -> None:
    database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(database)
    with database.engine.begin() as connection:  # the schema as migration 5 left it
        for table, column in [
            ("entry", "preference"),
            ("entry", "preference_reason"),
            ("entry", "distinguish"),
            ("fix", "applies_when"),
            ("fix", "for_symptoms"),
        ]:
            connection.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        connection.execute(text("DELETE FROM schema_migrations WHERE version = 8"))
    assert migrate(database) == [8]
    columns = {c["name"] for c in inspect(database.engine).get_columns("fix")}
    assert {"applies_when", "for_symptoms"} <= columns
    assert SEED in sync_entries(database, REPO_ENTRIES).added
    database.dispose()
