"""API keys for writers: issued and revoked by maintainers (`errata keys`), stored hashed.

A write (a submission or an outcome report, over REST or MCP HTTP) that presents a key is
counted under the key, not the address: its rate limits follow the key and its outcome reports
weigh more (see `store.outcomes.client_weight`). With `ERRATA_ANONYMOUS_WRITES=false` a write
without a key is refused.
"""

from __future__ import annotations

import hashlib
import secrets

from . import store
from .db import Database
from .models import ApiKey
from .services import Services

PREFIX = "errata_"


class KeyRefused(PermissionError):
    """A write whose key is unknown or revoked, or without a key where one is required."""


def key_hash(key: str) -> str:
    """The stored form of a key: its SHA-256, in hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(database: Database, name: str) -> tuple[ApiKey, str]:
    """Issue a key: the stored row and the key itself, shown once and never stored."""
    key = PREFIX + secrets.token_urlsafe(32)
    with database.write() as session:
        row = store.add_key(session=session, name=name, key_hash=key_hash(key))
        session.expunge(row)
    return row, key


def writer_client_key(services: Services, presented: str | None, address_key: str) -> str:
    """The client key a write is counted under: `key:<id>` for a valid key, else the hashed
    address when anonymous writes are allowed; KeyRefused otherwise."""
    if presented:
        with services.database.read() as session:
            row = store.active_key(session=session, key_hash=key_hash(presented))
        if row is None:
            raise KeyRefused("unknown or revoked API key")
        return f"{store.KEYED_CLIENT}{row.id}"
    if not services.settings.anonymous_writes:
        raise KeyRefused(
            "this errata takes submissions and outcome reports only with an API key: send"
            " `Authorization: Bearer errata_...` or `X-API-Key: errata_...` (a maintainer"
            " issues one with `errata keys create NAME`)"
        )
    return address_key
