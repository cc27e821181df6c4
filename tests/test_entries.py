"""The entry file format: parse, validate with one readable error, write back losslessly."""

from __future__ import annotations

from pathlib import Path

import pytest
from errata.entry_files import EntryError, parse_entries, parse_entry, write_entry
from errata.models import draft_hash

from .entry_factory import write_entry_folder


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "entry.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_valid_folder_parses_with_code_and_check_inlined(tmp_path: Path) -> None:
    folder = write_entry_folder(tmp_path)
    draft = parse_entry(folder)
    snippet = draft.fixes[0].snippets[0]
    assert draft.id == "widget-pool-runs-dry"
    assert len(draft.symptoms) == 3
    assert snippet.code.startswith("def work(pool):")
    assert snippet.check_file == "checks/return_widgets.py"
    assert "load_snippet" in (snippet.check_code or "")
    assert draft.tables[0].rows == [["5", "default"], ["50", "bursty loads"]]


# Each bad edit of entry.toml gives one EntryError naming the file, the field and the problem
# (moved here from five tests of the same shape).
BAD_EDITS = {
    "a missing field": (
        'source = "direct experience"\n',
        "",
        "source",
        "required field is missing",
    ),
    "an unknown field": (
        'tags = ["pool"]',
        'tags = ["pool"]\nseverity = "high"',
        "severity",
        "unknown field",
    ),
    "an unknown field inside a fix": (
        'id = "return-widgets"\ntitle',
        'id = "return-widgets"\nauthor = "x"\ntitle',
        "fixes[0].author",
        "unknown field",
    ),
    "broken TOML": ('title = "Widget pool', "title = Widget pool", None, "broken TOML"),
    "an id that is not the folder's": (
        'id = "widget-pool-runs-dry"',
        'id = "another-id"',
        "id",
        "another-id",
    ),
}


@pytest.mark.parametrize("case", BAD_EDITS, ids=list(BAD_EDITS))
def test_a_bad_entry_file_gives_one_error_naming_the_file_field_and_problem(
    tmp_path: Path, case: str
) -> None:
    old, new, field, problem = BAD_EDITS[case]
    folder = write_entry_folder(tmp_path)
    _edit(folder, old, new)
    with pytest.raises(EntryError) as caught:
        parse_entry(folder)
    assert "entry.toml" in str(caught.value)
    if field is not None:
        assert caught.value.field == field
    assert problem in str(caught.value)


def test_broken_toml_says_where(tmp_path: Path) -> None:
    folder = write_entry_folder(tmp_path)
    _edit(folder, 'title = "Widget pool', "title = Widget pool")
    with pytest.raises(EntryError) as caught:
        parse_entry(folder)
    assert "line 2" in caught.value.problem


def test_a_missing_snippet_file_is_named(tmp_path: Path) -> None:
    folder = write_entry_folder(tmp_path)
    (folder / "return_widgets.py").unlink()
    with pytest.raises(EntryError) as caught:
        parse_entry(folder)
    assert caught.value.field == "fixes[0].snippets[0].file"
    assert "return_widgets.py" in caught.value.problem


def test_a_missing_check_file_is_named(tmp_path: Path) -> None:
    folder = write_entry_folder(tmp_path)
    (folder / "checks" / "return_widgets.py").unlink()
    with pytest.raises(EntryError) as caught:
        parse_entry(folder)
    assert caught.value.field == "fixes[0].snippets[0].check"


def test_a_snippet_path_cannot_leave_the_entry_folder(tmp_path: Path) -> None:
    folder = write_entry_folder(tmp_path)
    (tmp_path / "outside.py").write_text("x = 1\n", encoding="utf-8")
    _edit(folder, 'file = "return_widgets.py"', 'file = "../outside.py"')
    with pytest.raises(EntryError) as caught:
        parse_entry(folder)
    assert "inside the entry folder" in caught.value.problem


def test_a_correction_must_name_a_published_snippet(tmp_path: Path) -> None:
    folder = write_entry_folder(tmp_path)
    (folder / "fixed.py").write_text("x = 1\n", encoding="utf-8")
    extra = (
        '\n[[fixes.snippets]]\nid = "fixed"\nfile = "fixed.py"\n'
        'kind = "correction"\ncorrects = "nope"\n'
    )
    (folder / "entry.toml").write_text(
        (folder / "entry.toml").read_text(encoding="utf-8") + extra, encoding="utf-8"
    )
    with pytest.raises(EntryError) as caught:
        parse_entry(folder)
    assert caught.value.field == "fixes[0].snippets[1].corrects"


def test_writing_then_parsing_gives_the_same_entry(tmp_path: Path) -> None:
    draft = parse_entry(write_entry_folder(tmp_path / "in"))
    draft.fixes[0].snippets[0].code += '    # a trailing comment with "quotes" and \\ backslash  \n'
    out = write_entry(draft, tmp_path / "out")
    again = parse_entry(out)
    assert again == draft
    assert draft_hash(again) == draft_hash(draft)


def test_writing_over_an_existing_folder_replaces_it_whole(tmp_path: Path) -> None:
    draft = parse_entry(write_entry_folder(tmp_path / "in"))
    out_root = tmp_path / "out"
    write_entry(draft, out_root)
    (out_root / draft.id / "stray.py").write_text("junk\n", encoding="utf-8")
    write_entry(draft, out_root)
    assert not (out_root / draft.id / "stray.py").exists()
    assert sorted(p.name for p in out_root.iterdir()) == [draft.id]


def test_the_repository_entries_all_parse() -> None:
    from errata.config import REPO_ROOT

    drafts = parse_entries(REPO_ROOT / "entries")
    assert any(d.id == "agent-holds-lock-too-long" for d in drafts)
