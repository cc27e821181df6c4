"""Queries on writers' API keys (stored as SHA-256 hashes, never in clear)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ..models import ApiKey, utcnow

KEYED_CLIENT = "key:"  # a keyed writer's client key is "key:<id>" (addresses hash to hex)


def add_key(*, session: Session, name: str, key_hash: str) -> ApiKey:
    """Store a new key's hash under a name."""
    key = ApiKey(name=name, key_hash=key_hash)
    session.add(key)
    session.flush()
    return key


def list_keys(*, session: Session) -> list[ApiKey]:
    """Every key, revoked ones too, oldest first."""
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.id))))


def active_key(*, session: Session, key_hash: str) -> ApiKey | None:
    """The unrevoked key with this hash, if any."""
    query = select(ApiKey).where(ApiKey.key_hash == key_hash, col(ApiKey.revoked_at).is_(None))
    return session.exec(query).first()


def revoke_key(*, session: Session, key_id: int) -> bool:
    """Revoke a key now; False when no unrevoked key has this id."""
    key = session.get(ApiKey, key_id)
    if key is None or key.revoked_at is not None:
        return False
    key.revoked_at = utcnow()
    session.add(key)
    return True
