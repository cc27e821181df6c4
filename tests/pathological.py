"""Inputs built to make the search regexes backtrack: each pattern's own alphabet, repeated.

A regex is slow on text made of the characters it can consume in more than one way, followed by
a character that makes the match fail late (`a-a-a-...-a/000123` against the path mask). The
alphabet of each pattern is read from its parse tree (`re._parser`, the parser `re` itself
uses), so a pattern added later is covered without a new test.
"""

from __future__ import annotations

import importlib
import re
import re._constants as sre
import re._parser as sre_parse
from collections.abc import Iterator
from itertools import cycle, product

# The package re-exports a function named `normalize`: import the modules by their full name.
_MODULES = [
    importlib.import_module(f"errata.search.{name}")
    for name in ("mask", "masks", "normalize", "frames")
]

# Units known to make the path, url, email and identifier masks backtrack.
BAD_UNITS = ("a-", "a@", "a+", "a~", "a.")
_CATEGORY_CHARS = {
    sre.CATEGORY_DIGIT: "7",
    sre.CATEGORY_NOT_DIGIT: "x",
    sre.CATEGORY_SPACE: " \t\x0c",
    sre.CATEGORY_NOT_SPACE: "x",
    sre.CATEGORY_WORD: "aZ_7",
    sre.CATEGORY_NOT_WORD: "-",
}
_POOL = " \t-_.:/\\@~+=,;'\"`()[]<>{}|#$%&*!?^aZ7xé"


def search_patterns() -> dict[str, re.Pattern[str]]:
    """Every compiled regex the search applies to query text, by name."""
    found: dict[str, re.Pattern[str]] = {}
    for module in _MODULES:
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] = value
    for i, (pattern, _) in enumerate(_MODULES[1].MASKS):
        found[f"masks.MASKS[{i}]"] = pattern
    return found


def _class_chars(items: list[tuple[object, object]]) -> str:
    chars = ""
    negate = False
    members: list[tuple[object, object]] = []
    for op, arg in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            chars += chr(arg)  # type: ignore[arg-type]
            members.append((op, arg))
        elif op is sre.RANGE:
            low, high = arg  # type: ignore[misc]
            chars += chr(low) + chr(high)
            members.append((op, arg))
        elif op is sre.CATEGORY:
            chars += _CATEGORY_CHARS.get(arg, "")  # type: ignore[call-overload]
            members.append((op, arg))
    if not negate:
        return chars
    klass = re.compile("[" + "".join(re.escape(c) for c in chars) + "]") if chars else None
    return "".join(c for c in _POOL if klass is None or not klass.match(c))[:4]


def _walk(tree: object) -> Iterator[tuple[object, object]]:
    for op, arg in tree:  # type: ignore[attr-defined]
        yield op, arg
        if op is sre.IN:
            continue
        for child in arg if isinstance(arg, (list, tuple)) else ():
            if isinstance(child, sre_parse.SubPattern):
                yield from _walk(child)
            elif isinstance(child, (list, tuple)):
                for sub in child:
                    if isinstance(sub, sre_parse.SubPattern):
                        yield from _walk(sub)
        if isinstance(arg, sre_parse.SubPattern):
            yield from _walk(arg)


def alphabet(pattern: re.Pattern[str]) -> str:
    """One or a few characters for every literal and class the pattern can match."""
    chars = ""
    for op, arg in _walk(sre_parse.parse(pattern.pattern, pattern.flags)):
        if op is sre.LITERAL:
            chars += chr(arg)  # type: ignore[arg-type]
        elif op is sre.NOT_LITERAL:
            chars += "x" if arg != ord("x") else "y"
        elif op is sre.ANY:
            chars += "x"
        elif op is sre.IN:
            chars += _class_chars(arg)  # type: ignore[arg-type]
    return "".join(dict.fromkeys(c for c in chars if c not in "\n\r"))


def literals(pattern: re.Pattern[str]) -> list[str]:
    """The runs of two or more literal characters in a pattern ("at ", "File \"", "://")."""
    runs: list[str] = []
    for tree in _subpatterns(sre_parse.parse(pattern.pattern, pattern.flags)):
        run = ""
        for op, arg in tree:
            if op is sre.LITERAL:
                run += chr(arg)  # type: ignore[arg-type]
                continue
            if len(run) >= 2:
                runs.append(run)
            run = ""
        if len(run) >= 2:
            runs.append(run)
    return list(dict.fromkeys(runs))


def _subpatterns(tree: object) -> Iterator[object]:
    yield tree
    for _, arg in tree:  # type: ignore[attr-defined]
        for child in arg if isinstance(arg, (list, tuple)) else (arg,):
            if isinstance(child, sre_parse.SubPattern):
                yield from _subpatterns(child)
            elif isinstance(child, (list, tuple)):
                for sub in child:
                    if isinstance(sub, sre_parse.SubPattern):
                        yield from _subpatterns(sub)


def units(pattern: re.Pattern[str]) -> list[str]:
    """Repeatable units: each character alone, after a letter and after a digit."""
    chars = alphabet(pattern)
    pairs = [*("a" + c for c in chars), *("7" + c for c in chars)]
    return list(dict.fromkeys([*chars, *pairs, *literals(pattern)]))


def _lines(unit_list: list[str], tails: str, heads: list[str], width: int) -> Iterator[str]:
    for head, unit, tail in cycle(product(heads, unit_list, tails)):
        body = unit * max(1, (width - len(head) - 7) // len(unit))
        yield (head + body + tail + "000123")[:width]


def pathological(
    unit_list: list[str], tails: str, *, size: int, width: int, heads: list[str] | None = None
) -> str:
    """About `size` characters of lines `width` long: a unit repeated, then a failing tail
    (after one of `heads`, literal text an anchored pattern needs before it goes wrong)."""
    out: list[str] = []
    total = 0
    for line in _lines(unit_list, tails + " #é", heads or [""], width):
        if total >= size:
            break
        out.append(line)
        total += len(line) + 1
    return "\n".join(out)


def pattern_input(pattern: re.Pattern[str], *, size: int, width: int) -> str:
    """A pathological text built from one pattern's alphabet."""
    heads = ["", *literals(pattern)]
    return pathological(units(pattern), alphabet(pattern), size=size, width=width, heads=heads)


def bad_unit_input(unit: str, *, size: int, width: int) -> str:
    """The reported attack: `a-a-...-a/000123` lines (or another known bad unit)."""
    return pathological([unit], "/", size=size, width=width)
