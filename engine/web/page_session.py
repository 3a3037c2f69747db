"""Sessions of the partner's page: the cookie an invite is exchanged for, the CSRF token
of every form, and the backoff that slows down guessing of invite tokens.

The cookie holds ``<invite id>.<nonce>``, signed with itsdangerous under the stored hash
of the invite's token. Nothing else is kept per session: revoking the invite, or erasing
the couple or the partner, removes the key and so ends every session opened with it. The
CSRF token is a second signature of the same nonce, so it is per session, and it is
compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from itsdangerous import BadSignature, Signer

from engine.frozen import frozen

if TYPE_CHECKING:
    from engine.views.invites import PageTarget

COOKIE = "ritual_session"
COOKIE_MAX_AGE = timedelta(days=400)
"""How long a phone keeps the session (the longest browsers allow); revoke the invite to
end it sooner."""

_SESSION_SALT = "ritual.page.session"
_CSRF_SALT = "ritual.page.csrf"


@frozen
class Session:
    """A browser's session: the invite it came from and its own nonce."""

    invite_id: str
    nonce: str


def _signer(key: str, salt: str) -> Signer:
    return Signer(key, salt=salt, digest_method=hashlib.sha256)


def new_cookie(target: PageTarget) -> str:
    """A fresh signed session value for the invite ``target`` came from."""
    nonce = secrets.token_urlsafe(16)
    return _signer(target.key, _SESSION_SALT).sign(f"{target.invite_id}.{nonce}").decode()


def invite_of(cookie: str) -> str | None:
    """The invite id a cookie claims (not yet verified), or None when it has no shape."""
    invite_id, dot, _ = cookie.partition(".")
    return invite_id if dot and 0 < len(invite_id) <= 40 and invite_id.isalnum() else None


def verify(cookie: str, target: PageTarget) -> Session | None:
    """The session a cookie holds when its signature is good for ``target``'s invite."""
    try:
        value = _signer(target.key, _SESSION_SALT).unsign(cookie).decode()
    except BadSignature:
        return None
    invite_id, _, nonce = value.partition(".")
    if invite_id != target.invite_id or not nonce:
        return None
    return Session(invite_id, nonce)


def csrf_token(session: Session, target: PageTarget) -> str:
    """The token every form of this session carries."""
    return _signer(target.key, _CSRF_SALT).get_signature(session.nonce).decode()


def csrf_ok(presented: str | None, session: Session, target: PageTarget) -> bool:
    """Whether a form's token is this session's, compared in constant time."""
    expected = csrf_token(session, target)
    return hmac.compare_digest((presented or "").encode(), expected.encode())


FREE_MISSES = 5
"""Bad invite tokens an address may present before it is asked to wait."""
MAX_WAIT = timedelta(minutes=15)


class Backoff:
    """Per-address waits after bad invite tokens: after :data:`FREE_MISSES` misses each
    further one doubles the wait (1 s, 2 s, 4 s ... up to 15 minutes). At most ``size``
    addresses are remembered (the least recently seen are forgotten), so memory stays
    bounded whatever an attacker sends."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._misses: OrderedDict[str, tuple[int, datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, address: str, now: datetime) -> timedelta:
        """How long ``address`` must still wait before presenting a token (zero: none)."""
        with self._lock:
            found = self._misses.get(address)
        if found is None:
            return timedelta(0)
        misses, last = found
        if misses < FREE_MISSES:
            return timedelta(0)
        wait = min(MAX_WAIT, timedelta(seconds=2 ** (misses - FREE_MISSES)))
        return max(timedelta(0), last + wait - now)

    def missed(self, address: str, now: datetime) -> None:
        """Note a bad token from ``address``."""
        with self._lock:
            misses, last = self._misses.pop(address, (0, now))
            if now - last > MAX_WAIT * 2:
                misses = 0  # a long quiet spell starts the count again
            self._misses[address] = (misses + 1, now)
            while len(self._misses) > self._size:
                self._misses.popitem(last=False)

    def __len__(self) -> int:
        return len(self._misses)
