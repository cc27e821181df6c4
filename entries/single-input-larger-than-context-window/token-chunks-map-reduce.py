"""Summarise a document longer than the model's window: split it by tokens, then map-reduce."""

# WRONG: send the whole document in one prompt, or cut it by characters.
#     client.chat.completions.create(model=..., messages=[{"role": "user", "content": "Summarise:\n" + document}])
#     chunks = RecursiveCharacterTextSplitter(chunk_size=16000).split_text(document)  # 16,000 characters
# The first call, with no history at all, is refused ("This model's maximum context length is 8192
# tokens ... context_length_exceeded", Anthropic "prompt is too long", Bedrock "Input is too long for
# requested model"): characters are not tokens (code, numbers and non-English text take more tokens
# per character), a piece without separators stays whole ("Created a chunk of size 23000, which is
# longer than the specified 16000"), and the chunk size left no room for the prompt and the answer.

MAP_PROMPT = "Summarise this part of a longer document. Keep names, numbers and section titles.\n\n"
REDUCE_PROMPT = "Combine these partial summaries into one summary. Keep every section title.\n\n"
SEPARATOR = "\n\n"


def split_by_tokens(text: str, max_tokens: int, overlap: int, encode, decode) -> list[str]:
    """Chunks of at most max_tokens tokens as the model counts them, each overlapping the previous
    by `overlap` tokens. encode/decode: the model's tokenizer, e.g. tiktoken's
    enc = tiktoken.encoding_for_model("gpt-4o"); split_by_tokens(text, 4000, 200, enc.encode, enc.decode)."""
    if not 0 <= overlap < max_tokens:
        raise ValueError("overlap must be at least 0 and smaller than max_tokens")
    ids = encode(text)
    chunks, start = [], 0
    while True:
        chunks.append(decode(ids[start : start + max_tokens]))
        if start + max_tokens >= len(ids):
            return chunks
        start += max_tokens - overlap


def text_budget(prompt: str, window: int, max_output: int, encode) -> int:
    """Tokens left for the document text in one request: window - instructions - the answer."""
    budget = window - len(encode(prompt)) - max_output
    if budget < 2 * max_output + len(encode(SEPARATOR)):
        raise ValueError(f"a {window}-token window leaves no room to combine {max_output}-token summaries")
    return budget


def pack(texts: list[str], budget: int, encode) -> list[list[str]]:
    """Group consecutive texts so that each group, joined, fits in `budget` tokens."""
    groups: list[list[str]] = [[]]
    for text in texts:
        candidate = groups[-1] + [text]
        if groups[-1] and len(encode(SEPARATOR.join(candidate))) > budget:
            groups.append([text])
        else:
            groups[-1] = candidate
    return groups


def map_reduce_summary(text: str, complete, *, window: int, max_output: int, encode, decode, overlap: int = 100) -> str:
    """complete(prompt, max_tokens) -> str calls the model. Every request fits the window: the map
    step summarises token-sized chunks, the reduce step combines summaries in groups that fit,
    again and again, until one summary is left."""
    budget = min(text_budget(MAP_PROMPT, window, max_output, encode), text_budget(REDUCE_PROMPT, window, max_output, encode))
    if len(encode(text)) <= budget:
        return complete(MAP_PROMPT + text, max_output)
    summaries = [complete(MAP_PROMPT + chunk, max_output) for chunk in split_by_tokens(text, budget, overlap, encode, decode)]
    while len(summaries) > 1:
        groups = pack(summaries, budget, encode)
        summaries = [complete(REDUCE_PROMPT + SEPARATOR.join(group), max_output) for group in groups]
    return summaries[0]
