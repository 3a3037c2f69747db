"""Per-couple and per-partner data keys, and the cipher that seals secret fields.

Secret texts are sealed with AES-SIV (deterministic authenticated encryption): the same
text in the same event field always seals to the same bytes, so a retried append is
recognised as identical, while the event id and field name in the associated data keep
two different events from ever sharing a ciphertext. Destroying a key makes every text
sealed under it unreadable for good: that is how an append-only log forgets.

At rest, a SQL store keeps each data key wrapped by the master key (AES-256-GCM, with the
couple and owner as associated data, so a wrapped key cannot be moved to another row);
the master key itself lives outside the database (``engine.sql.master_key``).
"""

from __future__ import annotations

import base64
import os
import threading
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESSIV

TOKEN_PREFIX = "s1:"
"""Marks a sealed value in a stored payload."""

KEY_BYTES = 64  # AES-SIV with a 512-bit key is AES-256 for both of its halves


def new_key() -> bytes:
    """Fresh random key material."""
    return AESSIV.generate_key(KEY_BYTES * 8)


WRAPPING = "a256gcm"
"""``data_keys.wrapping`` of a key wrapped by :func:`wrap_key`; ``""`` is a raw key."""

_NONCE_BYTES = 12


def _wrap_context(couple_id: str, owner: str) -> bytes:
    return b"ritual-engine data key\x00" + couple_id.encode() + b"\x00" + owner.encode()


def wrap_key(master: bytes, couple_id: str, owner: str, key: bytes) -> bytes:
    """Seal a data key with the master key: nonce, then ciphertext and tag."""
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(master).encrypt(nonce, key, _wrap_context(couple_id, owner))


def unwrap_key(master: bytes, couple_id: str, owner: str, wrapped: bytes) -> bytes | None:
    """The data key, or None when ``master`` is not the key that wrapped it."""
    nonce, sealed = wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:]
    try:
        return AESGCM(master).decrypt(nonce, sealed, _wrap_context(couple_id, owner))
    except (InvalidTag, ValueError):
        return None


class Keyring(Protocol):
    """Where data keys live. ``owner`` is ``""`` for the couple key, else a partner id."""

    def get(self, couple_id: str, owner: str) -> bytes | None:
        """The key, or ``None`` if it never existed or was destroyed."""
        ...

    def get_or_create(self, couple_id: str, owner: str) -> bytes:
        """The key, created on first use."""
        ...

    def destroy(self, couple_id: str, owner: str | None = None) -> int:
        """Destroy one key, or every key of the couple when ``owner`` is None; return the count."""
        ...

    def count(self, couple_id: str, owner: str | None = None) -> int:
        """How many keys :meth:`destroy` with the same arguments would destroy now."""
        ...


class MemoryKeyring:
    """A keyring held in memory, for tests and the in-memory store."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def get(self, couple_id: str, owner: str) -> bytes | None:
        return self._keys.get((couple_id, owner))

    def get_or_create(self, couple_id: str, owner: str) -> bytes:
        with self._lock:
            return self._keys.setdefault((couple_id, owner), new_key())

    def destroy(self, couple_id: str, owner: str | None = None) -> int:
        with self._lock:
            doomed = [k for k in self._keys if k[0] == couple_id and owner in (None, k[1])]
            for k in doomed:
                del self._keys[k]
            return len(doomed)

    def count(self, couple_id: str, owner: str | None = None) -> int:
        return sum(1 for k in list(self._keys) if k[0] == couple_id and owner in (None, k[1]))


class KeyringCipher:
    """Seals and opens texts with keys from a :class:`Keyring` (implements ``Cipher``)."""

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._cache: dict[tuple[str, str], AESSIV] = {}
        self._erased: set[tuple[str, str | None]] = set()

    def known_erased(self, couple_id: str, owner: str | None = None) -> None:
        """Remember that a couple's keys (or one owner's) are gone for good, so that
        reads stop asking the keyring for them. Sound because erasure is never undone."""
        self._erased.add((couple_id, owner))

    def _aead(self, couple_id: str, owner: str, create: bool) -> AESSIV | None:
        if not create and {(couple_id, None), (couple_id, owner)} & self._erased:
            return None
        aead = self._cache.get((couple_id, owner))
        if aead is None:
            key = (
                self.keyring.get_or_create(couple_id, owner)
                if create
                else self.keyring.get(couple_id, owner)
            )
            if key is None:
                return None
            aead = self._cache[(couple_id, owner)] = AESSIV(key)
        return aead

    def seal(self, couple_id: str, owner: str, context: tuple[str, ...], plain: bytes) -> str:
        aead = self._aead(couple_id, owner, create=True)
        assert aead is not None
        sealed = aead.encrypt(
            plain, [couple_id.encode(), owner.encode(), *map(str.encode, context)]
        )
        return TOKEN_PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii")

    def open(
        self, couple_id: str, owner: str, context: tuple[str, ...], token: str
    ) -> bytes | None:
        aead = self._aead(couple_id, owner, create=False)
        if aead is None:
            return None
        raw = base64.urlsafe_b64decode(token[len(TOKEN_PREFIX) :])
        try:
            return aead.decrypt(
                raw, [couple_id.encode(), owner.encode(), *map(str.encode, context)]
            )
        except InvalidTag:
            return None

    def forget(self, couple_id: str, owner: str | None = None) -> int:
        """Destroy keys in the keyring and drop them from this cipher's cache."""
        self.drop(couple_id, owner)
        return self.keyring.destroy(couple_id, owner)

    def drop(self, couple_id: str, owner: str | None = None) -> None:
        """Drop keys the keyring no longer holds from this cipher's cache, for good."""
        for k in [k for k in self._cache if k[0] == couple_id and owner in (None, k[1])]:
            del self._cache[k]
        self.known_erased(couple_id, owner)
