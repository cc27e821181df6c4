"""Masking of volatile values and tokenization of masked text.

Masking replaces what changes from one occurrence of an error to the next (paths, numbers,
addresses, ids, timestamps, quoted values) with placeholders, so two traces of the same error
read the same. Tokens are lowercase, stemmed, with identifiers split into their parts.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from itertools import chain

import Stemmer

from .masks import MASKS as _MASKS
from .masks import NEEDS as _NEEDS

_DIGIT = re.compile(r"\d")
_QUOTE_STEP = len(_MASKS) - 1  # quoted values are masked just before bare numbers


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SPACES = re.compile(r"[ \t]+")
# The placeholders masking puts in (masks.py, and <str> here) and the names runtimes give code
# without one (`in <module>`, `at <anonymous>`, `<locals>.<lambda>`): not words. Any other
# "<word>" in a text is one ("Promise { <pending> }").
_PLACEHOLDER = (
    r"<(?:url|uuid|ts|ip|hex|email|path|id|n|str|module|anonymous|lambda|locals|listcomp|"
    r"dictcomp|setcomp|genexpr|stdin|string|frozen|unknown)>"
)
_TOKEN = re.compile(_PLACEHOLDER + r"|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|\d+")
# Bumped when masking or tokenizing changes the tokens of a text: a persisted index built with
# other tokens is rebuilt (persist.build_key).
TOKENIZATION = 2
_PARTS = re.compile(r"[._]+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_STEMMER = Stemmer.Stemmer("english")

STOPWORDS = _words(
    """a an and are as at be been but by can could did do does for from had has have how i if in
    into is it its me my of on or our so than that the their them then there these they this
    to too up was we were what when where which while who why will with would you your after
    before all any also just more most only same some such very via call last recent traceback
    file line lines most_recent get gets got getting keep keeps seem seems see saw happen happens
    now still even like always sometimes issue problem help please our app code us any anyone
    ve ll re don doesn isn wasn t s d m"""
)

GENERIC_TYPES = _words(
    """runtimeerror valueerror typeerror keyerror attributeerror oserror ioerror timeouterror
    assertionerror indexerror exception error throwable runtimeexception illegalstateexception
    illegalargumentexception runtimewarning warning"""
)
GENERIC_TOKENS = GENERIC_TYPES | _words(
    """error except exception fail failed warn warning info debug fatal thread main run runtime
    runtim go java python return none null undefined object function goroutine goroutin panic caus
    timeout time out sync valu type key attribut"""
)
# Words that say little on their own when `why` lists shared terms ("one, other, error").
WHY_FILLER = GENERIC_TOKENS | _words(
    """one other two all every each some mani much new old same differ first last next use
    call get set make work run start stop take give not no never without can cannot exc"""
)

# A few plain-language equivalences, applied to queries and symptoms alike (after stemming).
_SYNONYMS = {
    "hang": "stuck",
    "hung": "stuck",
    "freez": "stuck",
    "frozen": "stuck",
    "froze": "stuck",
    "stall": "stuck",
    "unrespons": "stuck",
    "climb": "grow",
    "balloon": "grow",
    "sluggish": "latenc",
    "vanish": "disappear",
    "lose": "lost",
    "forev": "never",
    "block": "wait",
    "queu": "wait",
    "slow": "latenc",
    "speed": "throughput",
    "faster": "throughput",
    "parallel": "concurr",
    "contend": "content",
    "exhaust": "starv",
    "mutex": "lock",
    "semaphor": "lock",
}


_QUOTED = re.compile(r"'[^'\n]{0,400}'|\"[^\"\n]{0,400}\"|`[^`\n]{0,400}`")
_WORD = re.compile(r"[A-Za-z]{2,}")
_ESCAPES = re.compile(r"\\[nrt]")
# Quoted error codes carry the error's meaning: 'rate_limit_error', "context_length_exceeded".
_ERROR_CODE = re.compile(r"^[a-z]+(?:_[a-z]+)+$|^[A-Z]+(?:_[A-Z]+)+$|^E[A-Z]{3,}$")
_CODE_WORDS = re.compile(r"error|exceed|limit|invalid|timeout|overload|denied|refused|fail|busy")


def _is_phrase(inner: str) -> bool:
    """A message in quotes (logfmt msg="...", a JSON "message", a bytes repr), not a value."""
    pieces = inner.split()
    words = sum(1 for piece in pieces if _WORD.match(piece))
    return words >= 3 and words * 2 >= len(pieces)


def _is_error_code(inner: str) -> bool:
    return bool(_ERROR_CODE.match(inner)) and bool(_CODE_WORDS.search(inner.lower()))


# Quoted names that change an error's meaning ('NoneType' vs 'coroutine' object is not
# subscriptable) rather than its instance ('fetch_user' was never awaited): type-like names.
_TYPE_NAME = re.compile(
    r"^(?:[A-Z][\w.]{0,40}|(?:[a-z_][\w]*\.)+[A-Z]\w*|str|int|float|bytes|bytearray|dict|list|tuple|"
    r"set|frozenset|bool|coroutine|function|builtin_function_or_method|method|module|generator|"
    r"async_generator|type|object|NoneType|Future|Task|"
    # the standard library's and numpy's lowercase value types ("Object of type 'int64' is not
    # JSON serializable" in Python < 3.7 quotes the name)
    r"datetime|date|time|timedelta|ndarray|bool_|str_|bytes_|object_|(?:u?int|float|complex)\d{1,3})$"
)


def _quoted(match: re.Match[str]) -> str:
    """A quoted value becomes `<str>`; a quoted phrase (a message in a repr) stays as words."""
    inner = _ESCAPES.sub(" ", match.group(0)[1:-1])
    return " " + inner + " " if _is_phrase(inner) else "<str>"


def _quoted_words(match: re.Match[str]) -> str:
    """For search tokens: a quoted type name ('coroutine', 'NoneType') or error code says
    something too, and so does code in backticks (`Math.max`, `asyncio.gather`): in a
    description it names the API involved, not a value."""
    quoted = match.group(0)
    inner = _ESCAPES.sub(" ", quoted[1:-1])
    keep = quoted[0] == "`" or _is_phrase(inner) or _TYPE_NAME.match(inner) or _is_error_code(inner)
    return " " + inner + " " if keep else "<str>"


_PLANS: dict[tuple[bool, ...], tuple[int, ...]] = {}
_PROBES = ("://", "-", ":", ".", "::", "localhost:", "0x", "0X", "@", "/", "\\")


# What five patterns need beyond NEEDS: a time two colons, an IPv4 address three dots, a file
# name a dot before an extension's first letter, a hex id a run of seven hex digits, a long id
# a run of sixteen word characters. Masking only removes text or puts in "<...>" and spaces, so
# a text without one of these never gets it.
_MORE = {3: 0, 4: 1, 10: 2, 12: 3, 13: 4}  # pattern -> the condition below that it needs
_EXTENSION = re.compile(r"\.[pjmctgkrh]")
_HEX_RUN = re.compile(r"[0-9a-fA-F]{7}")
_ID_RUN = re.compile(r"[A-Za-z0-9_-]{16}")


def _more(text: str, digit: bool) -> tuple[bool, ...]:
    return (
        text.count(":") >= 2,
        text.count(".") >= 3,
        _EXTENSION.search(text) is not None,
        digit and _HEX_RUN.search(text) is not None,
        digit and _ID_RUN.search(text) is not None,
    )


def _plan(text: str) -> tuple[int, ...]:
    """The patterns that could match `text` at all, from a few probes (cached)."""
    digit = _DIGIT.search(text) is not None
    more = _more(text, digit)
    signature = (digit, *(probe in text for probe in _PROBES), *more)
    plan = _PLANS.get(signature)
    if plan is None:
        hits = signature[1 : 1 + len(_PROBES)]
        present = {probe for probe, hit in zip(_PROBES, hits, strict=True) if hit}
        plan = tuple(
            i
            for i, (needs_digit, any_of) in enumerate(_NEEDS)
            if (digit or not needs_digit)
            and (not any_of or present.intersection(any_of))
            and (i not in _MORE or more[_MORE[i]])
        )
        _PLANS[signature] = plan
    return plan


def has_quotes(text: str) -> bool:
    """The text quotes something: only then does `keep_quoted_words` change what `mask` gives."""
    return "'" in text or '"' in text or "`" in text


def mask(text: str, *, keep_quoted_words: bool = False) -> str:
    """Replace volatile values with placeholders and collapse runs of spaces."""
    plan = _plan(text)  # masking only removes text: what cannot match now never will
    quoted = has_quotes(text)
    for i in plan:
        if quoted and i >= _QUOTE_STEP:
            text = _QUOTED.sub(_quoted_words if keep_quoted_words else _quoted, text)
            quoted = False
        pattern, placeholder = _MASKS[i]
        text = pattern.sub(placeholder, text)
    if quoted:
        text = _QUOTED.sub(_quoted_words if keep_quoted_words else _quoted, text)
    return _SPACES.sub(" ", text).strip()


def is_specific(tokens: list[str]) -> bool:
    """Whether a message says enough to identify an error by its template alone."""
    return len({t for t in tokens if t not in GENERIC_TOKENS}) >= 3


_PRINT_WORDS = re.compile(r"<[a-z]+>|[a-z0-9_]+")


def fingerprint(masked_line: str) -> int:
    """A short hash of a masked message: words and placeholders only, lowercase."""
    words = _PRINT_WORDS.findall(masked_line.lower())
    digest = hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1  # fits in int64


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    stem = _STEMMER.stemWord(word)
    return _SYNONYMS.get(stem, stem)


@lru_cache(maxsize=200_000)
def _word_tokens(word: str) -> tuple[str, ...]:
    """A dotted or compound identifier, whole (lowercased) and in stemmed parts: the tokens of
    its `_word_surfaces`, which a query's `why` reads again (analysed once for both)."""
    return tuple(token for token, _ in _word_surfaces(word))


def tokenize(masked: str) -> list[str]:
    """Search tokens of masked text: placeholders dropped, identifiers split, words stemmed."""
    return list(chain.from_iterable(map(_word_tokens, _TOKEN.findall(masked))))


@lru_cache(maxsize=200_000)
def _word_surfaces(word: str) -> tuple[tuple[str, str], ...]:
    """The (token, surface) pairs of one word: a dotted name whole and its last part, a compound
    identifier whole, then its stemmed parts (stopwords, digits and single letters left out)."""
    if word.startswith("<") or word.isdigit():
        return ()
    if word.isascii() and word.isalpha() and word.islower():  # one part: no split to make
        plain = len(word) > 1 and word not in STOPWORDS
        return ((_stem(word), word),) if plain else ()
    out: list[tuple[str, str]] = []
    lower = word.lower()
    if "." in word:
        last = word.rsplit(".", 1)[1]
        out += [(lower, word), (last.lower(), last)]
    parts = [p for piece in _PARTS.split(word) for p in _CAMEL.findall(piece)]
    if len(parts) > 1 and "." not in word:
        out.append((lower, word))
    for part in parts:
        low = part.lower()
        if len(low) > 1 and low not in STOPWORDS and not low.isdigit():
            out.append((_stem(low), low))
    return tuple(out)


def surface_words(masked: str) -> dict[str, str]:
    """Each search token of masked text mapped to the first word that produced it: `latenc` ->
    "latency" (or "slow" when the text said slow); identifiers keep their case (QueuePool)."""
    surfaces: dict[str, str] = {}
    for word in _TOKEN.findall(masked):
        for token, surface in _word_surfaces(word):
            surfaces.setdefault(token, surface)
    return surfaces


class Surfaces:
    """`surface_words` read lazily: words are analysed only until the token asked for shows up
    (a `why` names the few terms a result shares, mostly from the query's first line)."""

    def __init__(self, masked: str) -> None:
        self._words = iter(_TOKEN.findall(masked))
        self._found: dict[str, str] = {}

    def get(self, token: str, default: str) -> str:
        """The first word of the text that made `token`, else `default`."""
        found = self._found
        while token not in found:
            word = next(self._words, None)
            if word is None:
                return default
            for made, surface in _word_surfaces(word):
                found.setdefault(made, surface)
        return found[token]
