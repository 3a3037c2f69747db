"""Time zones as the calendar reads them: an IANA name checked, one zone or a couple's
zones over time, the zone in force at a moment, a partner's followed zones, and a span cut
where the zone changed. Pure: no I/O beyond loading zone data, and no clock.

(What a couple's zones *were*, folded from its events, is ``engine.domain.zones``.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TypeAlias, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.errors import InvalidInput

_ZONE_NAME = re.compile(r"(?=.{1,64}$)[A-Za-z][\w+\-]*(/[A-Za-z0-9][\w+\-]*)*", re.ASCII)
_NOT_ZONES = frozenset({"localtime", "posixrules", "factory"})


def parse_zone(name: str) -> ZoneInfo:
    """Return the IANA time zone called `name`, or raise InvalidInput."""
    problem = InvalidInput(
        f"unknown time zone '{_shown(name)}'; use an IANA name such as Europe/Berlin"
    )
    if not isinstance(name, str) or not _ZONE_NAME.fullmatch(name) or name.lower() in _NOT_ZONES:
        raise problem
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise problem from None


Zones: TypeAlias = Sequence[tuple[datetime, ZoneInfo]]
"""A couple's zones over time, oldest first: (from when, zone). The first zone also
covers everything before its instant. A move changes the zone from then on only."""

ZoneLike: TypeAlias = Union[ZoneInfo, Zones]  # noqa: UP007 (a runtime alias of a Sequence)
"""One zone for all time, or a couple's zones over time."""


def zone_at(zones: ZoneLike, moment: datetime) -> ZoneInfo:
    """The zone in force at ``moment``."""
    if isinstance(zones, ZoneInfo):
        return zones
    found = zones[0][1]
    for since, zone in zones:
        if since <= moment:
            found = zone
    return found


def followed_zones(couple: Zones, own: Sequence[tuple[datetime, ZoneInfo | None]]) -> Zones:
    """A partner's zones over time: their own zone while they have one (``own`` holds
    when it was set, or cleared with None), the couple's the rest of the time."""
    if not own:
        return couple
    moments = sorted({since for since, _ in couple} | {since for since, _ in own})
    found: list[tuple[datetime, ZoneInfo]] = []
    for moment in moments:
        mine: ZoneInfo | None = None
        for since, zone in own:
            if since <= moment:
                mine = zone
        zone = mine or zone_at(couple, moment)
        if not found or found[-1][1].key != zone.key:
            found.append((moment, zone))
    return found


def zone_segments(
    zones: ZoneLike, start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime, ZoneInfo]]:
    """[start, end) cut where the zone changed: (low, high, zone) pieces, in order."""
    if isinstance(zones, ZoneInfo):
        if start < end:
            yield start, end, zones
        return
    for i, (since, zone) in enumerate(zones):
        low = start if i == 0 else max(start, since)
        high = end if i + 1 == len(zones) else min(end, zones[i + 1][0])
        if low < high:
            yield low, high, zone


def _shown(text: object) -> str:
    """`text` made safe for a one-line message."""
    shown = "".join(c if c.isprintable() else "?" for c in str(text))
    return shown if len(shown) <= 40 else f"{shown[:39]}…"
