"""The fields of a cron expression, expanded as croniter's ``expand`` gives them, read
here for the plain forms (numbers, names, ranges and lists, and steps of minutes and
hours) and by croniter for the rest (the last day, the nth or last weekday, the nearest
weekday, steps of days, ``?``).

Loading croniter costs a command about a tenth of its start (it loads dateutil and asks
the system what the interpreter's architecture is), while nearly every schedule a couple
keeps is plain. A property test holds this reading to croniter's: the same fields, and
nothing read that croniter refuses. Pure: no I/O, no clock.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TypeAlias

Field: TypeAlias = list[int | str]
"""One expanded field: sorted numbers, or ``["*"]`` for the whole range."""
Expanded: TypeAlias = tuple[list[Field], dict[int, set[int | str]]]
"""Five expanded fields and the nth-weekday marks, the shape of ``croniter.expand``."""

MINUTES, HOURS, DAYS, MONTHS, WEEKDAYS = range(5)
"""The fields' places in an expression."""

_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
"""Cron's month names: English whatever the machine's locale."""
_LONGEST = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
"""The most days each month can have (February's in a leap year)."""
_NAMES: tuple[dict[str, int], ...] = (
    {},
    {},
    {},
    {m: i for i, m in enumerate(_MONTHS, 1)},
    {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6},
)


def expand(norm: str) -> Expanded:
    """The expanded fields of the normalised expression ``norm`` (croniter's errors for
    an expression neither reading accepts)."""
    plain = expand_plain(norm)
    if plain is not None:
        return plain, {}
    from croniter import croniter  # only for the forms read here are not plain

    fields, nth = croniter.expand(norm)
    return [list(f) for f in fields], {day: set[int | str](marks) for day, marks in nth.items()}


@lru_cache(maxsize=512)
def _plain(norm: str) -> tuple[tuple[int | str, ...], ...] | None:
    parts = norm.split()
    if len(parts) != 5:
        return None
    fields = []
    for index, text in enumerate(parts):
        field = _field(text.lower(), index)
        if field is None:
            return None
        fields.append(field)
    if parts[DAYS] != "*" and parts[WEEKDAYS] != "*":
        # Both day fields written: a day matches either (cron's either-day rule), so one
        # that names every day (1-31, 0-6) makes every day match. croniter keeps it
        # listed rather than ``*``, which would leave only the other field's days.
        for index in (DAYS, WEEKDAYS):
            if fields[index] == ("*",):
                fields[index] = tuple(values(["*"], index))
    return tuple(fields)


def expand_plain(norm: str) -> list[Field] | None:
    """The expanded fields when every field is plain and in range, else None."""
    found = _plain(norm)
    return None if found is None else [list(f) for f in found]


def _field(text: str, index: int) -> tuple[int | str, ...] | None:
    low, high = _RANGES[index]
    items = text.split(",")
    if len(items) > 1 and any(i.partition("/")[0] == "*" for i in items):
        return None  # croniter keeps a whole range listed with others as it is
    chosen: set[int] = set()
    for item in items:
        values = _item(item, index, low, high)
        if values is None:
            return None
        chosen |= values
    if index == WEEKDAYS:
        chosen = {v % 7 for v in chosen}
        everything = set(range(7))
    else:
        everything = set(range(low, high + 1))
    if not chosen:
        return None
    return ("*",) if chosen == everything else tuple(sorted(chosen))


def _item(item: str, index: int, low: int, high: int) -> set[int] | None:
    base, slash, step_text = item.partition("/")
    step = 1
    if slash:
        if not step_text.isdigit() or int(step_text) < 1:
            return None
        step = int(step_text)
        if index > HOURS:
            return None  # croniter steps days, months and weekdays in ways of its own
    if base == "*":
        first, last = low, high
    else:
        start, dash, end = base.partition("-")
        first_value = _number(start, index, low, high)
        if first_value is None:
            return None
        first = first_value
        if dash:
            last_value = _number(end, index, low, high)
            if last_value is None:
                return None
            last = last_value
            if last == first:
                return None  # croniter reads a one-value range in a way of its own
        else:
            last = high if slash else first
    if first <= last:
        return set(range(first, last + 1, step))
    if step > 1 or index == WEEKDAYS:
        return None  # croniter wraps stepped ranges and weekdays in ways of its own
    span = high - low + 1  # a range that wraps past the field's end, as 5-2 or 31-2
    return {low + (first - low + k) % span for k in range(0, last + span - first + 1, step)}


def _number(text: str, index: int, low: int, high: int) -> int | None:
    names = _NAMES[index]
    if text in names:
        return names[text]
    if not text.isdigit():
        return None
    value = int(text)
    return value if low <= value <= high else None


def values(field: Field, index: int) -> list[int]:
    """The numbers a plain field at place ``index`` names: every one of its range for
    ``*`` (weekdays 0 to 6, Sunday 0)."""
    if field != ["*"]:
        return [int(v) for v in field]
    low, high = _RANGES[index]
    return list(range(low, 7 if index == WEEKDAYS else high + 1))


def can_happen(fields: list[Field]) -> bool:
    """Whether some calendar date matches the plain fields' days and months (a weekday
    field other than ``*`` always matches some date, under cron's either-day rule)."""
    if fields[DAYS] == ["*"] or fields[WEEKDAYS] != ["*"]:
        return True
    months = values(fields[MONTHS], MONTHS)
    return any(d <= _LONGEST[m - 1] for m in months for d in values(fields[DAYS], DAYS))
