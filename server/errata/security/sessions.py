"""Maintainer sessions: one signed, expiring, revocable cookie per sign-in, and throttled
token guesses.

A session cookie is `<issued>.<session id>.<signature>`: the signature (keyed by the
maintainer token) makes it unforgeable, `issued` makes it expire after `SESSION_SECONDS`, and
a sign-out records the session id in the `meta` table (shared by every process), which
revokes it. Changing the maintainer token revokes every session at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from .. import store
from ..rate_limits import WINDOW_SECONDS, RateLimited, check_rate
from ..services import Services

SESSION_SECONDS = 12 * 3600
FAILED_GUESSES_PER_MINUTE = 5


def _signature(services: Services, value: str) -> str:
    key = hashlib.sha256(f"errata:session:{services.maintainer_token}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def new_session(services: Services) -> str:
    """The cookie value of a new session."""
    value = f"{int(time.time())}.{secrets.token_hex(8)}"
    return f"{value}.{_signature(services, value)}"


def _parts(services: Services, cookie: str) -> tuple[int, str] | None:
    """(issued, session id) of a well-signed cookie, else None."""
    issued, _, rest = cookie.partition(".")
    session_id, _, signature = rest.partition(".")
    if not issued.isdigit() or not session_id or len(cookie) > 100:
        return None
    if not hmac.compare_digest(signature, _signature(services, f"{issued}.{session_id}")):
        return None
    return int(issued), session_id


def session_valid(services: Services, cookie: str) -> bool:
    """True for a well-signed, unexpired, unrevoked session cookie."""
    parts = _parts(services, cookie) if cookie else None
    if parts is None or not 0 <= time.time() - parts[0] < SESSION_SECONDS:
        return False
    with services.database.read() as session:
        return not store.session_revoked(session=session, session_id=parts[1])


def revoke(services: Services, cookie: str) -> None:
    """Sign a session out (in every process); a bad cookie is ignored."""
    parts = _parts(services, cookie)
    if parts is None:
        return
    with services.database.write() as session:
        store.revoke_session(session=session, session_id=parts[1], issued=parts[0])


def _failures(services: Services, client_key: str) -> int:
    key = f"maintainer-guess:{client_key}"
    with services.database.read() as session:
        return store.recent_events(session=session, key=key, window_seconds=WINDOW_SECONDS)


def check_guess(services: Services, client_key: str, token_ok: bool) -> None:
    """Refuse (RateLimited) a client that guessed wrong too often, before its guess counts;
    count a wrong guess."""
    if _failures(services, client_key) >= FAILED_GUESSES_PER_MINUTE:
        raise RateLimited(WINDOW_SECONDS, "wrong maintainer tokens")
    if not token_ok:
        check_rate(
            services.database,
            action="maintainer-guess",
            client_key=client_key,
            per_minute=FAILED_GUESSES_PER_MINUTE,
            what="wrong maintainer tokens",
        )
