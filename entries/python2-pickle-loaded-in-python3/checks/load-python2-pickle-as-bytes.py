"""The same Python 2 pickle loaded with encoding='bytes': bytes keys (batch['data'] is a
KeyError) until decode_keys turns them into str; binary values and the datetime stay intact."""

import datetime
import pickle
import tempfile
from pathlib import Path

from errata_check import load_snippet, record


def py2_str(raw: bytes) -> bytes:
    """SHORT_BINSTRING: how Python 2 pickles a str (bytes) under 256 long."""
    return b"U" + bytes([len(raw)]) + raw


DATA = bytes([0x00, 0xE2, 0x8B, 0xFF, 0x10, 0x80])
WHEN = b"cdatetime\ndatetime\n" + py2_str(bytes([7, 0xE3, 12, 7, 10, 30, 0, 0, 0, 0])) + b"\x85R"
PY2_PICKLE = (
    b"\x80\x02}q\x00(" + py2_str(b"labels") + b"]q\x01(K\x03K\x06e" + py2_str(b"data")
    + py2_str(DATA) + py2_str(b"name") + py2_str("caf\u00e9".encode("utf-8"))
    + py2_str(b"when") + WHEN + b"u."
)  # fmt: skip

folder = Path(tempfile.mkdtemp())
old = folder / "features.pkl"
old.write_bytes(PY2_PICKLE)
try:
    with open(old, "rb") as file:
        pickle.load(file)
    default_error = ""
except UnicodeDecodeError as error:
    default_error = str(error)
assert default_error.startswith("'ascii' codec can't decode byte 0xe2"), default_error

ns = load_snippet()
raw = ns["load_python2_pickle_bytes"](old)
assert set(raw) == {b"labels", b"data", b"name", b"when"}
try:
    raw["data"]
    key_error = False
except KeyError:
    key_error = True
assert key_error
features = ns["decode_keys"](raw)
assert features["data"] == DATA and features["labels"] == [3, 6]
assert features["name"].decode("utf-8") == "caf\u00e9"
assert features["when"] == datetime.datetime(2019, 12, 7, 10, 30)
assert ns["decode_keys"]([{b"k": {b"inner": 1}}]) == [{"k": {"inner": 1}}]
assert pickle.loads(pickle.dumps(features)) == features  # saved again by Python 3: loads plainly
record(wrong_errors=1, keys_decoded=len(features))
