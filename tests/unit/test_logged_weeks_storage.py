"""The ``logged_weeks`` model writes a week as columns and reads back the same entries:
every kind, moments in other offsets and with microseconds, a moment done apart from when
its event occurred, occurrences, partners counted as well, entries naming no one."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from engine.projections import logged_weeks
from engine.projections.logged_weeks import APPRECIATION, CHECK_IN, OTHER, SKIP, Entry

MONDAY = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
EAST = timezone(timedelta(hours=5, minutes=45))


def week() -> tuple[Entry, ...]:
    at = MONDAY + timedelta(microseconds=250)
    return (
        Entry(CHECK_IN, "e1", 10, MONDAY, "sam", MONDAY, "walk"),
        Entry(CHECK_IN, "e2", 12, at, "alex", at - timedelta(hours=20), "morning", MONDAY),
        Entry(CHECK_IN, "e3", 15, MONDAY.astimezone(EAST), "sam", MONDAY, "walk", None, ("alex",)),
        Entry(SKIP, "e4", 20, MONDAY, None, MONDAY + timedelta(days=30), "morning"),
        Entry(SKIP, "e5", 21, MONDAY, "alex", MONDAY + timedelta(days=1), "walk"),
        Entry(APPRECIATION, "e6", 30, MONDAY, "alex", MONDAY + timedelta(minutes=1)),
        Entry(OTHER, "e7", 31, MONDAY, "sam", MONDAY),
    )


def test_a_week_written_down_and_read_back_is_the_same_week() -> None:
    written = json.loads(json.dumps(logged_weeks.dump(week())))
    read = logged_weeks.load(written)
    assert read == week()
    assert [e.occurred_at.utcoffset() for e in read] == [e.occurred_at.utcoffset() for e in week()]


def test_a_week_holds_a_few_values_per_entry_however_many_ids_it_names() -> None:
    many = tuple(
        Entry(CHECK_IN, f"e{n}", n, MONDAY, f"partner-{n}", MONDAY, f"ritual-{n}", None, ("x",))
        for n in range(40)
    )
    written = logged_weeks.dump(many)
    assert logged_weeks.load(json.loads(json.dumps(written))) == many
    assert len(written["by"]) == len(written["rituals"]) == 40


def test_every_id_number_has_its_own_character_and_none_is_half_a_surrogate_pair() -> None:
    chars = [logged_weeks._char(n) for n in range(60_000)]
    assert len(set(chars)) == len(chars)
    assert logged_weeks._NONE not in chars
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in chars)
