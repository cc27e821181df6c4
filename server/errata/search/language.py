"""Which programming language a pasted trace comes from, by the shapes only it prints."""

from __future__ import annotations

import re

# Each language's telltale lines, strongest first; a trace counts the patterns it matches.
_SIGNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "go": (
        re.compile(r"^goroutine \d+ \[", re.M),
        re.compile(r"all goroutines are asleep"),
        re.compile(r"\.go:\d+(?: \+0x[0-9a-f]+)?$", re.M),
        re.compile(r"^panic: ", re.M),
        re.compile(r"\bmain\.main\(\)"),
    ),
    "javascript": (
        re.compile(r"^\s+at .*\((?:node:|file://)?[^()]*\.(?:[cm]?js|tsx?):\d+:\d+\)$", re.M),
        re.compile(r"\bnode:internal/"),
        re.compile(
            r"\bE(?:ADDRINUSE|CONNREFUSED|CONNRESET|NOTFOUND)\b.*(?:listen|connect)|"
            r"\bcode: 'E[A-Z]+'"
        ),
        re.compile(r"UnhandledPromiseRejection|node_modules[\\/]"),
        re.compile(r"^Node\.js v\d+", re.M),
        # Node's coded errors ("TypeError [ERR_INVALID_ARG_TYPE]: ...") and its built-in frames
        re.compile(r"^(?:Uncaught )?\w*Error \[(?:UND_)?ERR_[A-Z0-9_]+\]:", re.M),
        re.compile(r"^\s+at .*\(node:[a-z_/]+:\d+:\d+\)$", re.M),
    ),
    "java": (
        re.compile(r"^\s+at [\w$.<>]+\([\w$]+\.(?:java|kt):\d+\)$", re.M),
        re.compile(r"^Exception in thread \"", re.M),
        re.compile(r"\b(?:java|javax|jakarta)\.[a-z]+\.\w+(?:Exception|Error)\b"),
        re.compile(r"java\.lang\.Thread\.State:"),
    ),
    "python": (
        re.compile(r"^Traceback \(most recent call last\):", re.M),
        re.compile(r'^\s*File "[^"]+\.py", line \d+', re.M),
        re.compile(r"\b(?:asyncio|sqlalchemy|psycopg2?|aiohttp|httpx|requests)\.\w"),
        re.compile(r"\b(?:ModuleNotFoundError|ImportError|RuntimeError|TypeError|KeyError):"),
    ),
}
NAMES = {"go": "Go", "javascript": "JavaScript/Node.js", "java": "Java", "python": "Python"}
_ALIASES = {
    "js": "javascript",
    "node": "javascript",
    "typescript": "javascript",
    "ts": "javascript",
    "golang": "go",
    "kotlin": "java",
    "py": "python",
}


def canonical(language: str) -> str:
    """A snippet's or entry's language under the names detection uses."""
    name = language.strip().lower()
    return _ALIASES.get(name, name)


def detect_language(trace: str) -> str | None:
    """The language the trace most likely comes from, or None when nothing tells."""
    scores = {lang: sum(1 for p in signs if p.search(trace)) for lang, signs in _SIGNS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] else None


def language_note(fix_language: str, trace_language: str | None) -> str:
    """One line when a fix is written in another language than the trace, else ''."""
    if trace_language is None or canonical(fix_language) == trace_language:
        return ""
    fix_name = NAMES.get(canonical(fix_language), fix_language)
    trace_name = NAMES.get(trace_language, trace_language)
    return (
        f"this fix's code is {fix_name}, your trace is {trace_name}: apply the idea, not the code"
    )
