"""A patched function without return_value hands a MagicMock to json, sqlite3 and pickle; the
stubbed test passes, asserts on the call, and mock_paths names where the mock was."""

import json
import pickle
import sqlite3
import types
from unittest import mock

from errata_check import load_snippet, record

storage = types.SimpleNamespace()


def session_dir(session_id: str) -> str:
    raise RuntimeError("touches the real disk: tests patch it")


storage.session_dir = session_dir


def metadata(session_id: str) -> dict:
    """The code under test: what the save path serialises."""
    return {"session": {"id": session_id, "directory": storage.session_dir(session_id)}}


def save(session_id: str) -> str:
    return json.dumps(metadata(session_id))


def error_of(call) -> str:
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the message is what the check compares
        return f"{type(exc).__name__}: {exc}"
    return ""


with mock.patch.object(storage, "session_dir"):  # WRONG: no return_value
    leaked = storage.session_dir("s1")
    wrong_json = error_of(lambda: save("s1"))
    wrong_sql = error_of(lambda: sqlite3.connect(":memory:").execute("SELECT ?", (leaked,)))
    wrong_pickle = error_of(lambda: pickle.dumps(metadata("s1")))
    as_str = json.dumps(metadata("s1"), default=str)  # an encoder hides it: a repr is written
assert wrong_json == "TypeError: Object of type MagicMock is not JSON serializable", wrong_json
assert "Error binding parameter 1: type 'MagicMock' is not supported" in wrong_sql, wrong_sql
assert "Can't pickle <class 'unittest.mock.MagicMock'>" in wrong_pickle, wrong_pickle
assert "<MagicMock name='session_dir()'" in as_str, as_str

ns = load_snippet()
with mock.patch.object(storage, "session_dir"):
    found = error_of(lambda: ns["assert_no_mocks"](metadata("s1")))
assert found.startswith("AssertionError: mocks would be serialised at $.session.directory"), found
assert ns["mock_paths"]({"a": [1, mock.AsyncMock()], "b": "x"}) == ["$.a[1]"]

with ns["stub"](storage, "session_dir", "/data/s1") as stubbed:  # RIGHT
    ns["assert_no_mocks"](metadata("s1"))
    written = json.loads(save("s1"))
    bad_call = error_of(lambda: storage.session_dir())
stubbed.assert_called_with("s1")
assert written == {"session": {"id": "s1", "directory": "/data/s1"}}, written
assert bad_call == "TypeError: missing a required argument: 'session_id'", bad_call
assert storage.session_dir is session_dir, "the patch is undone"
record(wrong_serializers_failed=3, fixed_directory=written["session"]["directory"])
