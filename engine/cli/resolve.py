"""Names people type (a couple's name, a ritual's title, an id prefix) resolved into ids, at
the edge: the library takes ids and never guesses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.domain.ids import ID_MIN, looks_like_id, prefix_matches
from engine.domain.suggest import did_you_mean
from engine.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from engine.api import Engine

PREFIX_LEAST = ID_MIN
"""The fewest characters of an id that the CLI accepts as a prefix."""


def resolve_couple(engine: Engine, ref: str | None) -> str:
    """A couple the way people type it: its name (any case), id, or an id prefix of at least
    four characters; with nothing typed, the only couple in the database."""
    couples = engine.couples()
    if ref is None or not ref.strip():
        if len(couples) == 1:
            return couples[0].id
        if not couples:
            raise NotFound("no couple yet; start with `ritual init`")
        raise InvalidInput("this database holds several couples; name one with --couple")
    wanted = ref.strip()
    for c in couples:
        if wanted.casefold() == c.name.casefold():
            return c.id
    prefixed = prefix_matches(wanted, [c.id for c in couples])
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        raise InvalidInput("that id prefix matches several couples; give more of it")
    for erased in prefix_matches(wanted, engine.erased_couples())[:1]:
        engine.couple(erased)  # raises NotFound, saying the couple was erased
    # A name is suggested only when the database holds one couple: then it can only be
    # the asker's own, and a hosted database never reveals one couple to another.
    hint = did_you_mean(wanted, [couples[0].name]) if len(couples) == 1 else ""
    if not hint and len(wanted) < PREFIX_LEAST and looks_like_id(wanted):
        raise InvalidInput(f"give at least {PREFIX_LEAST} characters of the id")
    raise NotFound(f"no couple by that name or id{hint or '; see `ritual couples`'}")


def resolve_ritual(engine: Engine, couple_id: str, ref: str) -> str:
    """A ritual the way people type it: its title (any case), id, or an id prefix of at
    least four characters."""
    try:
        return engine.ritual(couple_id, ref).id
    except NotFound:
        rituals = engine.rituals(couple_id, include_retired=True)
        prefixed = prefix_matches(ref, [r.id for r in rituals])
        if len(prefixed) == 1:
            return prefixed[0]
        if prefixed:
            raise InvalidInput("that id prefix matches several rituals; give more of it") from None
        wanted = ref.strip()
        if len(wanted) < PREFIX_LEAST and looks_like_id(wanted):
            raise InvalidInput(f"give at least {PREFIX_LEAST} characters of the id") from None
        titles = [r.title for r in rituals if r.status != "retired"]
        hint = did_you_mean(wanted, titles) or "; see `ritual list`"
        raise NotFound(f"unknown ritual '{wanted[:60]}'{hint}") from None
