"""A fake embeddings endpoint with a 512-token input limit and its own tokenizer: a whole file and
character-sized chunks are refused; token chunks are all embedded, and averaged into one vector."""

import math
import random
import re
import zlib

from errata_check import load_snippet, record

ns = load_snippet()
embed_chunks, embed_long_text = ns["embed_chunks"], ns["embed_long_text"]

LIMIT, DIMS = 512, 16
TOKEN = re.compile(r"\s*(?:[A-Za-z]{1,6}|\d{1,3}|\S)|\s+")


def encode(text: str) -> list[str]:
    return TOKEN.findall(text)


def decode(tokens: list[str]) -> str:
    return "".join(tokens)


class InputTooLong(Exception):
    pass


requests: list[int] = []


def embed(text: str) -> list[float]:
    """Stands in for client.embeddings.create(input=text): refuses inputs over the limit, as OpenAI does."""
    n = len(encode(text))
    if n > LIMIT:
        raise InputTooLong(
            f"This model's maximum context length is {LIMIT} tokens, however you requested {n} tokens "
            f"({n} in your prompt; 0 for the completion). Please reduce your prompt; or completion length."
        )
    requests.append(n)
    vector = [0.0] * DIMS
    for token in encode(text):
        vector[zlib.crc32(token.strip().lower().encode()) % DIMS] += 1.0
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


rng = random.Random(11)
WORDS = "parse the config file then open a pooled connection and retry on timeout".split()
prose = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(90)) for _ in range(6))
code = "\n".join(f"    x{i} = f({i}, {rng.randint(0, 99999)}, [{i * 7}, {i * 13}])" for i in range(120))
source_file = prose + "\n\n" + code + "\n\n" + prose

# WRONG 1: the whole file as one input.
try:
    embed(source_file)
    raise AssertionError("the whole file was embedded")
except InputTooLong as exc:
    assert "maximum context length is 512 tokens, however you requested" in str(exc)

# WRONG 2: 2,048-character chunks (the 4-characters-per-token rule of thumb for 512 tokens).
refused = 0
char_chunks = [source_file[i : i + 4 * LIMIT] for i in range(0, len(source_file), 4 * LIMIT)]
for chunk in char_chunks:
    try:
        embed(chunk)
    except InputTooLong:
        refused += 1
assert refused > 0, "every character chunk fitted"

# RIGHT: token chunks within the limit; per chunk for retrieval, or one weighted-average vector.
requests.clear()
pairs = embed_chunks(source_file, embed, max_tokens=LIMIT, encode=encode, decode=decode)
assert "".join(chunk for chunk, _ in pairs) == source_file  # nothing dropped, nothing repeated
assert max(requests) <= LIMIT and len(pairs) == len(requests)
vector = embed_long_text(source_file, embed, max_tokens=LIMIT, encode=encode, decode=decode)
assert abs(math.sqrt(sum(x * x for x in vector)) - 1.0) < 1e-9
weights = [len(encode(chunk)) for chunk, _ in pairs]
expected = [sum(w * v[i] for w, (_, v) in zip(weights, pairs)) for i in range(DIMS)]
scale = math.sqrt(sum(x * x for x in expected))
assert all(abs(a - b / scale) < 1e-9 for a, b in zip(vector, expected))
short = embed_chunks("retry on timeout", embed, max_tokens=LIMIT, encode=encode, decode=decode)
assert len(short) == 1 and short[0][1] == embed("retry on timeout")
overlapping = embed_chunks(source_file, embed, max_tokens=LIMIT, encode=encode, decode=decode, overlap=32)
assert len(overlapping) >= len(pairs) and all(len(encode(c)) <= LIMIT for c, _ in overlapping)
assert overlapping[1][0].startswith(decode(encode(overlapping[0][0])[-32:]))  # 32 tokens repeated

record(
    limit=LIMIT,
    file_tokens=len(encode(source_file)),
    file_characters=len(source_file),
    char_chunks=len(char_chunks),
    char_chunks_refused=refused,
    token_chunks=len(pairs),
    largest_token_chunk=max(weights),
)
