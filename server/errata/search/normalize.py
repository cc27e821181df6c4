"""Normalize what an agent pastes: keep the signal of a trace, mask the noise.

Handles Python tracebacks (chained, ExceptionGroup), JavaScript/TypeScript stacks, Go panics
and goroutine dumps, Java/Kotlin stacks and thread dumps, Rust panics, log lines and plain
sentences. The result keeps exception types (qualified and bare), messages and frame function
names; paths, numbers, addresses, ids, timestamps and quoted values are masked (message lines:
messages.py).
Long inputs are cut to the lines that matter rather than rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import formats
from .common import common_line
from .evidence import errnos, is_generic, markup_body, unexpected_tokens
from .frames import js_frame
from .limits import BUDGET_SECONDS, CpuBudget, clip, read_order
from .mask import fingerprint, has_quotes, is_specific, mask, tokenize
from .messages import EXC_LINE, classify_message

MAX_KEY_LINES = 12
MAX_FRAMES = 40
MAX_OTHER_LINES = 40
MAX_LINE_CHARS = 600  # what is kept of a line
MAX_CLASSIFY_CHARS = 2_000  # what the line patterns read of a line

_PY_FRAME = re.compile(r'^\s*File "(?P<path>[^"]*)", line \d+(?:, in (?P<func>\S+))?')
_JAVA_FRAME = re.compile(r"^\s*at (?P<func>[\w$.<>/]+)\((?P<loc>[^)]*)\)")
_GO_FRAME = re.compile(r"^(?P<func>(?:[\w./-]+/)?[\w-]+\.[\w.()*$\[\]]+)\((?:[^()]*)\)$")
_GO_LOC = re.compile(r"^\s+\S+\.go:\d+(?: \+0x[0-9a-f]+)?$")
_GOROUTINE = re.compile(
    r"^goroutine \d+ \[(?P<state>[^\],]+)(?:, \d+ minutes)?(?:, locked to thread)?\]:"
)
_RUST_FRAME = re.compile(
    r"^\s*\d+:\s+(?:0x[0-9a-f]+ - )?(?P<func>[\w:<>$ ]+?)(?:::h[0-9a-f]{16})?$"
)
_RUST_AT = re.compile(r"^\s+at \S+:\d+(?::\d+)?$")
_THREAD_STATE = re.compile(
    r"^\s*(?:java\.lang\.Thread\.State: .*|- (?:waiting to lock|locked|"
    r"waiting on|parking to wait for) .*)$"
)
_JAVA_DEADLOCK = re.compile(r"^Found (?:one|\d+) Java-level deadlocks?", re.I)
_CHAIN = re.compile(
    r"^(?:During handling of the above exception|The above exception was the direct cause)", re.I
)
_QUOTE_CHARS = re.compile(r"\bb?['\"`]|['\"`]")
# A JavaScript stack kept as one JSON string or repr (JSON loggers, util.inspect of an error):
# its frames follow escaped newlines, and its first line sits behind `{"stack":"`, `[` or `'`.
_ESCAPED_FRAME = re.compile(r"\\n(?=[ \t]{1,12}at )")
_NOISE = re.compile(r"^\s*+(?:\^++|~++|\.\.\.\s*+\d++ more|-++|=++)?$")
_GROUP_BAR = re.compile(r"^\s*(?:[|+]-*\+?-*(?:\s*\d+\s*-+)?\s*)+")


@dataclass
class Normalized:
    """What the index needs of a query or a symptom."""

    text: str  # the masked, cut text: what `query_normalized` shows
    key_lines: list[str] = field(default_factory=list)  # masked exception / error lines
    exception_types: list[str] = field(default_factory=list)  # qualified and bare
    frames: list[str] = field(default_factory=list)
    fingerprints: list[int] = field(default_factory=list)  # templates: every value masked
    word_fingerprints: list[int] = field(default_factory=list)  # quoted type names kept
    tokens: list[str] = field(default_factory=list)
    type_tokens: list[str] = field(default_factory=list)  # of the exception types
    frame_tokens: list[str] = field(default_factory=list)  # of the frames
    focus_tokens: list[str] = field(default_factory=list)  # tokens of the key lines
    line_tokens: list[list[str]] = field(default_factory=list)  # per key line (or the sentence)
    kind: str = "text"
    errnos: frozenset[str] = frozenset()  # errno values named (evidence.errnos): not masked
    # read from the text before masking (a quoted '<' is masked): where a JSON parser stopped
    # ('<', 'u'), and whether an HTML body shows (evidence.unexpected_tokens, markup_body)
    parser_stops: frozenset[str] = frozenset()
    shows_markup: bool = False
    generic_message: bool = False  # every key line is a message several causes print


def _add_type(types: list[str], name: str) -> None:
    for candidate in (name, name.rsplit(".", 1)[-1]):
        if candidate not in types:
            types.append(candidate)


def _message_of(rest: str) -> str:
    return rest.lstrip(":-( ").strip()


class _Collector:
    """Sorts lines into key lines, frames and the rest, with caps and de-duplication."""

    def __init__(self) -> None:
        self.key: list[str] = []
        self.words: dict[str, str] = {}  # masked line -> the same line masked for search tokens
        self.types: list[str] = []
        self.frames: list[str] = []
        self.other: list[str] = []
        self.seen: set[str] = set()
        self.offered: set[tuple[int, str]] = set()  # (bucket, line): masked once is enough
        self.kind = "text"
        self.after_frame = False  # the next line is a Python frame's source line
        self.after_panic = False  # the next line is a Rust panic's message
        self.last_source = ""  # the last frame's source line (formats.Collector)
        self.ipython = False  # an IPython traceback (formats.Collector)

    def _keep(self, bucket: list[str], value: str, cap: int) -> bool:
        if value and value not in self.seen and len(bucket) < cap:
            self.seen.add(value)
            bucket.append(value)
            return True
        return False

    def _keep_line(self, bucket: list[str], line: str, cap: int) -> None:
        line = clip(line, MAX_LINE_CHARS)
        offer = (id(bucket), line)
        if len(bucket) >= cap or offer in self.offered:
            return  # it would be refused again: masking it would only cost time
        self.offered.add(offer)
        masked = mask(line)
        if self._keep(bucket, masked, cap):
            quoted = has_quotes(line)  # else quoted words change nothing
            self.words[masked] = mask(line, keep_quoted_words=True) if quoted else masked

    def key_line(self, line: str, exc_type: str | None = None) -> None:
        if exc_type:
            _add_type(self.types, exc_type)
        self._keep_line(self.key, line, MAX_KEY_LINES)

    def frame(self, func: str | None, kind: str) -> None:
        if kind != "text" and self.kind == "text":
            self.kind = kind
        if func and func not in ("<module>", "<anonymous>", "new", "Object.<anonymous>"):
            self._keep(self.frames, func.strip(), MAX_FRAMES)

    def other_line(self, line: str) -> None:
        self._keep_line(self.other, line, MAX_OTHER_LINES)


def _classify(line: str, out: _Collector) -> None:
    if common_line(line, out):  # most lines of a Python traceback
        return
    line = formats.strip_container_prefix(line)
    if line.lstrip().startswith(("|", "+-")):  # ExceptionGroup tree drawing
        line = _GROUP_BAR.sub("  ", line, count=1)
    stripped = line.strip()
    after_frame, after_panic = out.after_frame, out.after_panic
    out.after_frame = out.after_panic = False
    if formats.classify(stripped, out):
        return
    if _NOISE.match(stripped) or _CHAIN.match(stripped) or "Traceback (most recent" in stripped:
        return
    if after_panic and not _RUST_FRAME.match(line):
        out.key_line(stripped)
    elif m := _PY_FRAME.match(line):
        out.frame(formats.qualified(m.group("func"), m.group("path")), "python")
        out.after_frame = True
    elif after_frame and line.startswith((" ", "\t")) and not EXC_LINE.match(stripped):
        out.last_source = stripped  # code, not the error; kept for a trace cut before it
    elif m := _JAVA_FRAME.match(line):
        out.frame(m.group("func").rsplit("/", 1)[-1], "java")
    elif _GO_LOC.match(line) or _RUST_AT.match(line):
        return
    elif js := js_frame(line):
        out.frame(formats.qualified(*js), "javascript")
    elif m := _GOROUTINE.match(stripped):
        out.kind = "go"
        out._keep(out.other, f"goroutine [{m.group('state')}]", MAX_OTHER_LINES)
    elif m := _GO_FRAME.match(stripped):
        out.frame(m.group("func"), "go")
    elif (m := _RUST_FRAME.match(line)) and "::" in line:
        out.frame(m.group("func"), "rust")
    elif _THREAD_STATE.match(line) or _JAVA_DEADLOCK.match(stripped):
        out.key_line(stripped)
    else:
        classify_message(stripped, out)


def normalize(text: str, *, cpu_seconds: float = BUDGET_SECONDS) -> Normalized:
    """Normalize a trace, log excerpt or sentence for matching.

    Text that masks to no search token at all (a log of bytes reprs, say) is searched on its
    raw words instead: quotes dropped, so quoted values count as words. Reading stops when
    `cpu_seconds` of this thread's CPU time are spent (see `limits.py`).
    """
    budget = CpuBudget(cpu_seconds)
    norm = _normalize(text, budget)
    if not norm.tokens and not budget.spent():
        raw = _normalize(_QUOTE_CHARS.sub(" ", text), budget)
        if raw.tokens:
            norm = raw
    norm.errnos = errnos(text)
    norm.parser_stops = unexpected_tokens(text)
    norm.shows_markup = markup_body(text)
    norm.generic_message = bool(norm.key_lines) and all(
        is_generic(line.replace("<n>", "1"))
        for line in norm.key_lines  # numbers masked
    )
    return norm


def _normalize(text: str, budget: CpuBudget) -> Normalized:
    out = _Collector()
    text = _ESCAPED_FRAME.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [part for line in text.split("\n") for part in formats.unfold_flat_traceback(line)]
    lines = formats.join_json_bodies(lines)
    for index in read_order(len(lines), budget):
        if lines[index].strip():
            _classify(clip(lines[index], MAX_CLASSIFY_CHARS), out)
    formats.demote_wrappers(out.key, out.other)
    cut = not out.key  # no exception line: a trace's first log line, and the source line
    if cut and out.other and out.kind != "text" and not out.ipython:  # it was executing
        out.key.append(out.other.pop(0))  # (an IPython trace's lines there are its code)
    if cut and out.last_source:
        out.key_line(out.last_source)
    key_lines = [tokenize(out.words.get(line, line)) for line in out.key]
    type_tokens = tokenize(" ".join(out.types))
    key_tokens = [t for line in key_lines for t in line] + type_tokens
    frame_tokens = tokenize(" ".join(out.frames))
    other_tokens = tokenize(" ".join(out.words.get(line, line) for line in out.other))
    is_sentence = not out.key and not out.frames
    words = [out.words.get(k, k) for k in out.key]
    prints = _fingerprints(out.key, key_lines)
    parts = out.key + ([" ".join(out.frames)] if out.frames else []) + out.other
    return Normalized(
        text="\n".join(parts)[:8_000],
        key_lines=out.key,
        exception_types=out.types,
        frames=out.frames,
        fingerprints=prints,
        word_fingerprints=prints if words == out.key else _fingerprints(words, key_lines),
        tokens=key_tokens + frame_tokens + other_tokens,
        type_tokens=type_tokens,
        frame_tokens=frame_tokens,
        focus_tokens=other_tokens if is_sentence else key_tokens or other_tokens,
        line_tokens=[line for line in key_lines if line] or [other_tokens],
        kind=out.kind,
    )


_BACKGROUND = re.compile(r"(?<!\s)\s*+\(Background on this error at:\s*+<url>\s*+\)\s*+$")


def _fingerprints(
    key_lines: list[str], line_tokens: list[list[str]], *, checked: bool = False
) -> list[int]:
    """Fingerprints of each specific key line, whole and without its exception type."""
    prints: list[int] = []
    for line, tokens in zip(key_lines, line_tokens, strict=True):
        if not checked and not is_specific(tokens):
            continue  # "fatal error: all goroutines are asleep" alone names no cause
        prints.append(fingerprint(line))
        m = EXC_LINE.match(line)
        message = _message_of(m.group("rest")) if m else ""
        message = _BACKGROUND.sub("", message)
        if len(message) >= 12:
            prints.append(fingerprint(message))
    return prints


@lru_cache(maxsize=20_000)
def _type_tokens(types: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(tokenize(" ".join(types)))


@dataclass(frozen=True)
class LineInfo:
    """A one-line symptom (or title), analysed cheaply: what the index and the reranker need."""

    masked: str
    tokens: tuple[str, ...]
    types: frozenset[str]
    prints: frozenset[int]
    word_prints: frozenset[int]
    specific: bool


def analyze_line(text: str) -> LineInfo:
    """Tokens, exception type and fingerprints of a symptom; multi-line ones get `normalize`."""
    if "\n" in text:
        norm = normalize(text)
        return LineInfo(
            norm.text.lower(),
            tuple(norm.tokens),
            frozenset(t.lower() for t in norm.exception_types),
            frozenset(norm.fingerprints),
            frozenset(norm.word_fingerprints),
            is_specific(norm.tokens),
        )
    words = mask(clip(text, MAX_LINE_CHARS), keep_quoted_words=True)
    tokens = tokenize(words)
    match = EXC_LINE.match(words)
    types: list[str] = []
    if match:
        _add_type(types, match.group("type"))
    specific = is_specific(tokens)
    word_prints = _fingerprints([words], [tokens], checked=True) if specific else []
    if has_quotes(text) and specific:
        prints = _fingerprints([mask(clip(text, MAX_LINE_CHARS))], [tokens], checked=True)
    else:
        prints = word_prints
    all_tokens = tokens + list(_type_tokens(tuple(types))) if types else tokens
    return LineInfo(
        words.lower(),
        tuple(all_tokens),
        frozenset(t.lower() for t in types),
        frozenset(prints),
        frozenset(word_prints),
        specific or is_specific(all_tokens),
    )
