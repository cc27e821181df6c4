"""A Python 2 protocol-2 pickle (byte strings, a datetime) fails in Python 3's default ASCII
decoding although the file is opened 'rb'; latin1 loads it, keeps the bytes, and the converted
copy is a Python 3 pickle that loads with no option."""

import datetime
import pickle
import pickletools
import tempfile
from pathlib import Path

from errata_check import load_snippet, record


def py2_str(raw: bytes) -> bytes:
    """SHORT_BINSTRING: how Python 2 pickles a str (bytes) under 256 long."""
    return b"U" + bytes([len(raw)]) + raw


DATA = bytes([0x00, 0xE2, 0x8B, 0xFF, 0x10, 0x80])  # an array buffer, as numpy stores one
WHEN = b"cdatetime\ndatetime\n" + py2_str(bytes([7, 0xE3, 12, 7, 10, 30, 0, 0, 0, 0])) + b"\x85R"
PY2_PICKLE = (  # pickle.dumps({...}, 2) in Python 2.7, opcode by opcode
    b"\x80\x02}q\x00(" + py2_str(b"batch_label") + py2_str(b"training batch 1 of 5")
    + py2_str(b"labels") + b"]q\x01(K\x03K\x06e" + py2_str(b"data") + py2_str(DATA)
    + py2_str(b"name") + py2_str("caf\u00e9".encode("utf-8")) + py2_str(b"when") + WHEN + b"u."
)  # fmt: skip

folder = Path(tempfile.mkdtemp())
old = folder / "data_batch_1"
old.write_bytes(PY2_PICKLE)
errors = []
for encoding in ("ASCII", "utf-8"):  # the default, and the guess that does not help
    try:
        with open(old, "rb") as file:
            pickle.load(file, encoding=encoding)
    except UnicodeDecodeError as error:
        errors.append(str(error))
assert errors[0] == "'ascii' codec can't decode byte 0xe2 in position 1: ordinal not in range(128)"
assert errors[1].startswith("'utf-8' codec can't decode"), errors

ns = load_snippet()
batch = ns["load_python2_pickle"](old)
assert batch["batch_label"] == "training batch 1 of 5" and batch["labels"] == [3, 6]
assert batch["data"].encode("latin1") == DATA  # every byte comes back unchanged
assert batch["when"] == datetime.datetime(2019, 12, 7, 10, 30)
assert batch["name"] == "caf\u00c3\u00a9" and ns["text_from_latin1"](batch["name"]) == "caf\u00e9"
assert ns["text_from_latin1"](batch["data"]) == batch["data"]  # not UTF-8: left as it is

new = folder / "data_batch_1.py3.pkl"
assert ns["convert_python2_pickle"](old, new) == batch
with open(new, "rb") as file:
    assert pickle.load(file) == batch  # default options: no encoding= needed any more
opcodes = {op.name for op, _, _ in pickletools.genops(new.read_bytes())}
assert "SHORT_BINSTRING" not in opcodes and "SHORT_BINUNICODE" in opcodes, opcodes
record(wrong_errors=len(errors), fixed_values=len(batch), python3_protocol=new.read_bytes()[1])
