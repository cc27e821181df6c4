"""Evidence that separates one entry's cause from a message several causes print.

A message that two or more candidate entries list word for word (a pool timeout is owned by
a connection leak and by a lock held across slow work) proves the family, not the cause: each
such candidate is marked `shared`, the calibration weighs it, and the answer is a differential
(the candidates and what tells them apart) unless the rest of the trace decides.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
from rapidfuzz import fuzz

from .bm25 import idf as bm25_idf
from .mask import mask

SAME_MESSAGE = 90  # one masked symptom this similar (0..100) to part of the other: one message
STRONG = 0.6  # evidence above which a candidate explains the message at all
RARE_ENTRIES = 2  # a word that at most this many entries list tells their cause (telling_of)
MAX_VALUE_CHARS = 50_000  # what the errno reader reads of a query
# "[Errno 11]", "errno=11", "errno 24", "(os error 24)", and symbolic names ("EAGAIN", "EMFILE");
# each pattern starts with a literal, so the scan skips ahead instead of trying every position
_ERRNO_NUMBER = re.compile(r"(?:rrno[ =:]{1,3}|os error )(\d{1,4})\b")
_ERRNO_NAME = re.compile(r"E[A-Z]{3,14}+(?![A-Za-z0-9_])")
_NAMES = {name: str(number) for number, name in errno.errorcode.items()}
# The C library's text for an errno as it follows a "[Errno n]", "failed:" or "bind:" (glibc,
# Go's lowercase form): "pthread_create failed: Operation not permitted" is EPERM, a cousin
# of the EAGAIN an entry lists. Longest first, so "... in system" is not read as EMFILE.
_STRERRORS = {os.strerror(number).lower(): str(number) for number in errno.errorcode}
_ERRNO_TEXT = re.compile(r"[:\]]\s{0,3}+([A-Za-z][\w/.' -]{2,80})")
_STRERROR_WORDS = max(len(text.split()) for text in _STRERRORS)
_STRERROR_FIRST = frozenset(text.split()[0] for text in _STRERRORS)
# Messages that several unrelated causes print, each with its documented causes: matching one
# proves the family, not this entry's cause, unless the rest of the query says which.
GENERIC_MESSAGES = re.compile(
    "|".join(
        (
            r"database is locked",  # writers, a transaction left open, a network filesystem
            r"too many open files|emfile",  # a leak, a low ulimit, real concurrency, inotify
            r"can't start new thread|resource temporarily unavailable|pthread_create failed",
            r"expecting value: line 1 column 1|is not valid json|unexpected token",  # any body
            r"cannot schedule new futures after (?:interpreter )?shutdown",
            r"broken pipe|connection reset by peer",
            # http.client's peer that closed without answering: a kept-alive connection the
            # server already closed, a server that crashed or refused the request, a proxy
            # https://docs.python.org/3/library/http.client.html#http.client.RemoteDisconnected
            r"remote end closed connection without response",
            # EADDRNOTAVAIL: a server binding an address the host does not own, or a client
            # whose connect() ran out of local ports (man 7 ip)
            r"can(?:not|'t) assign requested address|not valid in its context",
            # EACCES: a file or folder the user may not open, or a port it may not bind
            r"permission denied",
            # V8's stack overflow: runaway recursion, a cyclic structure walked recursively, or
            # a large array spread into one call's arguments
            r"maximum call stack size exceeded",
            # the same overflow in Python and Firefox: a call that re-enters itself, a walk over
            # a cycle, a __getattr__ reading a missing attribute, or data nested too deep
            # https://docs.python.org/3/library/exceptions.html#RecursionError
            r"maximum recursion depth exceeded|too much recursion",
            # a crash of the process itself: a native extension's bug, freed or corrupted
            # memory, or a stack outgrown (runaway recursion, or data deeper than the stack
            # after only the recursion limit was raised)
            # https://docs.python.org/3/library/sys.html#sys.setrecursionlimit
            r"segmentation fault|cannot recover from stack overflow",
            # Node's ES module loader: a specifier without its extension, a file missing from
            # the build or the published package, a typo
            r"err_module_not_found",
            # Node's and Jest's resolvers: a package not installed, a tsconfig "paths" alias
            # nothing maps at runtime, a relative import without its extension
            # https://nodejs.org/api/modules.html#all-together
            r"cannot find (?:module|package)",
            # Python's import system: a package not installed in this interpreter, a module
            # removed in a newer version, a local file shadowing it, or a script run by path
            # from inside its own package
            # https://docs.python.org/3/library/exceptions.html#ModuleNotFoundError
            r"no module named",
            r"(?:task|future) exception was never retrieved",  # any exception in a task
            # any hash of a list, dict or set: a dict key, a set member, a cache's arguments,
            # pandas' unique/groupby/value_counts over list cells
            # https://docs.python.org/3/glossary.html#term-hashable
            r"unhashable type",
            # a counter taken below zero: a Done/task_done on two paths, a drain that already
            # counted its items, a wrapper whose Add and Done race (not a missing Done)
            # https://pkg.go.dev/sync#WaitGroup.Add
            # https://docs.python.org/3/library/asyncio-queue.html#asyncio.Queue.task_done
            r"negative waitgroup counter|task_done\(\) called too many times",
            # a pool runs dry: a leak, connections held across slow work, or a pool smaller
            # than the real concurrency; or it never connected (the database unreachable)
            r"queuepool limit|connection is not available|too many (?:clients|connections)",
            r"remaining connection slots are reserved|connection pool exhausted|pooltimeout",
            r"timeout acquiring a connection|connection from the (?:connection )?pool",
            r"connectionacquiretimeouterror",  # sequelize's pool: any of the causes above
            # HikariCP logs "a possible connection leak" when a connection stays out longer
            # than leakDetectionThreshold: a leak, or one long query or transaction
            # https://github.com/brettwooldridge/HikariCP#infrequently-used
            r"connection leak detection triggered|apparent connection leak detected",
            # Node's listener-limit guess: a listener added per request and never removed, or a
            # bounded set past 10 (plugins, one per child or test file, one request's signal)
            # https://nodejs.org/api/events.html#emittersetmaxlistenersn
            r"possible (?:eventemitter|eventtarget) memory leak detected",
        )
    )
)

# A JSON parse error that quotes the body's first character '<' or the body itself ("<!DOCTYPE",
# "<html>") says which body came back: a markup page, not any body. Where the query and the
# matched symptom both show it, that symptom is not generic for this query.
_MARKUP_BODY = re.compile(
    r"unexpected token '?<(?!\w+>)|\"<!doctype|\"<html|<!doctype html|<html[\s>]|<head>|<title>",
    re.I,
)


def markup_body(text: str) -> bool:
    """The text shows an HTML body where JSON was parsed (its first MAX_VALUE_CHARS)."""
    return _MARKUP_BODY.search(text[:MAX_VALUE_CHARS]) is not None


# The character a JSON parser stopped at names the body: '<' a markup page, 'u' undefined, 'o'
# "[object Object]", 'N' NaN or "Not Found". V8 prints "Unexpected token < in JSON at position
# 0" and, since Node 20, "Unexpected token '<', "<!DOCTYPE "... is not valid JSON".
_UNEXPECTED_TOKEN = re.compile(r"unexpected token '?([^\s',])'?(?:,| in json)", re.I)
# V8 prints a few texts whole, without the token: JSON.parse(undefined) says '"undefined" is not
# valid JSON' and an object '"[object Object]" is not valid JSON' (json-parser.cc,
# IsSpecialString); Safari says 'JSON Parse error: Unexpected identifier "undefined"'. The
# parser stopped at their first letter ('o' for "[object Object]").
_WHOLE_TEXT = re.compile(
    r"\"\[?(undefined|object|nan|infinity)[^\"]{0,8}\" is not valid json"
    r"|unexpected identifier \"(undefined|object)\"",
    re.I,
)


def unexpected_tokens(text: str) -> frozenset[str]:
    """The characters a JSON parser says it stopped at in the text (its first MAX_VALUE_CHARS)."""
    text = text[:MAX_VALUE_CHARS]
    stops = set(_UNEXPECTED_TOKEN.findall(text))
    for match in _WHOLE_TEXT.finditer(text):
        stops.add((match.group(1) or match.group(2))[0])
    return frozenset(stops)


@lru_cache(maxsize=20_000)
def _symptom_tokens(symptom: str) -> frozenset[str]:
    return unexpected_tokens(symptom)


def token_clash(query: frozenset[str], symptom: str) -> bool:
    """The query and the matched symptom both say where a JSON parser stopped, at different
    characters: another body than the symptom's ('u' for undefined is not '<' for HTML)."""
    if not query:
        return False
    listed = _symptom_tokens(symptom)
    return bool(listed and not query & listed)


_METACHARS = re.compile(r"[.^$*+?{}\[\]\\|()]")


def _anchors(pattern: str) -> tuple[str, ...]:
    """Per top-level alternative of a pattern of plain words, escaped signs and `(?:...)`
    groups, its longest run of plain characters: every match contains one of them, so a text
    with none of them cannot match (a pattern with other syntax is refused here, at import)."""
    alternatives, depth, start = [], 0, 0
    for at, char in enumerate(pattern):
        escaped = at > 0 and pattern[at - 1] == "\\"
        depth += 0 if escaped else (char == "(") - (char == ")")
        if char == "|" and depth == 0 and not escaped:
            alternatives.append(pattern[start:at])
            start = at + 1
    anchors = []
    for alternative in [*alternatives, pattern[start:]]:
        grouped = re.sub(r"\(\?:[^()]*\)\??", "\0", alternative)
        plain = re.sub(r"\\[^\w\s]", "\0", grouped).split("\0")  # an escaped sign ends a run
        if any(_METACHARS.search(part) for part in plain):
            raise ValueError(f"no plain anchor in {alternative!r}")
        anchors.append(max(plain, key=len))
    return tuple(anchors)


_GENERIC_ANCHORS = _anchors(GENERIC_MESSAGES.pattern)


class Candidate(Protocol):
    """What rank.Ranked offers here."""

    evidence: float
    matched_symptom: str
    shared: bool


def mark_shared(ranked: Sequence[Candidate]) -> None:
    """Mark every strong candidate whose matched message another strong candidate also lists
    (numbers, paths and quoted values masked)."""
    strong = [r for r in ranked if r.evidence >= STRONG]
    if len(strong) < 2:  # a lone strong candidate shares with none: its text is not masked
        for result in strong:
            result.shared = False
        return
    texts = [(r, masked_lower(r.matched_symptom)) for r in strong]
    for result, text in texts:
        result.shared = any(
            other is not result and _same_message(text, other_text) for other, other_text in texts
        )


def same_message(symptom: str, other: str) -> bool:
    """Both symptoms print one message (numbers, paths and quoted values masked)."""
    return _same_message(masked_lower(symptom), masked_lower(other))


@lru_cache(maxsize=20_000)
def masked_lower(symptom: str) -> str:
    """A symptom with its numbers, paths and quoted values masked, lowercased."""
    return mask(symptom).lower()


@lru_cache(maxsize=50_000)
def _same_message(text: str, other: str) -> bool:
    return fuzz.partial_ratio(text, other) >= SAME_MESSAGE


def is_differential(ranked: Sequence[Candidate]) -> bool:
    """Two or more candidates list the query's message: the message alone cannot choose."""
    return sum(1 for r in ranked if r.shared) > 1


def errnos(text: str) -> frozenset[str]:
    """The errno numbers a text names, symbolic names and the C library's messages read as their
    Linux numbers: the specific value that a masked message ("[Errno <n>]") no longer shows."""
    text = text[:MAX_VALUE_CHARS]
    found: set[str] = set()
    if "rrno" in text or "os error " in text:  # what _ERRNO_NUMBER needs (a scan costs more)
        found.update(match.group(1) for match in _ERRNO_NUMBER.finditer(text))
    for match in _ERRNO_TEXT.finditer(text):
        number = _strerror_number(match.group(1))
        if number:
            found.add(number)
    for match in _ERRNO_NAME.finditer(text):
        start = match.start()
        if match.group() in _NAMES and (start == 0 or not text[start - 1].isalnum()):
            found.add(_NAMES[match.group()])
    return frozenset(found)


def _strerror_number(words: str) -> str | None:
    """The errno whose C library message starts these words, the longest that fits."""
    parts = words.lower().replace(",", " ").split()
    if parts[0] not in _STRERROR_FIRST:
        return None
    for n in range(min(len(parts), _STRERROR_WORDS), 0, -1):
        number = _STRERRORS.get(" ".join(parts[:n]))
        if number:
            return number
    return None


@lru_cache(maxsize=20_000)
def _symptom_errnos(symptom: str) -> frozenset[str]:
    return errnos(symptom)


@lru_cache(maxsize=20_000)
def is_generic(symptom: str) -> bool:
    """The symptom is a message that several causes print (GENERIC_MESSAGES); most texts
    contain none of its anchors and are not scanned by the pattern at all."""
    lower = symptom.lower()
    for anchor in _GENERIC_ANCHORS:
        if anchor in lower:
            return GENERIC_MESSAGES.search(lower) is not None
    return False


def errno_clash(query: frozenset[str], symptom: str) -> bool:
    """The query and the matched symptom both name errnos, and no one is the same: a cousin of
    the symptom's error, not it."""
    if not query:  # most queries name none: the symptom is not read
        return False
    listed = _symptom_errnos(symptom)
    return bool(listed and not query & listed)


def gap_values(parts: list[float], total: float, counts: list[int]) -> list[float]:
    """Each candidate's gap from the weight of the query words it knows (`parts`), of all of
    them (`total`) and its token count."""
    if total <= 0:
        return [0.0 if count else 1.0 for count in counts]
    return [1.0 - part / total if count else 1.0 for count, part in zip(counts, parts, strict=True)]


def telling_of(known: Any, query_idf: Any, count: int) -> list[int]:
    """Per candidate (a row of `known`: which query words it lists), how many of the query's
    words it lists that at most RARE_ENTRIES entries of `count` list: words that name a cause
    ("Popen", "jitter", "lru_cache"), where the words of an effect ("hangs", "slow") are listed
    by many entries."""
    rare = query_idf >= _rare_idf(count)
    return list((known & rare).sum(axis=1).tolist())


@lru_cache(maxsize=64)
def _rare_idf(count: int) -> Any:
    """The idf at or above which a word is rare among `count` entries (less a tolerance)."""
    return bm25_idf(np.float64(RARE_ENTRIES), count) - 1e-9
