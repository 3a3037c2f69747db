"""Finding an id from what someone typed: the whole id or a unique prefix of it.

Pure: no I/O. Ids are lowercase hexadecimal, so a typed reference is compared after
stripping and lowering it; this one rule serves every lookup (couples, rituals, links,
invites, capsules, repairs, journal entries, log entries).
"""

from __future__ import annotations

from collections.abc import Iterable

ID_MIN = 4
"""The fewest characters of an id (or id prefix) that are looked up."""


def typed_id(ref: str) -> str:
    """A typed id or id prefix in the form ids are kept in: no surrounding space, lowercase."""
    return ref.strip().lower()


def prefix_matches(ref: str, ids: Iterable[str]) -> list[str]:
    """The ids ``ref`` names: the one equal to it, else those it is a prefix of (only when it
    has at least :data:`ID_MIN` characters)."""
    wanted = typed_id(ref)
    known = list(ids)
    if wanted in known:
        return [wanted]
    if len(wanted) < ID_MIN:
        return []
    return [key for key in known if key.startswith(wanted)]


def looks_like_id(text: str) -> bool:
    """Whether ``text`` could be the start of an id (hexadecimal digits)."""
    return bool(text) and all(ch in "0123456789abcdef" for ch in typed_id(text))
