"""Patch a collaborator with the value the real one returns, then assert on the call; find any
mock still inside a payload before a serializer (json, Jinja |tojson, sqlite, pickle) meets it."""

from unittest import mock

# WRONG: with mock.patch.object(storage, "session_dir"):   # no return_value
#            recorder.save("s1")                            # json.dumps(...) inside
#     -> TypeError: Object of type MagicMock is not JSON serializable
# RIGHT: with stub(storage, "session_dir", "/data/s1") as session_dir:
#            recorder.save("s1")
#        session_dir.assert_called_once_with("s1")


def stub(target: object, name: str, value: object) -> "mock._patch[mock.MagicMock]":
    """patch.object with autospec (a wrong call fails) and the real shape of the result."""
    return mock.patch.object(target, name, autospec=True, return_value=value)


def mock_paths(value: object, path: str = "$") -> list[str]:
    """Where mocks sit inside a payload, e.g. ['$.session.directory']."""
    if isinstance(value, mock.NonCallableMock):  # Mock, MagicMock, AsyncMock
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in mock_paths(v, f"{path}.{k}")]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [p for i, v in enumerate(value) for p in mock_paths(v, f"{path}[{i}]")]
    return []


def assert_no_mocks(payload: object) -> None:
    """Fail in the test, naming each mocked field, before a serializer sees the payload."""
    paths = mock_paths(payload)
    if paths:
        raise AssertionError(f"mocks would be serialised at {', '.join(paths)}: give each a real return_value")
