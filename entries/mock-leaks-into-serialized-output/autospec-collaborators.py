"""Fake a collaborator with create_autospec(spec_set=True) and each method's real return value;
build data (rows, records, models) as real instances, never as a bare Mock."""

from typing import Any
from unittest import mock

# WRONG: client = mock.Mock(); client.fetch_usr.return_value = {"name": "Ada"}   # typo
#        code calls client.fetch_user(7) -> a MagicMock -> json.dumps / INSERT / pickle fails
# RIGHT: client = fake(Client, fetch_user={"name": "Ada"})   # the typo raises AttributeError


def fake(cls: type, **returns: object) -> Any:
    """An instance double of cls: a method the class lacks, or a call with wrong arguments,
    fails where it happens; each keyword sets that method's return value."""
    double = mock.create_autospec(cls, instance=True, spec_set=True)
    for name, value in returns.items():
        getattr(double, name).return_value = value
    return double
