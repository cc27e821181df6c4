"""Load a pickle written by Python 2 in Python 3, then save it once as a Python 3 pickle."""

import pickle
from pathlib import Path

# WRONG: with open("cifar/data_batch_1", "rb") as f: batch = pickle.load(f)
#   UnicodeDecodeError: 'ascii' codec can't decode byte 0x8b in position 6: ordinal not in range(128)
# The file is already opened "rb": Python 2's str (bytes) are decoded as ASCII by default.
# encoding="utf-8" fails the same way on binary data (array buffers, datetimes); "latin1" maps
# every byte 0-255 to one character, so nothing fails and s.encode("latin1") gives the bytes back.
# numpy:   np.load(path, allow_pickle=True, encoding="latin1")
# PyTorch: torch.load(path, encoding="latin1")  (extra keyword arguments reach the unpickler)
# pandas:  pd.read_pickle(path) already retries with latin1.


def load_python2_pickle(path: str | Path) -> object:
    """A Python 2 pickle's object; byte strings come back as str, one character per byte."""
    with open(path, "rb") as file:  # only unpickle files you trust
        return pickle.load(file, encoding="latin1")


def text_from_latin1(value: str) -> str:
    """Text that Python 2 stored as UTF-8 bytes, read back with latin1 ('cafÃ©' -> 'café')."""
    try:
        return value.encode("latin1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value  # not UTF-8 bytes: keep what latin1 gave


def convert_python2_pickle(source: str | Path, target: str | Path) -> object:
    """Load once with latin1 and save as a Python 3 pickle that loads without options."""
    obj = load_python2_pickle(source)
    with open(target, "wb") as file:
        pickle.dump(obj, file, protocol=pickle.HIGHEST_PROTOCOL)
    return obj
