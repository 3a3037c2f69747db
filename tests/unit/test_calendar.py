"""Building the feed from the history, what comes next, the catalog, and the feed version."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from engine import Engine, FixedClock, InvalidInput, NotFound
from engine.calendar.feed_items import AllDayItem, TimedItem
from engine.calendar.items import FEED_TYPES, feed_items
from engine.catalog.rituals import CATALOG
from engine.events import CoupleCreated, RitualAdded
from tests.feed_check import BERLIN, START, at_local, parse_feed

if TYPE_CHECKING:
    from engine.views.couples import CoupleView


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def couple(eng: Engine) -> CoupleView:
    return eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")


# -- the builder ---------------------------------------------------------------------------


def history(*rituals: RitualAdded) -> list[tuple[datetime, CoupleCreated | RitualAdded]]:
    created = CoupleCreated(couple_id="c1", name="Sam & Alex", time_zone="Europe/Berlin")
    return [(START, created), *((START, r) for r in rituals)]


def ritual(**changes: object) -> RitualAdded:
    fields: dict[str, object] = {
        "ritual_id": "r1",
        "title": "Morning check",
        "kind": "check-in",
        "cron": "30 7 * * *",
        "per_week": None,
        "duration": None,
        "participants": ("p1", "p2"),
        "together": True,
        "reminder": None,
        "prompts": ("What would make today good?",),
        "effective_from": START,
    }
    return RitualAdded(**{**fields, **changes})  # type: ignore[arg-type]


def test_an_occurrence_without_a_duration_lasts_fifteen_minutes_and_says_so() -> None:
    items = feed_items(history(ritual()), START, days_back=0, days_ahead=1)
    assert [i.start for i in items if isinstance(i, TimedItem)] == [
        at_local(date(2026, 3, 3), 7, 30)
    ]
    (item,) = items
    assert isinstance(item, TimedItem)
    assert item.end - item.start == timedelta(minutes=15)
    assert item.description == "What would make today good?\n\nAbout 15 minutes."


def test_a_ritual_without_prompts_describes_only_its_length() -> None:
    (item,) = feed_items(
        history(ritual(prompts=(), duration=timedelta(minutes=90))), START, days_ahead=1
    )
    assert isinstance(item, TimedItem)
    assert item.description == "About 1 hour 30 minutes."


def test_quota_and_occasional_rituals_have_no_feed_events() -> None:
    quota = ritual(ritual_id="r1", cron=None, per_week=3)
    occasional = ritual(ritual_id="r2", cron=None, per_week=None)
    assert feed_items(history(quota, occasional), START) == []


def test_more_all_day_milestones_can_be_passed_in_and_are_kept_to_the_window() -> None:
    def week(n: int, day: date) -> AllDayItem:
        return AllDayItem(f"week-{n}", day, f"Week {n}", "A new week of the plan.", START)

    weeks = [week(1, date(2026, 1, 5)), week(2, date(2026, 3, 9)), week(3, date(2026, 7, 1))]
    items = feed_items(history(), START, all_day=weeks)
    assert items == [weeks[1]]


def test_the_window_is_anchored_to_local_days_not_the_instant() -> None:
    late = START.replace(hour=22, minute=59)  # 23:59 in Berlin
    one = feed_items(history(ritual()), START, days_back=1, days_ahead=1)
    other = feed_items(history(ritual()), late, days_back=1, days_ahead=1)
    assert one == other
    assert [i.start for i in one if isinstance(i, TimedItem)] == [at_local(date(2026, 3, 3), 7, 30)]


# -- changes over time ---------------------------------------------------------------------


def test_a_new_title_raises_the_sequence_of_future_occurrences_only(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    clock.advance(timedelta(days=1, hours=3))  # Tuesday 12:00 in Berlin
    eng.edit_ritual(couple, "Evening", title="Evening together")
    events = parse_feed(eng.calendar_feed(couple)).events
    assert [(e.summary, e.sequence) for e in events[:3]] == [
        ("Evening", 0),
        ("Evening together", 1),
        ("Evening together", 1),
    ]
    assert {e.stamp for e in events[1:]} == {clock.now}


def test_an_edit_that_changes_nothing_shown_leaves_the_feed_as_it_was(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    before = eng.calendar_feed(couple)
    clock.advance(timedelta(hours=1))
    eng.edit_ritual(couple, "Evening", kind="reflection")
    assert eng.calendar_feed(couple) == before


def test_a_retired_ritual_keeps_its_past_and_leaves_no_cancelled_future(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    clock.advance(timedelta(days=3))  # Thursday 09:00 in Berlin
    eng.retire_ritual(couple, "Evening")

    parsed = parse_feed(eng.calendar_feed(couple))
    assert parsed.cancelled() == []
    assert [e.start for e in parsed.confirmed()] == [
        at_local(date(2026, 3, d), 21) for d in (2, 3, 4)
    ]


def test_a_paused_ritual_is_left_out_until_it_comes_back(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    before = parse_feed(eng.calendar_feed(couple, days_back=0, days_ahead=6)).by_uid()
    clock.advance(timedelta(days=1))
    eng.pause_ritual(couple, "Evening", until=date(2026, 3, 6))

    parsed = parse_feed(eng.calendar_feed(couple, days_back=1, days_ahead=5))
    assert parsed.cancelled() == []
    assert [e.start for e in parsed.confirmed()] == [
        at_local(date(2026, 3, d), 21) for d in (2, 6, 7, 8)
    ]
    # what stays is what was published before, untouched
    assert all(before[e.uid] == e for e in parsed.events)


def test_an_occurrence_an_edit_removes_is_left_out_and_returns_with_a_higher_sequence(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    clock.advance(timedelta(hours=1))
    eng.edit_ritual(couple, "Evening", cron="0 22 * * *")
    parsed = parse_feed(eng.calendar_feed(couple, days_back=0, days_ahead=1))
    assert parsed.cancelled() == []
    assert [e.start for e in parsed.events] == [at_local(date(2026, 3, d), 22) for d in (2, 3)]

    clock.advance(timedelta(hours=1))
    eng.edit_ritual(couple, "Evening", cron="0 21 * * *")
    parsed = parse_feed(eng.calendar_feed(couple, days_back=0, days_ahead=1))
    assert [(e.start, e.sequence) for e in parsed.events] == [
        (at_local(date(2026, 3, d), 21), 2) for d in (2, 3)
    ]


def test_a_skipped_occurrence_stays_as_cancelled(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    eng.skip(couple, "Evening", occurrence=at_local(date(2026, 3, 2), 21))
    parsed = parse_feed(eng.calendar_feed(couple, days_back=0, days_ahead=1))
    assert [e.start for e in parsed.cancelled()] == [at_local(date(2026, 3, 2), 21)]
    assert [e.start for e in parsed.confirmed()] == [at_local(date(2026, 3, 3), 21)]


def test_a_new_time_zone_moves_the_future_occurrences_and_keeps_the_past_ones(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *")
    clock.advance(timedelta(days=1))  # Tuesday 09:00 in Berlin, 03:00 in New York
    eng.change_settings(couple, tz="America/New_York")
    parsed = parse_feed(eng.calendar_feed(couple, days_back=0, days_ahead=2))
    new_york = ZoneInfo("America/New_York")
    assert parsed.cancelled() == []
    assert [e.start for e in parsed.confirmed()] == [
        at_local(date(2026, 3, 3), 7, 30),  # done in Berlin that morning, before the move
        *(at_local(date(2026, 3, d), 7, 30, new_york) for d in (3, 4, 5)),
    ]


def test_the_feed_version_moves_with_feed_changes_but_not_with_check_ins(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    first = eng.feed_version(couple)
    assert first > 0
    eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    added = eng.feed_version(couple)
    assert added > first
    clock.advance(timedelta(hours=12))
    eng.check_in(couple, "Evening", by="sam")
    assert eng.feed_version(couple) == added
    clock.advance(timedelta(hours=12))
    eng.skip(couple, "Evening", occurrence=at_local(date(2026, 3, 3), 21))
    assert eng.feed_version(couple) == eng.store.last_position()
    assert "ritual.checked_in" not in FEED_TYPES


@pytest.mark.parametrize(("back", "ahead"), [(-1, 90), (30, -1), (367, 90), (30, 10_000)])
def test_a_feed_window_out_of_range_is_invalid_input(
    eng: Engine, couple: CoupleView, back: int, ahead: int
) -> None:
    with pytest.raises(InvalidInput, match="between 0 and 366 days"):
        eng.calendar_feed(couple, days_back=back, days_ahead=ahead)


def test_a_feed_for_an_unknown_partner_is_not_found(eng: Engine, couple: CoupleView) -> None:
    with pytest.raises(NotFound, match="unknown partner 'kim'"):
        eng.calendar_feed(couple, partner="kim")


# -- what comes next -----------------------------------------------------------------------


def test_upcoming_lists_the_next_days_in_local_time_with_their_prompts(
    eng: Engine, couple: CoupleView
) -> None:
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *", prompts=["How did you sleep?"])
    eng.add_ritual(couple, "Walk", cron="0 18 * * *", duration=timedelta(minutes=30))
    eng.add_ritual(couple, "Journal", per_week=3)
    coming = eng.upcoming(couple, days=2)
    assert [(u.title, u.local.strftime("%a %H:%M")) for u in coming] == [
        ("Walk", "Mon 18:00"),
        ("Morning check", "Tue 07:30"),
        ("Walk", "Tue 18:00"),
        ("Morning check", "Wed 07:30"),
    ]
    assert coming[1].prompt == "How did you sleep?" and coming[0].prompt is None
    assert coming[0].duration == timedelta(minutes=30)
    assert coming[1].at == at_local(date(2026, 3, 3), 7, 30)
    assert coming[1].local.tzinfo == BERLIN


def test_upcoming_leaves_out_skipped_paused_and_other_partners_occurrences(
    eng: Engine, couple: CoupleView
) -> None:
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *")
    eng.add_ritual(couple, "Run", cron="0 7 * * *", participants=["alex"])
    eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    eng.skip(couple, "Morning check", occurrence=at_local(date(2026, 3, 3), 7, 30))
    eng.pause_ritual(couple, "Evening")
    sams = eng.upcoming(couple, days=2, partner="sam")
    assert [u.local.strftime("%a %H:%M") for u in sams] == ["Wed 07:30"]
    alexs = eng.upcoming(couple, days=2, partner="alex")
    assert [u.title for u in alexs] == ["Run", "Run", "Morning check"]


@pytest.mark.parametrize("days", [0, -3, 367, True])
def test_upcoming_needs_a_sensible_number_of_days(
    eng: Engine, couple: CoupleView, days: int
) -> None:
    with pytest.raises(InvalidInput, match="look ahead between 1 and 366 days"):
        eng.upcoming(couple, days=days)


def test_the_catalog_describes_every_template_with_its_schedule(eng: Engine) -> None:
    views = eng.catalog()
    assert [v.key for v in views] == [t.key for t in CATALOG]
    by_key = {v.key: v for v in views}
    assert by_key["morning-micro-check"].schedule == "every day at 07:30"
    assert by_key["appreciation-journal"].schedule == "3 times a week each"
    assert by_key["appreciation-journal"].who == "each"
    assert by_key["maintenance-meeting"].schedule.startswith("on the first Sunday")
