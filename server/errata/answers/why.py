"""Why a result matched, in plain words for people (the ranker's `why` is terse and technical:
"same message; exception type RuntimeError; shared terms: lock, acquire")."""

from __future__ import annotations

TERMS = "shared terms: "
TYPE = "exception type "


def _parts(why: str) -> tuple[bool, bool, str, list[str]]:
    """(same message, same template with another type, the exception type, shared words)."""
    same = template = False
    type_name, words = "", []
    for part in (p.strip() for p in why.split(";")):
        if part == "same message":
            same = True
        elif part.startswith("same template"):
            template = True
        elif part.startswith(TYPE):
            type_name = part.removeprefix(TYPE)
        elif part.startswith(TERMS):
            words = [w for w in part.removeprefix(TERMS).split(", ") if w]
    return same, template, type_name, words


def plain_why(why: str, *, confident: bool = False) -> str:
    """One sentence on why a result matched, e.g. "Same exception type (RuntimeError) and
    message as a listed symptom."; a confident match on words alone reads as close wording."""
    same, template, type_name, words = _parts(why)
    typed = f"exception type ({type_name})" if type_name else ""
    if same:
        both = f"{typed} and message" if typed else "message"
        return f"Same {both} as a listed symptom."
    if template:
        return "Same message as a listed symptom, around a different type name."
    if typed and words:
        return f"Same {typed} as a listed symptom, with some of its words ({_few(words)})."
    if typed:
        return f"Same {typed} as a listed symptom."
    if words and confident:
        return f"Worded like a listed symptom ({_few(words)})."
    if words:
        return f"Only some words in common with a listed symptom ({_few(words)})."
    return "Close wording to a listed symptom."


def _few(words: list[str]) -> str:
    return ", ".join(words[:3])
