"""Binary files opened in text mode fail to decode (0x80 pickle, 0x89 PNG, 0x93 .npy, 0x8b gzip)
and bytes written to text files fail; the binary-mode helpers round-trip and name the format."""

import gzip
import pickle
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

folder = Path(tempfile.mkdtemp())
model = {"weights": [0.25, -1.5], "labels": ["cat", "dog"]}
pkl, png, npy, gz = (folder / n for n in ("model.pkl", "photo.png", "a.npy", "notes.txt.gz"))
with open(pkl, "wb") as file:
    pickle.dump(model, file)
png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
npy.write_bytes(b"\x93NUMPY\x01\x00v\x00{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }")
with gzip.open(gz, "wt", encoding="utf-8") as file:
    file.write("hello\n")

decode_errors = []
for path in (pkl, png, npy, gz):
    try:
        with open(path, encoding="utf-8") as file:  # the text mode the wrong code used
            pickle.load(file) if path == pkl else file.read()
    except UnicodeDecodeError as error:
        decode_errors.append(str(error))
assert decode_errors[0] == "'utf-8' codec can't decode byte 0x80 in position 0: invalid start byte"
assert "byte 0x89 in position 0" in decode_errors[1] and "byte 0x93 in position 0" in decode_errors[2]
assert "byte 0x8b in position 1" in decode_errors[3], decode_errors
type_errors = []
try:
    with open(folder / "out.pkl", "w", encoding="utf-8") as file:
        pickle.dump(model, file)
except TypeError as error:
    type_errors.append(str(error))
try:
    with open(folder / "out.bin", "wb") as file:
        file.write("text")
except TypeError as error:
    type_errors.append(str(error))
assert type_errors == ["write() argument must be str, not bytes", "a bytes-like object is required, not 'str'"]
hidden = png.read_bytes().decode("latin-1").encode("utf-8")
assert hidden != png.read_bytes()  # encoding= 'fixes' the error and changes the bytes

ns = load_snippet()
ns["save_pickle"](model, folder / "saved.pkl")
assert ns["load_pickle"](folder / "saved.pkl") == model and ns["load_pickle"](pkl) == model
kinds = [ns["binary_kind"](p) for p in (pkl, png, npy, gz)]
assert kinds[0] == "pickle" and kinds[1] == "PNG image" and kinds[2] == "numpy .npy", kinds
assert kinds[3].startswith("gzip")
try:
    ns["read_text_file"](png)
    raise AssertionError("a PNG read as text")
except ValueError as error:
    refused = str(error).replace(str(folder), "<dir>")
assert "is a PNG image, not text" in refused, refused
text = folder / "readme.txt"
text.write_text("café ☕\n", encoding="utf-8")
assert ns["binary_kind"](text) is None and ns["read_text_file"](text) == "café ☕\n"
record(decode_errors=decode_errors, type_errors=type_errors, refused=refused)
