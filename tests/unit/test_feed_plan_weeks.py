"""The plan's weeks reach the calendar feed as all-day events, and move with the plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from engine import Engine, FixedClock, MemoryEventStore
from tests.feed_check import parse_feed


def only(eng: Engine) -> str:
    """The id of the one couple this engine holds (the library takes ids, never guesses)."""
    (couple,) = eng.couples()
    return couple.id


def plan_days(ics: bytes) -> dict[date, str]:
    return {
        e.start: e.summary
        for e in parse_feed(ics).events
        if isinstance(e.start, date) and not isinstance(e.start, datetime)
    }


def test_every_plan_week_is_an_all_day_event_that_moves_when_a_week_is_extended() -> None:
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))  # a Monday
    eng = Engine(MemoryEventStore(clock), clock)
    eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.start_plan(only(eng))
    before = eng.feed_version(only(eng))
    weeks = plan_days(eng.calendar_feed(only(eng)))
    assert sorted(weeks)[:3] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert len(weeks) == 8
    assert all("week" in title for title in weeks.values())

    clock.advance(timedelta(days=1))
    eng.extend_plan_week(only(eng))
    assert eng.feed_version(only(eng)) > before
    moved = plan_days(eng.calendar_feed(only(eng)))
    assert date(2026, 3, 9) not in moved
    assert date(2026, 3, 16) in moved and date(2026, 3, 2) in moved


def test_plan_weeks_are_stamped_by_the_plan_not_by_the_clock() -> None:
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    eng = Engine(MemoryEventStore(clock), clock)
    eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.start_plan(only(eng))
    first = eng.calendar_feed(only(eng))
    clock.advance(timedelta(hours=3))
    assert eng.calendar_feed(only(eng)) == first
