"""A stand-in encoder with 512 position embeddings, as BERT has: a 1,300-token text makes the
tokenizer warn and the model fail with IndexError; truncated, it runs on the first 510 tokens;
in overlapping windows, every token is read and the text gets one pooled vector."""

import logging

from errata_check import load_snippet, record

ns = load_snippet()
truncate, windows, mean_pool = ns["truncate"], ns["windows"], ns["mean_pool"]

MAX_LENGTH, CLS, SEP = 512, 101, 102
warnings: list[str] = []
logging.basicConfig(level=logging.WARNING)


class Collect(logging.Handler):
    def emit(self, rec: logging.LogRecord) -> None:
        warnings.append(rec.getMessage())


log = logging.getLogger("tokenization")
log.addHandler(Collect())


def tokenize(text: str) -> list[int]:
    """The reader's tokenizer: one id per word, a warning like Hugging Face's when too long."""
    ids = [1000 + (sum(map(ord, word)) % 20000) for word in text.split()]
    if len(ids) + 2 > MAX_LENGTH:
        log.warning(
            "Token indices sequence length is longer than the specified maximum sequence length "
            "for this model (%d > %d). Running this sequence through the model will result in "
            "indexing errors", len(ids) + 2, MAX_LENGTH,
        )
    return ids


POSITIONS = [[(p % 7) / 7.0, (p % 11) / 11.0] for p in range(MAX_LENGTH)]  # 512 rows, as BERT


def encode(ids: list[int]) -> list[float]:
    """The reader's model: a position embedding lookup per token, like torch.nn.Embedding."""
    seq = [CLS, *ids, SEP]
    total = [0.0, 0.0]
    for position, token in enumerate(seq):
        if position >= len(POSITIONS):
            raise IndexError("index out of range in self")
        row = POSITIONS[position]
        total = [total[0] + row[0] + token * 1e-6, total[1] + row[1]]
    return [x / len(seq) for x in total]


text = " ".join(f"word{i % 97} token{i}" for i in range(650))  # 1,300 words
ids = tokenize(text)

# WRONG: every token into the model.
try:
    encode(ids)
    raise AssertionError("a 1,302-position input should not fit 512 position embeddings")
except IndexError as exc:
    assert str(exc) == "index out of range in self"
assert warnings and "(1302 > 512)" in warnings[0], warnings

# RIGHT, truncation: the first 510 tokens, with the special tokens 512 positions.
cut = truncate(ids, MAX_LENGTH)
assert len(cut) == 510 and cut == ids[:510]
vector = encode(cut)
assert len(vector) == 2

# RIGHT, windows: every token read, each window fits, neighbours share the overlap.
parts = windows(ids, MAX_LENGTH, overlap=128)
assert all(len(p) + 2 <= MAX_LENGTH for p in parts)
assert parts[0][0] == ids[0] and parts[-1][-1] == ids[-1]
for a, b in zip(parts, parts[1:]):
    assert a[-128:] == b[:128], "windows should overlap by 128 tokens"
starts = [0]
for p in parts[1:]:
    starts.append(starts[-1] + 510 - 128)
assert sorted({i for s, p in zip(starts, parts) for i in range(s, s + len(p))}) == list(range(len(ids)))
pooled = mean_pool([encode(p) for p in parts], [len(p) for p in parts])
assert len(pooled) == 2 and all(0.0 <= x <= 1.0 for x in pooled)

# A short text is one window; a nonsensical overlap is refused, not looped on.
assert windows(ids[:40], MAX_LENGTH) == [ids[:40]]
assert windows([], MAX_LENGTH) == [[]]
for bad in (510, -1):
    try:
        windows(ids, MAX_LENGTH, overlap=bad)
        raise AssertionError(f"overlap {bad} should be refused")
    except ValueError:
        pass

record(
    tokens=len(ids),
    max_length=MAX_LENGTH,
    untruncated="IndexError: index out of range in self",
    truncated_tokens=len(cut),
    windows=len(parts),
    overlap=128,
)
