"""Give a transformer at most model_max_length tokens: truncate, or cut a long text into
overlapping windows and pool them."""

# WRONG: tokenize without truncation and feed every token to the model.
#     ids = tokenizer(text)["input_ids"]   # warns: Token indices sequence length is longer than
#                                          # the specified maximum sequence length (1017 > 512)
#     model(torch.tensor([ids]))           # IndexError: index out of range in self, or
#                                          # The size of tensor a (1017) must match ... b (512)
# With Hugging Face tokenizers, truncation is one argument:
#     tokenizer(text, truncation=True, max_length=tokenizer.model_max_length)
# and a fast tokenizer returns overlapping windows of a long document itself:
#     tokenizer(text, truncation=True, max_length=512, stride=128, return_overflowing_tokens=True)
# The functions below do the same on token ids, for any tokenizer.

SPECIAL_TOKENS = 2  # [CLS] ... [SEP] (BERT), <s> ... </s> (RoBERTa): added around each window


def room(max_length: int, specials: int = SPECIAL_TOKENS) -> int:
    """How many of the text's own tokens fit beside the special tokens."""
    if max_length - specials <= 0:
        raise ValueError(f"max_length {max_length} leaves no room beside {specials} special tokens")
    return max_length - specials


def truncate(ids: list[int], max_length: int, specials: int = SPECIAL_TOKENS) -> list[int]:
    """The text's first tokens that fit the model (what truncation=True keeps)."""
    return ids[: room(max_length, specials)]


def windows(
    ids: list[int], max_length: int, overlap: int = 128, specials: int = SPECIAL_TOKENS
) -> list[list[int]]:
    """Every token of a long text in windows that each fit the model; consecutive windows share
    `overlap` tokens, so a sentence cut at one window's end is whole in the next."""
    size = room(max_length, specials)
    if not 0 <= overlap < size:
        raise ValueError(f"overlap must be between 0 and {size - 1}, got {overlap}")
    step = size - overlap
    return [ids[start : start + size] for start in range(0, max(len(ids) - overlap, 1), step)]


def mean_pool(vectors: list[list[float]], lengths: list[int]) -> list[float]:
    """One vector for the whole text: the windows' vectors averaged, weighed by their lengths."""
    total = sum(lengths)
    return [sum(v[i] * n for v, n in zip(vectors, lengths)) / total for i in range(len(vectors[0]))]
