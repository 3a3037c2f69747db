"""Bounded feeds: a floor for new schedules, and a cap on a feed's events and bytes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from engine import Engine, FixedClock, InvalidInput
from engine.calendar.feed_items import MAX_EVENTS, FeedCalendar, TimedItem
from engine.calendar.ics import MAX_BYTES, render
from engine.calendar.items import FEED_TYPES, feed_items
from engine.events import NewEvent, RitualAdded
from engine.services.refs import ritual_stream
from tests.feed_check import START, at_local, parse_feed

if TYPE_CHECKING:
    from engine.views.couples import CoupleView

META = FeedCalendar(uid="u", name="Sam & Alex: rituals")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def couple(eng: Engine) -> CoupleView:
    return eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")


def _hourly(eng: Engine, couple: CoupleView, n: int) -> None:
    for minute in range(n):
        eng.add_ritual(couple, f"Hourly {minute}", cron=f"{minute} * * * *")


def _history(eng: Engine, couple: CoupleView) -> list[tuple[datetime, object]]:
    return [(r.recorded_at, r.event) for r in eng.store.read_couple(couple.id, types=FEED_TYPES)]


# -- the floor -----------------------------------------------------------------------------


@pytest.mark.parametrize("cron", ["* * * * *", "*/5 * * * *", "0,30 * * * *"])
def test_adding_a_ritual_more_often_than_hourly_is_refused_naming_the_floor(
    eng: Engine, couple: CoupleView, cron: str
) -> None:
    with pytest.raises(InvalidInput, match="at most once an hour"):
        eng.add_ritual(couple, "Too often", cron=cron)
    assert eng.rituals(couple) == []


def test_editing_a_schedule_to_more_often_than_hourly_is_refused(
    eng: Engine, couple: CoupleView
) -> None:
    eng.add_ritual(couple, "Hourly hello", cron="0 * * * *")  # at the floor: fine
    with pytest.raises(InvalidInput, match="at most once an hour"):
        eng.edit_ritual(couple, "Hourly hello", cron="*/5 * * * *")
    assert eng.ritual(couple, "Hourly hello").cron == "0 * * * *"


def test_a_stored_ritual_below_the_floor_still_loads_edits_and_shows_capped(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    stored = RitualAdded(
        ritual_id="r" * 32,
        title="From an older version",
        kind="other",
        cron="*/5 * * * *",
        per_week=None,
        duration=None,
        participants=(),
        together=True,
        reminder=None,
        effective_from=clock.now,
    )
    stream = ritual_stream(stored.ritual_id)
    eng.store.append(couple.id, stream, [NewEvent(stored, clock.now)], expected_version=0)
    eng.edit_ritual(couple, "From an older version", title="Still here")
    assert eng.ritual(couple, "Still here").cron == "*/5 * * * *"
    assert len(parse_feed(eng.calendar_feed(couple)).events) == MAX_EVENTS


# -- the cap -------------------------------------------------------------------------------


def test_a_feed_keeps_the_thousand_occurrences_nearest_today_on_both_sides_and_says_so(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    _hourly(eng, couple, 2)
    clock.advance(timedelta(days=40))
    ics = eng.calendar_feed(couple)
    parsed = parse_feed(ics)
    starts = sorted(e.start for e in parsed.events)  # type: ignore[type-var]
    assert len(starts) == MAX_EVENTS and len(ics) < MAX_BYTES
    today = at_local(date(2026, 4, 11), 0)
    assert today - timedelta(days=11) < starts[0] and starts[-1] < today + timedelta(days=11)
    assert b"X-WR-CALDESC:To stay light enough for every calendar app" in ics
    assert b"leaves out those further back or further ahead" in ics.replace(b"\r\n ", b"")


def test_a_feed_within_the_cap_has_no_note(eng: Engine, couple: CoupleView) -> None:
    eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    assert b"CALDESC" not in eng.calendar_feed(couple)


def test_following_occurrences_only_near_today_gives_the_same_bytes_as_following_them_all(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    _hourly(eng, couple, 3)
    eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    clock.advance(timedelta(days=20))
    eng.edit_ritual(couple, "Hourly 1", title="Hourly one")
    eng.skip(couple, "Evening", occurrence=at_local(date(2026, 3, 21), 21))
    history = _history(eng, couple)
    around = at_local(date(2026, 3, 22), 0)
    for cap in (1, 50, 400):
        near = feed_items(history, clock.now, max_events=cap)  # type: ignore[arg-type]
        every = feed_items(history, clock.now, max_events=None)  # type: ignore[arg-type]
        assert len(near) < len(every)
        assert render(META, near, around=around, max_events=cap) == render(
            META, every, around=around, max_events=cap
        )


def test_a_feed_stays_under_its_byte_cap_by_keeping_fewer_of_the_nearest(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Evening", cron="0 21 * * *", prompts=["How was today, really?" * 10])
    items = feed_items(_history(eng, couple), clock.now)  # type: ignore[arg-type]
    whole = render(META, items, around=clock.now)
    capped = render(META, items, around=clock.now, max_bytes=len(whole) // 3)
    assert len(capped) <= len(whole) // 3
    kept = parse_feed(capped).events
    assert 0 < len(kept) < len(items) // 3
    nearest = sorted(
        (i for i in items if isinstance(i, TimedItem)), key=lambda i: abs(i.start - clock.now)
    )
    assert {e.start for e in kept} == {i.start for i in nearest[: len(kept)]}
