"""Property tests of the entry parser: any file content gives a draft or one EntryError."""

from __future__ import annotations

import tempfile
from pathlib import Path

from errata.entry_files import EntryError, parse_entry, write_entry
from errata.models import EntryDraft, FixDraft, SnippetDraft
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .entry_factory import ENTRY_TOML, write_entry_folder

slugs = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=80
)
nonempty = texts.filter(lambda s: s.strip() != "")


def _parse_text(toml_text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_entry_folder(Path(tmp))
        (folder / "entry.toml").write_text(toml_text, encoding="utf-8")
        try:
            draft = parse_entry(folder)
        except EntryError as error:
            assert str(error).startswith(str(folder / "entry.toml"))
        else:
            assert draft.id == folder.name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes_the_parser(text: str) -> None:
    _parse_text(text)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=len(ENTRY_TOML) - 1), st.text(max_size=12))
def test_a_corrupted_valid_file_gives_a_draft_or_a_readable_error(at: int, junk: str) -> None:
    valid = ENTRY_TOML.format(id="widget-pool-runs-dry")
    _parse_text(valid[:at] + junk + valid[at + len(junk) :])


snippets = st.builds(
    SnippetDraft,
    id=slugs,
    file=st.just("snippet.py"),
    code=nonempty.map(lambda s: s + "\n"),
    check_file=st.just("checks/snippet.py"),
    check_code=texts,
)
drafts = st.builds(
    EntryDraft,
    id=slugs,
    title=nonempty,
    tags=st.lists(texts, max_size=3),
    symptoms=st.lists(nonempty, min_size=1, max_size=4),
    root_cause=nonempty,
    fixes=st.lists(
        st.builds(
            FixDraft,
            id=slugs,
            title=nonempty,
            explanation=texts,
            snippets=st.lists(snippets, max_size=1),
        ),
        min_size=1,
        max_size=1,
    ),
    environment=st.lists(texts, max_size=2),
    source=nonempty,
    expected_savings=texts,
)


@settings(max_examples=100, deadline=None)
@given(drafts)
def test_any_draft_survives_a_write_and_parse_round_trip(draft: EntryDraft) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        assert parse_entry(write_entry(draft, Path(tmp))) == draft
