"""Open binary formats (pickle, numpy, images, archives, model weights) in binary mode."""

import pickle
from pathlib import Path

# WRONG: pickle.load(open("model.pkl"))            UnicodeDecodeError: 'utf-8' codec can't decode
#                                                  byte 0x80 in position 0: invalid start byte
#        pickle.dump(obj, open("model.pkl", "w"))  TypeError: write() argument must be str, not bytes
#        Image.open(open("photo.png")) / np.load(open("a.npy"))   ... byte 0x89 / 0x93 in position 0
# encoding="latin-1" or errors="ignore" only hides the error: the bytes come out changed.

SIGNATURES = {
    b"\x80": "pickle",
    b"\x93NUMPY": "numpy .npy",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF",
    b"PK\x03\x04": "zip archive (.zip, .npz, .docx, .xlsx, .whl)",
    b"\x1f\x8b": "gzip file (read it with gzip.open(path, 'rt', encoding='utf-8'))",
}


def binary_kind(path: str | Path) -> str | None:
    """The binary format a file starts with, or None when its first bytes match none."""
    with open(path, "rb") as file:
        head = file.read(8)
    return next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)


def read_text_file(path: str | Path, encoding: str = "utf-8") -> str:
    """A text file's text; a ValueError naming the format when the file is binary."""
    kind = binary_kind(path)
    if kind:
        raise ValueError(f"{path} is a {kind}, not text: open it with 'rb' or its library's loader")
    with open(path, encoding=encoding) as file:
        return file.read()


def save_pickle(obj: object, path: str | Path) -> None:
    with open(path, "wb") as file:  # "wb": pickle writes bytes
        pickle.dump(obj, file)


def load_pickle(path: str | Path) -> object:
    with open(path, "rb") as file:  # "rb": pickle reads bytes (only unpickle files you trust)
        return pickle.load(file)


# Bytes to a file: open(path, "wb").write(data); text to a file: open(path, "w", encoding="utf-8").
# Libraries that take a path (np.load, PIL.Image.open, torch.load, zipfile) open it correctly
# themselves: pass the path, or a file opened with "rb".
