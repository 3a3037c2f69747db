"""Plural-correct English for every message, and occurrences named as people say them.

Pure: no I/O, no clock (callers pass "today").
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

_IRREGULAR = {"was": "were", "is": "are", "has": "have", "this": "these"}


def plural(word: str, count: int) -> str:
    """``word`` as it reads beside ``count``: entry/entries, week/weeks, was/were."""
    if count == 1:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def count_of(count: int, word: str) -> str:
    """``3 weeks``, ``1 check-in``, ``0 entries``."""
    return f"{count} {plural(word, count)}"


def times(count: int) -> str:
    """How often, in words: ``once``, ``twice``, ``3 times``."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def part_of_day(moment: datetime) -> str:
    hour = moment.hour
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"


def occurrence_phrase(local: datetime, today: date) -> str:
    """An occurrence as people name it: ``this morning's 07:00``, ``tomorrow evening's
    21:00``, ``yesterday's 23:00``; further away, ``Wed 25 Nov 07:00``."""
    clock = f"{local:%H:%M}"
    part = part_of_day(local)
    offset = (local.date() - today).days
    if offset == 0:
        return f"tonight's {clock}" if part == "night" else f"this {part}'s {clock}"
    if offset in (-1, 1):
        day = "yesterday" if offset == -1 else "tomorrow"
        return f"{day}'s {clock}" if part == "night" else f"{day} {part}'s {clock}"
    return f"{local:%a %d %b %H:%M}"


def format_duration(value: timedelta | None) -> str:
    """``1h30m`` style, the inverse of the command line's ``parse_duration``."""
    if value is None:
        return "-"
    seconds = int(value.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0m"
