"""The order in which a result offers its fixes: the entry's order of preference, with the
fixes written for the matched symptom first (a pool timeout and a lock-wait profile of one
entry call for different first fixes)."""

from __future__ import annotations

from typing import Protocol, TypeVar


class Choice(Protocol):
    """What a fix offers here (store.briefs.FixRow)."""

    slug: str
    for_symptoms: list[str]


F = TypeVar("F", bound=Choice)


def for_symptom(fix: Choice, matched_symptom: str) -> bool:
    """The fix names part of the matched symptom as its own situation."""
    text = matched_symptom.lower()
    return any(part.lower() in text for part in fix.for_symptoms)


def in_preference(fixes: list[F], preference: list[str], matched_symptom: str) -> list[F]:
    """Fixes best first for this match: written for the matched symptom, then the entry's
    order of preference, then the rest in article order."""
    if len(fixes) < 2:  # most entries have one fix: nothing to order
        return list(fixes)
    rank = {slug: i for i, slug in enumerate(preference)}

    def key(item: tuple[int, F]) -> tuple[bool, int, int]:
        position, fix = item
        return (not for_symptom(fix, matched_symptom), rank.get(fix.slug, len(rank)), position)

    return [fix for _, fix in sorted(enumerate(fixes), key=key)]
