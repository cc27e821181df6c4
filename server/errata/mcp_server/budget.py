"""How MCP results fit a size budget: the longest strings are cut, each with a visible marker.

Some clients hand only `structuredContent` to the model, and most cap a tool result near
25,000 tokens: every result carries its fixes' text and code, and `fit_budget` cuts the
longest strings (never silently: each cut ends with a visible marker) until it fits.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:  # the MCP tools' signatures read this module's limits before answers/ loads
    from ..answers import BriefAnswer

DEFAULT_MAX_CHARS = (
    40_000  # compact JSON, about 10k tokens: the seed entry whole, every record included
)
MIN_MAX_CHARS = 4_000
MAX_MAX_CHARS = 100_000
_FLOOR = 240  # a cut string keeps at least this much
_KEEP = ("notice", "provenance")  # the framing of what follows is never cut
_SECONDARY = ("check_code", "stdout", "stderr")  # cut these first: the harness's, not the fix's

M = TypeVar("M", bound=BaseModel)
BRIEF_SUMMARY_FLOOR = 160
Path = tuple[str | int, ...]


def _size(data: Any) -> int:
    return len(json.dumps(data, ensure_ascii=False))


def _leaves(data: Any, path: Path = ()) -> list[tuple[Path, str]]:
    if isinstance(data, str):
        return [(path, data)]
    if isinstance(data, dict):
        return [leaf for key, value in data.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(data, list):
        return [leaf for i, value in enumerate(data) for leaf in _leaves(value, (*path, i))]
    return []


def _set(data: Any, path: Path, value: str) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def cut_text(text: str, keep: int, *, code: bool, hint: str) -> str:
    """`text` cut to about `keep` characters with a marker saying what is missing and where."""
    if len(text) <= keep:
        return text
    head = text[:keep]
    if code:
        newline = head.rfind("\n")
        head = head[: newline + 1] if newline > 0 else ""
        missing = len(text) - len(head)
        return f"{head}# [errata: cut here, {missing:,} more characters not shown; {hint}]\n"
    space = head.rfind(" ")
    head = head[:space] if space > keep // 2 else head
    return f"{head} … [errata: {len(text) - len(head):,} more characters cut; {hint}]"


def _is_code(path: Path) -> bool:
    return bool(path) and path[-1] in ("code", "check_code")


def _water_level(lengths: list[int], excess: int) -> int:
    """The length L such that cutting every string longer than L down to L saves `excess`."""
    ordered = sorted(lengths, reverse=True)
    running = 0
    for k, n in enumerate(ordered, start=1):
        running += n
        level = (running - excess) // k
        following = ordered[k] if k < len(ordered) else 0
        if level >= following:
            return max(level, 0)
    return 0


def _cut_round(
    data: Any, originals: dict[Path, str], max_chars: int, hint: str, floor: int
) -> bool:
    """Cut every long string down to one shared length; False when nothing more can be cut."""
    marker = len(cut_text("x\n" * 1000, 0, code=True, hint=hint)) + 8
    skip = _SECONDARY + _KEEP
    current = {p: len(t) for p, t in _leaves(data) if p[-1] not in skip}
    candidates = {p: n for p, n in current.items() if n > floor + marker}
    if not candidates:
        return False
    excess = _size(data) - max_chars
    # A string cut to `level` keeps level + marker characters, so it saves n - level - marker.
    level = max(floor, _water_level([n - marker for n in candidates.values()], excess))
    changed = False
    for path, n in candidates.items():
        if n > level + marker:
            _set(data, path, cut_text(originals[path], level, code=_is_code(path), hint=hint))
            changed = True
    return changed


def fit_budget(model: M, max_chars: int, *, hint: str, drop_from: str | None = None) -> M:
    """The model with its longest strings cut (marked) so that its JSON fits `max_chars`.

    Secondary fields go first; then trailing (lower-ranked) items of the list `drop_from`,
    keeping one; then the longest strings are cut to one shared length, down to a floor,
    and only if that is still too long, below it.
    """
    data = model.model_dump(mode="json")
    if _size(data) <= max_chars:
        return model
    originals = dict(_leaves(data))
    for path, text in originals.items():
        if path[-1] in _SECONDARY and len(text) > _FLOOR:
            _set(data, path, cut_text(text, 0, code=_is_code(path), hint=hint))
    omitted = 0
    items = data.get(drop_from) if drop_from else None
    while isinstance(items, list) and len(items) > 1 and _size(data) > max_chars:
        items.pop()
        omitted += 1
    for floor in (_FLOOR, 0):
        for _ in range(6):
            if _size(data) <= max_chars:
                break
            if not _cut_round(data, originals, max_chars, hint, floor):
                break
    data["truncated"] = True
    if "omitted" in data:
        data["omitted"] = omitted
    return type(model).model_validate(data)


def fit_brief(answer: BriefAnswer, max_chars: int) -> BriefAnswer:
    """A brief answer within `max_chars`: other results go first, then the other fixes, then
    the fix's summary is cut; the recommended fix's code and the root cause never are."""
    data = answer.model_dump(mode="json")
    results = data["results"]
    while len(results) > 1 and _size(data) > max_chars:
        results.pop()
    match = data.get("answer")
    if match is not None:
        while match["other_fixes"] and _size(data) > max_chars:
            match["other_fixes"].pop()
        fix = match.get("recommended_fix")
        excess = _size(data) - max_chars
        if fix is not None and excess > 0:
            keep = max(BRIEF_SUMMARY_FLOOR, len(fix["summary"]) - excess)
            fix["summary"] = cut_text(fix["summary"], keep, code=False, hint="see get_entry")
    return type(answer).model_validate(data)
