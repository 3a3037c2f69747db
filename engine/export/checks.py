"""What an imported log must be before anything of it is written. Pure.

A full export is a file from outside: it may be damaged, or crafted to break this
database or to reach another couple in it. :func:`check_events` looks at every value of
every event (texts, dates, zones, schedules, numbers, ids, references between events)
and folds the couple's, rituals' and plans' states from them as the engine would, so a
file that passes cannot make a later read fail. Every refusal names the event by its
place in the file and never quotes its content.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from engine.calendar.cron import validate_cron
from engine.calendar.zones import parse_zone
from engine.domain import couple as couple_domain
from engine.domain import plan as plan_domain
from engine.domain import ritual as ritual_domain
from engine.domain.text import EARLIEST_YEAR, LATEST_YEAR
from engine.errors import InvalidInput, RitualError
from engine.events import Event, PartnerAdded, RitualDefined

MAX_EVENTS = 2_000_000
"""More events than any couple writes in a lifetime of daily practice."""

MAX_TEXT = 20_000
"""Characters in one text: a long letter fits; a file stuffed with megabytes does not."""

MAX_ITEMS = 1_000
"""Items in one list field (prompts, ground rules, participants)."""

MAX_NUMBER = 10**9
"""No count, week or rating the engine keeps comes near this."""

MAX_SPAN = timedelta(days=366)
"""The longest duration, reminder or lead time an event may carry."""

_ALLOWED_CONTROLS = {"\n", "\t"}
_PERSON_FIELDS = ("partner_id", "author", "recipient", "by")


class Imported(Protocol):
    """What the checks need of one imported event."""

    @property
    def stream_id(self) -> str: ...

    @property
    def event(self) -> Event: ...

    @property
    def occurred_at(self) -> datetime: ...


def damaged(index: int, what: str = "is damaged or incomplete") -> InvalidInput:
    """The one refusal of an import: which event, and that nothing was written."""
    return InvalidInput(f"event {index} of the file {what}; nothing was imported")


def check_count(count: int) -> None:
    if count > MAX_EVENTS:
        raise InvalidInput(
            f"that export holds more than {MAX_EVENTS:,} events; nothing was imported"
        )


def check_events(couple_id: str, events: Sequence[Imported]) -> None:
    """Refuse (InvalidInput) a log whose values or references the engine could not use."""
    check_count(len(events))
    partners: set[str] = set()
    rituals = {
        e.stream_id.removeprefix("ritual-")
        for e in events
        if e.stream_id.startswith("ritual-") and isinstance(e.event, RitualDefined)
    }
    for index, item in enumerate(events, start=1):
        _check_values(index, item)
        event = item.event
        if isinstance(event, PartnerAdded):
            partners.add(event.partner_id)
        _check_references(index, couple_id, item, partners, rituals)
    _check_folds(events)


def _check_values(index: int, item: Imported) -> None:
    _check_moment(index, item.occurred_at)
    for field in dataclasses.fields(item.event):
        value = getattr(item.event, field.name)
        _check_value(index, value)
        if field.name == "time_zone":
            _check_with(index, parse_zone, value, "names a time zone this system lacks")
        elif field.name == "cron" and value is not None:
            _check_with(index, validate_cron, value, "holds a schedule that never works")


def _check_value(index: int, value: Any) -> None:
    if isinstance(value, str):
        _check_text(index, value)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > MAX_NUMBER:
            raise damaged(index, "holds a number far out of range")
    elif isinstance(value, datetime | date):
        _check_moment(index, value)
    elif isinstance(value, timedelta):
        if not timedelta(0) <= value <= MAX_SPAN:
            raise damaged(index, "holds a duration far out of range")
    elif isinstance(value, tuple):
        if len(value) > MAX_ITEMS:
            raise damaged(index, "holds far too many items")
        for item in value:
            _check_value(index, item)


def _check_text(index: int, text: str) -> None:
    if len(text) > MAX_TEXT:
        raise damaged(index, f"holds a text longer than {MAX_TEXT:,} characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise damaged(index, "holds a text that is not valid Unicode") from None
    if any(unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS for c in text):
        raise damaged(index, "holds control characters in a text")


def _check_moment(index: int, value: date) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise damaged(index, "holds a date far outside the years the engine keeps")
    if isinstance(value, datetime) and value.tzinfo is None:
        raise damaged(index)


def _check_with(index: int, check: Callable[[str], object], value: str, what: str) -> None:
    try:
        check(value)
    except RitualError:
        raise damaged(index, what) from None


def _check_references(
    index: int, couple_id: str, item: Imported, partners: set[str], rituals: set[str]
) -> None:
    """Every id an event names belongs to this couple's own log, written before it."""
    event = item.event
    stream = item.stream_id
    people: list[str] = [
        getattr(event, name)
        for name in _PERSON_FIELDS
        if isinstance(getattr(event, name, None), str)
    ]
    for name in ("participants", "for_partners"):
        people.extend(getattr(event, name, ()))
    if any(p not in partners for p in people):
        raise damaged(index, "names a partner the couple does not have")
    ritual_id = getattr(event, "ritual_id", None)
    if stream.startswith("retractions-"):  # an undo names its ritual from its own stream
        if stream != f"retractions-{couple_id}":
            raise damaged(index, "belongs to another couple")
        if ritual_id is not None and ritual_id not in rituals:
            raise damaged(index, "names a ritual the file does not hold")
    elif ritual_id is not None and (stream != f"ritual-{ritual_id}" or ritual_id not in rituals):
        raise damaged(index, "belongs to a ritual the file does not hold")
    plan_id = getattr(event, "plan_id", None)
    if plan_id is not None and stream != f"plan-{plan_id}":
        raise damaged(index, "belongs to a plan the file does not hold")
    named: Iterable[str] = (
        *getattr(event, "rituals", ()),
        *getattr(event, "kept", ()),
        *getattr(event, "let_go", ()),
    )
    if any(r not in rituals for r in named):
        raise damaged(index, "names a ritual the file does not hold")
    if stream.startswith("couple-") and stream != f"couple-{couple_id}":
        raise damaged(index, "belongs to another couple")


def _check_folds(events: Sequence[Imported]) -> None:
    """Fold each stream's state as the engine does; a fold that fails is a damaged file."""
    streams: dict[str, list[tuple[int, Event]]] = {}
    for index, item in enumerate(events, start=1):
        streams.setdefault(item.stream_id, []).append((index, item.event))
    folds = {"couple": couple_domain.fold, "ritual": ritual_domain.fold, "plan": plan_domain.fold}
    for stream_id, items in streams.items():
        fold = folds.get(stream_id.split("-", 1)[0])
        if fold is None:
            continue
        try:
            fold([event for _, event in items])
        except (RitualError, ValueError, TypeError, KeyError, AttributeError, OverflowError):
            raise damaged(items[-1][0], "does not fit the events before it") from None
