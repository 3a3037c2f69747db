"""Names that must stay unique, claimed in the same transaction as the events that
create or rename them.

A couple's name is unique in the database and a ritual's title among its couple's
active rituals. Checking by reading first and appending after leaves a gap that racing
writers slip through (eight creators of one name made eight couples), so a command hands
its claims to :meth:`EventStore.append`, and the store takes them inside the append's
transaction: one claimant wins, the others get :class:`~engine.errors.NotAllowed` and
nothing of theirs is stored.

Names are intimate, so a store keeps only a keyed hash of each (HMAC-SHA-256 with a
secret of the database's own, kept in its keyring), never the text. Names compare as
people read them: case-insensitive, Unicode NFC, surrounding spaces ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Sequence
from dataclasses import field
from typing import TYPE_CHECKING

from engine.errors import NotAllowed
from engine.frozen import frozen

if TYPE_CHECKING:
    from engine.events.records import NewEvent
    from engine.events.sealing import KeyringCipher

COUPLE_NAMES = "couple-name"
"""The scope of couple names: the whole database."""

BACKFILL = ("ritual-backfill", "pending")
"""The marker row (scope, key) migration 0012 leaves in ``ritual_names`` when the log holds
names given before claims existed; the SQL store claims them on first open."""

NAMES_SECRET = ("ritual-names", "hmac")
"""Where a store's keyring keeps the secret that names are hashed with."""

COUPLE_TAKEN = "a couple with that name already exists in this database; pick another name"
TITLE_TAKEN = "a ritual with that title already exists; pick another title"


@frozen
class NameClaim:
    """``owner`` (a couple or ritual id) takes ``name`` within ``scope``; a name another
    owner holds is refused with ``refusal``."""

    scope: str
    name: str = field(repr=False)
    owner: str
    refusal: str


@frozen
class NameRelease:
    """``owner`` gives up whatever name it holds within ``scope``."""

    scope: str
    owner: str


def titles_of(couple_id: str) -> str:
    """The scope of one couple's ritual titles."""
    return f"title:{couple_id}"


def couple_name(couple_id: str, name: str) -> NameClaim:
    """The claim a new couple makes on its name."""
    return NameClaim(COUPLE_NAMES, name, couple_id, COUPLE_TAKEN)


def ritual_title(couple_id: str, ritual_id: str, title: str) -> NameClaim:
    """The claim an added (or retitled) ritual makes on its title."""
    return NameClaim(titles_of(couple_id), title, ritual_id, TITLE_TAKEN)


def title_release(couple_id: str, ritual_id: str) -> NameRelease:
    """A retired (or retitled) ritual lets its title go."""
    return NameRelease(titles_of(couple_id), ritual_id)


def normalise(name: str) -> str:
    """A name as people compare it: NFC, case-folded, without surrounding spaces."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name.strip()).casefold())


def name_key(secret: bytes, claim: NameClaim) -> str:
    """The keyed hash a store keeps for ``claim``'s name (64 hex digits)."""
    message = f"{claim.scope}\x00{normalise(claim.name)}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


ERASED_TYPE = "couple.erased"


def releases_everything(events: Sequence[NewEvent]) -> bool:
    """Whether the batch erases its couple, which lets go of all the couple's names."""
    return any(e.event.type_name == ERASED_TYPE for e in events)


class NameKeys:
    """The keyed hashes of names, with the store's secret fetched once."""

    def __init__(self, cipher: KeyringCipher) -> None:
        self._cipher = cipher
        self._secret: bytes | None = None

    def keyed(self, claims: Sequence[NameClaim]) -> list[tuple[NameClaim, str]]:
        if not claims:
            return []
        if self._secret is None:
            self._secret = self._cipher.keyring.get_or_create(*NAMES_SECRET)
        return [(c, name_key(self._secret, c)) for c in claims]


def claimed(
    names: dict[tuple[str, str], tuple[str, str]],
    couple_id: str,
    keyed: Sequence[tuple[NameClaim, str]],
    releases: Sequence[NameRelease],
    erased: bool,
) -> dict[tuple[str, str], tuple[str, str]]:
    """The names after one batch (a new dict), or NotAllowed with ``names`` unchanged."""
    after = {
        at: (couple, owner)
        for at, (couple, owner) in names.items()
        if not (erased and couple == couple_id)
        and not any(at[0] == r.scope and owner == r.owner for r in releases)
    }
    for claim, key in keyed:
        holder = after.get((claim.scope, key))
        if holder is not None and holder[1] != claim.owner:
            raise NotAllowed(claim.refusal)
        after[(claim.scope, key)] = (couple_id, claim.owner)
    return after
