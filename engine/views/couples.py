"""Couples and partners."""

from __future__ import annotations

from engine.frozen import frozen


@frozen
class PartnerView:
    """One partner of a couple: a handle, a display name, and the id events carry."""

    handle: str
    display_name: str
    id: str  # the partner id events carry (actor, author, by), so a host can map them to people
    time_zone: str | None = None  # their own IANA zone; None: they follow the couple's


@frozen
class CoupleView:
    """A couple: its name, its IANA zone, its partners and its settings."""

    id: str
    name: str
    time_zone: str
    partners: tuple[PartnerView, ...]
    freezes_per_month: int = 1
    proxy_checkins: bool = False

    @property
    def handles(self) -> tuple[str, ...]:
        return tuple(p.handle for p in self.partners)
