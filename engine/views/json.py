"""The one JSON serialiser: frozen views (and any value they hold) as JSON-ready data.

Pure: no I/O, no clock. The policy, the same for the command line's ``--json`` and the
export document:

- a view (a dataclass) becomes an object of the fields its shape names, each under its
  field name (snake_case); a field declared ``repr=False`` (a URL holding a token) is
  refused;
- a duration becomes minutes (an integer when whole) under ``<name>_minutes``;
- an instant becomes ISO 8601 with its UTC offset, in the zone the caller passes (the
  command line: the couple's zone; the export: UTC), except a field marked
  ``engine.views.rituals.LOCAL_TIME``, a local time written in the zone it holds (a partner's
  own, say); a date becomes ``YYYY-MM-DD``;
- a float is rounded to three decimal places; an enum is written as its value;
- tuples and lists become arrays, mappings objects with string keys.

A view carries private text only when its reader may see it; the serialiser writes what
the view holds and adds nothing.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.views.plans import PlanView
    from engine.views.streaks import StreakView

PLACES = 3
"""Decimal places a float keeps."""


def minutes(value: timedelta | None) -> int | float | None:
    """A duration in minutes: an integer when whole, None for none."""
    if value is None:
        return None
    m = value.total_seconds() / 60
    return int(m) if m.is_integer() else round(m, PLACES)


def instant(moment: datetime | None, zone: tzinfo | None = UTC) -> str | None:
    """An instant as ISO 8601 in ``zone`` (None: the zone it holds), with its offset; None
    for none."""
    if moment is None:
        return None
    return (moment if zone is None else moment.astimezone(zone)).isoformat()


def plain(value: object, *, zone: tzinfo | None = UTC) -> Any:
    """``value`` as JSON-ready data under the policy above. A view (a dataclass) is not
    taken here: it goes through :func:`view_json`, which names the keys it writes."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return round(value, PLACES)
    if isinstance(value, enum.Enum):
        return plain(value.value, zone=zone)
    if isinstance(value, datetime):
        return instant(value, zone)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return minutes(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v, zone=zone) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, zone=zone) for v in value]
    raise TypeError(f"no JSON form for {type(value).__name__}; a view goes through view_json")


def view_json(
    view: Any,
    keys: Collection[str],
    *,
    zone: tzinfo | None = UTC,
    rename: Mapping[str, str] | None = None,
    extra: Mapping[str, object] | None = None,
) -> dict[str, Any]:
    """The fields ``keys`` names of a dataclass view as a JSON object, each under its own
    name or the one ``rename`` gives it, then ``extra`` keys (already in JSON form, or
    made so) added or replacing. Naming the keys keeps every shape stable: a field added to
    a view appears in no JSON until a shape names it."""
    renamed = rename or {}
    known = {f.name: f for f in dataclasses.fields(view)}
    out: dict[str, Any] = {}
    for name in keys:
        f = known[name]
        if not f.repr:
            raise ValueError(f"{name} is kept out of every output")
        value = getattr(view, name)
        key = renamed.get(name, name)
        if isinstance(value, timedelta) or (value is None and _is_duration(f)):
            key = f"{key}_minutes"
        own = f.metadata.get("zone") == "own"  # a local time keeps the zone it holds
        out[key] = plain(value, zone=None if own else zone)
    for key, value in (extra or {}).items():
        out[key] = plain(value, zone=zone)
    return out


def _is_duration(f: dataclasses.Field[Any]) -> bool:
    """Whether a field holds a duration (so that an empty one keeps its ``_minutes`` key)."""
    return "timedelta" in str(f.type)


def streak_summary(view: StreakView, figures: Collection[str]) -> dict[str, Any]:
    """One ritual's streak in brief: its title (as ``ritual``), id and unit, and the
    couple's ``figures`` named."""
    return view_json(
        view,
        ("title", "ritual_id", "unit"),
        rename={"title": "ritual"},
        extra=view_json(view.couple, figures),
    )


def plan_summary(view: PlanView, figures: Collection[str]) -> dict[str, Any]:
    """Where a plan stands in brief: the ``figures`` named, its template as ``plan``."""
    return view_json(view, figures, rename={"template": "plan"})
