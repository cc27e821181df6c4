"""Load a Python 2 pickle with encoding='bytes' and decode its byte-string keys yourself."""

import pickle
from pathlib import Path

# With encoding="bytes" every Python 2 str stays bytes: batch[b"data"], not batch["data"]
# (KeyError: 'data' otherwise). Useful when the strings are UTF-8 text or real binary data
# and latin1's one-character-per-byte str would be wrong; datetimes and numpy arrays load too.


def load_python2_pickle_bytes(path: str | Path) -> object:
    """A Python 2 pickle's object with its byte strings kept as bytes."""
    with open(path, "rb") as file:  # only unpickle files you trust
        return pickle.load(file, encoding="bytes")


def decode_keys(value: object, encoding: str = "utf-8") -> object:
    """The same structure with bytes dict keys decoded to str (values are left as they are)."""
    if isinstance(value, dict):
        return {
            (key.decode(encoding) if isinstance(key, bytes) else key): decode_keys(item, encoding)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [decode_keys(item, encoding) for item in value]
    return value
