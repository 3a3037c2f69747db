"""Claiming the names given before name claims existed (migration 0012 marks them).

Every couple that was not erased claims its name, and every ritual that is not retired
its title, as they would have had they been made today; the store writes the claims that
nobody holds and removes the marker in one transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.events.names import NameClaim, couple_name, ritual_title
from engine.services.session import Session

if TYPE_CHECKING:
    from engine.clock import Clock
    from engine.events import EventStore


def current_names(store: EventStore, clock: Clock) -> list[tuple[str, NameClaim]]:
    """(couple id, claim) for every current couple name and active ritual title."""
    session = Session(store, clock)
    now = clock()
    claims: list[tuple[str, NameClaim]] = []
    for couple_id, name in session.couple_names():
        claims.append((couple_id, couple_name(couple_id, name)))
        for ritual_id, state in session.ritual_states(couple_id).items():
            if state.definitions and state.status(now) != "retired":
                claims.append((couple_id, ritual_title(couple_id, ritual_id, state.title)))
    return claims
