"""Idempotency keys: a command given a key stores its events once, however often it is sent.

A caller that lost the reply to a command (the connection dropped after the commit) sends
it again with the same key. The first run hands the store an :class:`IdempotencyMark`
with its first append; the store keeps it, keyed by couple, **in the same transaction** as
the events, and adds the ids of every event later appends of that run write. A second run
with the key finds the :class:`IdempotencyRecord` and repeats the first one exactly: the
moment it ran at is pinned, and every id it draws (events, appreciations, repairs, couples)
comes from the key (:func:`keyed_ids`), so it decides the same events, which the store
recognises as already stored and writes nothing; it returns what the first run returned.

The same key with another command or other arguments raises
:class:`~engine.errors.IdempotencyConflict`. Stores keep a hash of the key and a keyed hash
of the request (HMAC-SHA-256 with their keyring's name-hashing secret): arguments may be intimate.
Erasing a couple removes its keys.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import field
from datetime import datetime
from typing import TYPE_CHECKING

from engine.errors import ConcurrencyError, IdempotencyConflict, InvalidInput
from engine.events.names import NAMES_SECRET
from engine.frozen import frozen

if TYPE_CHECKING:
    from engine.events.sealing import KeyringCipher

_DOMAIN = b"idempotency\x00"
"""Requests are hashed with the store's name-hashing secret (``NAMES_SECRET``), behind this
prefix, so that no request hash can equal a name's."""

MAX_KEY_LENGTH = 200
"""The longest idempotency key accepted (a UUID is 36 characters)."""

CONFLICT = (
    "that idempotency key was already used for another command or other arguments; "
    "use a new key for a new command"
)

_NAMESPACE = uuid.UUID("0b7c6f52-3e1d-4f0a-8a9b-5c2d7e41f6a3")  # fixed forever: ids derive from it


def check_key(key: str) -> str:
    """A usable idempotency key: printable, not blank, at most :data:`MAX_KEY_LENGTH`."""
    if not isinstance(key, str) or not key.strip():
        raise InvalidInput("an idempotency key must not be blank")
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(f"an idempotency key is at most {MAX_KEY_LENGTH} printable characters")
    return key


def key_hash(key: str) -> str:
    """What a store keeps of a key (64 hex digits)."""
    return hashlib.sha256(key.encode()).hexdigest()


@frozen
class IdempotencyMark:
    """Handed to the store with each append of a keyed command's run."""

    key: str
    request: str = field(repr=False)  # the command and its arguments, hashed by the store
    pinned_at: datetime  # the moment the run decides at


@frozen
class IdempotencyRecord:
    """What a store keeps of a key: the request's keyed hash, the moment of the first run,
    and the ids of the events the key's runs wrote."""

    fingerprint: str
    pinned_at: datetime
    event_ids: tuple[str, ...]


class KeyAlreadyRan(ConcurrencyError):
    """Another run with this key committed first; the command retries as a replay."""

    def __init__(self) -> None:
        super().__init__("idempotency key", 0)


class RequestHashes:
    """The keyed hashes of requests, with the store's secret fetched once."""

    def __init__(self, cipher: KeyringCipher) -> None:
        self._cipher = cipher
        self._secret: bytes | None = None

    def fingerprint(self, mark: IdempotencyMark) -> str:
        if self._secret is None:
            self._secret = self._cipher.keyring.get_or_create(*NAMES_SECRET)
        message = _DOMAIN + mark.request.encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()


def settle(
    found: IdempotencyRecord | None, mark: IdempotencyMark, fingerprint: str, written: list[str]
) -> IdempotencyRecord:
    """The record a store keeps after an append of ``mark``'s run that writes ``written``.

    Raises IdempotencyConflict for another request under the key, and KeyAlreadyRan when
    another run of the same request stored first (its moment differs from this one's).
    """
    if found is None:
        return IdempotencyRecord(fingerprint, mark.pinned_at, tuple(written))
    if not hmac.compare_digest(found.fingerprint, fingerprint):
        raise IdempotencyConflict(CONFLICT)
    if found.pinned_at != mark.pinned_at:
        raise KeyAlreadyRan()
    known = set(found.event_ids)
    return IdempotencyRecord(
        found.fingerprint,
        found.pinned_at,
        (*found.event_ids, *(i for i in written if i not in known)),
    )


class KeyedIds:
    """The ids one keyed run draws, in order: the same sequence every time it runs."""

    def __init__(self, scope: str, key: str) -> None:
        self.scope = scope
        self.key = key
        self.drawn = 0

    def peek(self, index: int) -> uuid.UUID:
        return uuid.uuid5(_NAMESPACE, f"{self.scope}/{key_hash(self.key)}/{index}")

    def next(self) -> uuid.UUID:
        value = self.peek(self.drawn)
        self.drawn += 1
        return value


def new_couple_id(key: str) -> str:
    """The id a couple created under ``key`` gets, every time that command runs."""
    return KeyedIds("", key).peek(0).hex


_IDS: ContextVar[KeyedIds | None] = ContextVar("ritual_keyed_ids", default=None)


def drawn_ids() -> KeyedIds | None:
    """The id sequence of the keyed run in progress, if any."""
    return _IDS.get()


@contextlib.contextmanager
def keyed_ids(ids: KeyedIds) -> Iterator[KeyedIds]:
    """While it lasts, new ids in this context come from ``ids``."""
    token = _IDS.set(ids)
    try:
        yield ids
    finally:
        _IDS.reset(token)
