"""A bare Mock with a misspelt method returns a MagicMock that breaks json.dumps far away; the
autospec'd fake refuses the misspelling at once and the real return value serialises."""

import json
from dataclasses import asdict, dataclass
from unittest import mock

from errata_check import load_snippet, record


@dataclass
class User:
    id: int
    name: str


class Client:
    def fetch_user(self, user_id: int) -> dict:
        raise RuntimeError("calls the network: tests fake it")


def profile_json(client: Client, user_id: int) -> str:
    """The code under test."""
    return json.dumps({"user": client.fetch_user(user_id)})


loose = mock.Mock()
loose.fetch_usr.return_value = {"id": 7, "name": "Ada"}  # WRONG: typo accepted silently
try:
    profile_json(loose, 7)
    wrong = ""
except TypeError as exc:
    wrong = str(exc)
assert wrong == "Object of type Mock is not JSON serializable", wrong

ns = load_snippet()
try:
    ns["fake"](Client, fetch_usr={"id": 7, "name": "Ada"})
    refused = ""
except AttributeError as exc:
    refused = str(exc)
assert "fetch_usr" in refused, refused

client = ns["fake"](Client, fetch_user=asdict(User(7, "Ada")))  # RIGHT: real data
assert json.loads(profile_json(client, 7)) == {"user": {"id": 7, "name": "Ada"}}
client.fetch_user.assert_called_once_with(7)
try:
    client.fetch_user()
    wrong_call = ""
except TypeError as exc:
    wrong_call = str(exc)
assert "missing a required argument: 'user_id'" in wrong_call, wrong_call
record(typo_refused=True, fixed_user=client.fetch_user.return_value["name"])
