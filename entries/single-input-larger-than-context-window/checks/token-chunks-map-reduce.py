"""A fake chat model with a 4,096-token window and its own tokenizer: the whole report and the
character-sized chunks are refused on the first call; token chunks plus map-reduce never are."""

import random
import re

from errata_check import load_snippet, record

ns = load_snippet()
map_reduce_summary, split_by_tokens = ns["map_reduce_summary"], ns["split_by_tokens"]
MAP_PROMPT = ns["MAP_PROMPT"]

WINDOW, MAX_OUTPUT = 4096, 256
# The model's tokenizer: short letter runs, digits in threes, every other character on its own
# (so numbers, code and CJK text take more tokens per character than English prose).
TOKEN = re.compile(r"\s*(?:[A-Za-z]{1,6}|\d{1,3}|\S)|\s+")


def encode(text: str) -> list[str]:
    return TOKEN.findall(text)


def decode(tokens: list[str]) -> str:
    return "".join(tokens)


class ContextLengthExceeded(Exception):
    pass


calls: list[int] = []


def complete(prompt: str, max_tokens: int) -> str:
    """Stands in for one chat completion with an empty history: refuses what does not fit, else
    'summarises' by listing the section titles it was shown (at most max_tokens tokens)."""
    used = len(encode(prompt))
    if used + max_tokens > WINDOW:
        raise ContextLengthExceeded(
            f"This model's maximum context length is {WINDOW} tokens. However, you requested "
            f"{used + max_tokens} tokens ({used} in the messages, {max_tokens} in the completion). "
            "Please reduce the length of the messages or completion. (context_length_exceeded)"
        )
    calls.append(used + max_tokens)
    titles = list(dict.fromkeys(re.findall(r"Section S\d\d", prompt)))
    return decode(encode("Summary: " + "; ".join(titles))[:max_tokens])


rng = random.Random(7)
WORDS = "the team measured latency across regions and found the cache helped most requests".split()


def section(n: int) -> str:
    prose = " ".join(rng.choice(WORDS) for _ in range(220)) + "."
    table = "\n".join(" | ".join(f"{rng.uniform(0, 9999):.4f}" for _ in range(8)) for _ in range(25))
    cjk = "".join(rng.choice("数据延迟缓存区域请求测量结果") for _ in range(700))
    return f"Section S{n:02d}\n\n{prose}\n\n{table if n % 3 == 0 else cjk if n % 3 == 1 else prose}"


minified = '{"rows":[' + ",".join(f'{{"id":{i},"v":{rng.random():.6f}}}' for i in range(700)) + "]}"
report = "\n\n".join(section(n) for n in range(1, 31)) + "\n\n" + minified
report_tokens = len(encode(report))
budget_chars = 4 * (WINDOW - MAX_OUTPUT - len(encode(MAP_PROMPT)))  # "a token is about 4 characters"

# WRONG 1: the whole report in one request; the first call (no history) is refused.
try:
    complete(MAP_PROMPT + report, MAX_OUTPUT)
    raise AssertionError("the whole report was accepted")
except ContextLengthExceeded as exc:
    assert "maximum context length is 4096 tokens" in str(exc)


def char_chunks(text: str, chunk_size: int) -> list[str]:
    """LangChain-style: split on blank lines, merge pieces while len() fits; warn about pieces that
    cannot be split and are kept whole."""
    chunks, current = [], ""
    for piece in text.split("\n\n"):
        if len(piece) > chunk_size:
            splitter_log.append(f"Created a chunk of size {len(piece)}, which is longer than the specified {chunk_size}")
        if current and len(current) + 2 + len(piece) > chunk_size:
            chunks.append(current)
            current = piece
        else:
            current = f"{current}\n\n{piece}" if current else piece
    return [*chunks, current]


# WRONG 2: chunks measured in characters, sized with the 4-characters-per-token rule of thumb.
splitter_log: list[str] = []
refused = 0
char_chunked = char_chunks(report, budget_chars)
for chunk in char_chunked:
    try:
        complete(MAP_PROMPT + chunk, MAX_OUTPUT)
    except ContextLengthExceeded:
        refused += 1
assert refused > 0, "every character-sized chunk fitted"
assert splitter_log and "which is longer than the specified" in splitter_log[0], splitter_log
worst_char_chunk = max(len(encode(MAP_PROMPT + c)) for c in char_chunked)

# RIGHT: token chunks with overlap, map, then reduce in groups that fit, until one summary.
calls.clear()
summary = map_reduce_summary(report, complete, window=WINDOW, max_output=MAX_OUTPUT, encode=encode, decode=decode, overlap=64)
assert max(calls) <= WINDOW, max(calls)
assert all(f"Section S{n:02d}" in summary for n in range(1, 31)), summary  # no section dropped
chunks = split_by_tokens(report, 3000, 64, encode, decode)
assert all(len(encode(c)) <= 3000 for c in chunks)
assert "".join(decode(encode(c)[64:]) if i else c for i, c in enumerate(chunks)) == report  # every token kept
truncated = decode(encode(report)[: WINDOW - MAX_OUTPUT - len(encode(MAP_PROMPT))])
assert len(set(re.findall(r"Section S\d\d", truncated))) < 30  # cutting to fit would lose sections
assert map_reduce_summary("Section S01\n\nshort text.", complete, window=WINDOW, max_output=MAX_OUTPUT, encode=encode, decode=decode) == "Summary: Section S01"
for bad in ({"max_tokens": 10, "overlap": 10}, {"max_tokens": 10, "overlap": -1}):
    try:
        split_by_tokens("a b c", bad["max_tokens"], bad["overlap"], encode, decode)
        raise AssertionError(f"overlap {bad} accepted")
    except ValueError:
        pass
try:
    map_reduce_summary(report, complete, window=600, max_output=256, encode=encode, decode=decode)
    raise AssertionError("a window too small to combine summaries was accepted")
except ValueError:
    pass

record(
    window=WINDOW,
    report_tokens=report_tokens,
    report_characters=len(report),
    char_chunks=len(char_chunked),
    char_chunks_refused=refused,
    largest_char_chunk_request=worst_char_chunk + MAX_OUTPUT,
    map_reduce_calls=len(calls),
    largest_map_reduce_request=max(calls),
    sections_in_summary=30,
)
