"""Embed a text longer than the embedding model's input limit: one request per token-sized chunk."""

import math

# WRONG: one embeddings request per file or page, whatever its length, or chunks cut by characters.
#     client.embeddings.create(model="text-embedding-3-small", input=whole_file)
# Refused as soon as one input is over the model's limit (8,191 tokens for OpenAI's embedding models,
# 512 for many local ones): "This model's maximum context length is 8192 tokens, however you requested
# 12000 tokens (12000 in your prompt; 0 for the completion)", Ollama "the input length exceeds the
# context length". Retrying the same input fails the same way.


def token_chunks(text: str, max_tokens: int, encode, decode, overlap: int = 0) -> list[str]:
    """Chunks of at most max_tokens tokens as the embedding model counts them (tiktoken's
    enc.encode / enc.decode for OpenAI models, the model's own tokenizer for local ones)."""
    if not 0 <= overlap < max_tokens:
        raise ValueError("overlap must be at least 0 and smaller than max_tokens")
    ids = encode(text)
    chunks, start = [], 0
    while True:
        chunks.append(decode(ids[start : start + max_tokens]))
        if start + max_tokens >= len(ids):
            return chunks
        start += max_tokens - overlap


def embed_chunks(text: str, embed, *, max_tokens: int, encode, decode, overlap: int = 0) -> list[tuple[str, list[float]]]:
    """(chunk, vector) pairs, each chunk within the limit: store them per chunk for retrieval.
    embed(text) -> list[float] is one embeddings request."""
    return [(chunk, embed(chunk)) for chunk in token_chunks(text, max_tokens, encode, decode, overlap)]


def embed_long_text(text: str, embed, *, max_tokens: int, encode, decode) -> list[float]:
    """One vector for the whole text: the chunk vectors averaged, weighted by their token counts,
    then scaled back to unit length (as OpenAI's embeddings are)."""
    pairs = embed_chunks(text, embed, max_tokens=max_tokens, encode=encode, decode=decode)
    weights = [len(encode(chunk)) for chunk, _ in pairs]
    total = sum(weights)
    average = [sum(w * vector[i] for w, (_, vector) in zip(weights, pairs)) / total for i in range(len(pairs[0][1]))]
    norm = math.sqrt(sum(x * x for x in average)) or 1.0
    return [x / norm for x in average]
