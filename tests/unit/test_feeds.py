"""The calendar feed, read back by two independent parsers for every shape it can take."""

from __future__ import annotations

import ast
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import engine.calendar.ics
import engine.calendar.items
import engine.calendar.tracking
import engine.calendar.uids
import engine.calendar.upcoming
import engine.calendar.window
from engine import Engine, FixedClock
from engine.calendar.uids import occurrence_uid
from tests.feed_check import BERLIN, START, ParsedFeed, at_local, days, parse_feed

if TYPE_CHECKING:
    from engine.views.couples import CoupleView


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def couple(eng: Engine) -> CoupleView:
    return eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")


def feed(eng: Engine, couple: CoupleView, **kwargs: object) -> ParsedFeed:
    return parse_feed(eng.calendar_feed(couple, **kwargs))  # type: ignore[arg-type]


def test_an_empty_calendar_is_one_valid_calendar_with_its_properties(
    eng: Engine, couple: CoupleView
) -> None:
    parsed = feed(eng, couple)
    assert parsed.events == []
    assert parsed.name == "Sam & Alex: rituals"
    assert parsed.refresh == timedelta(hours=1)
    assert uuid.UUID(parsed.uid).version == 5


FIRST_DAY = date(2026, 3, 3)  # rituals added on Monday 09:00; the window ends on 31 May
LAST_DAY = date(2026, 5, 31)


@pytest.mark.parametrize(
    ("cron", "expected"),
    [
        ("30 7 * * *", [at_local(d, 7, 30) for d in days(FIRST_DAY, LAST_DAY)]),
        (
            "0 19 * * 0",
            [at_local(d, 19) for d in days(FIRST_DAY, LAST_DAY) if d.isoweekday() == 7],
        ),
        ("0 18 1 * *", [at_local(date(2026, 4, 1), 18), at_local(date(2026, 5, 1), 18)]),
        ("0 18 * * 0#1", [at_local(date(2026, 4, 5), 18), at_local(date(2026, 5, 3), 18)]),
    ],
    ids=["daily", "weekly", "monthly", "first-sunday"],
)
def test_each_schedule_shape_gives_one_event_per_occurrence_at_its_utc_instant(
    eng: Engine, couple: CoupleView, cron: str, expected: list[datetime]
) -> None:
    ritual = eng.add_ritual(couple, "Together", cron=cron, duration=timedelta(minutes=20))
    parsed = feed(eng, couple)
    assert [e.start for e in parsed.events] == expected
    assert [e.uid for e in parsed.events] == [occurrence_uid(ritual.id, at) for at in expected]
    assert all(e.end - e.start == timedelta(minutes=20) for e in parsed.events)  # type: ignore[operator]
    assert {(e.status, e.sequence, e.stamp) for e in parsed.events} == {("CONFIRMED", 0, START)}
    assert all(e.summary == "Together" and e.transparent for e in parsed.events)
    assert all(e.modified == e.stamp for e in parsed.events)


def test_a_skipped_occurrence_stays_cancelled_with_a_higher_sequence(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    ritual = eng.add_ritual(couple, "Morning check", cron="30 7 * * *")
    clock.advance(timedelta(hours=3))
    skipped = eng.skip(couple, "Morning check", occurrence=at_local(date(2026, 3, 3), 7, 30))
    events = feed(eng, couple).by_uid()
    gone = events[occurrence_uid(ritual.id, skipped.occurrence)]
    assert (gone.status, gone.sequence, gone.stamp) == ("CANCELLED", 1, clock.now)
    others = [e for uid, e in events.items() if uid != gone.uid]
    assert {(e.status, e.sequence) for e in others} == {("CONFIRMED", 0)}


def test_a_paused_stretch_is_left_out_and_comes_back_on_resume_with_a_higher_sequence(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    ritual = eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    clock.advance(timedelta(days=1))  # Tuesday 09:00 in Berlin
    eng.pause_ritual(couple, "Evening", until=date(2026, 3, 10))
    paused = feed(eng, couple)
    assert paused.cancelled() == []
    assert [e.start for e in paused.confirmed()[:2]] == [
        at_local(date(2026, 3, 2), 21),
        at_local(date(2026, 3, 10), 21),
    ]

    clock.advance(timedelta(days=2))  # Thursday
    eng.resume_ritual(couple, "Evening")
    resumed = feed(eng, couple).by_uid()
    back = resumed[occurrence_uid(ritual.id, at_local(date(2026, 3, 5), 21))]
    assert (back.status, back.sequence, back.stamp) == ("CONFIRMED", 2, clock.now)
    assert occurrence_uid(ritual.id, at_local(date(2026, 3, 4), 21)) not in resumed


def test_a_retired_ritual_keeps_its_past_and_leaves_out_its_future(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    clock.advance(timedelta(days=5))
    eng.retire_ritual(couple, "Evening")
    parsed = feed(eng, couple)
    assert [e.start for e in parsed.confirmed()] == [
        at_local(d, 21) for d in days(date(2026, 3, 2), date(2026, 3, 6))
    ]
    assert parsed.cancelled() == []


def test_an_edit_that_moves_the_time_leaves_out_the_old_occurrences_and_adds_new_ones(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    ritual = eng.add_ritual(couple, "Morning check", cron="30 7 * * *")
    clock.advance(timedelta(days=2))  # Wednesday 09:00
    eng.edit_ritual(couple, "Morning check", cron="0 8 * * *", title="Coffee check")
    parsed = feed(eng, couple)
    old = {e.start: e for e in parsed.events if e.start.minute == 30}  # type: ignore[union-attr]
    new = [e for e in parsed.events if e.start.minute == 0]  # type: ignore[union-attr]
    assert old[at_local(date(2026, 3, 3), 7, 30)].status == "CONFIRMED"  # the past stays
    assert [at for at in old if at > clock.now] == []
    assert parsed.cancelled() == []
    assert new[0].start == at_local(date(2026, 3, 5), 8)
    assert {(e.status, e.sequence, e.stamp, e.summary) for e in new} == {
        ("CONFIRMED", 0, clock.now, "Coffee check")
    }
    assert new[0].uid == occurrence_uid(ritual.id, new[0].start)  # type: ignore[arg-type]


def test_a_reminder_becomes_an_alarm_on_confirmed_occurrences_only(
    eng: Engine, couple: CoupleView
) -> None:
    eng.add_ritual(couple, "Walk", cron="0 18 * * *", reminder=timedelta(minutes=10))
    eng.skip(couple, "Walk", occurrence=at_local(date(2026, 3, 2), 18))
    parsed = feed(eng, couple)
    assert [e.alarms for e in parsed.cancelled()] == [()]
    assert {e.alarms for e in parsed.confirmed()} == {(timedelta(minutes=-10),)}


def test_typed_backslashes_and_separators_come_back_as_typed_and_never_as_line_breaks(
    eng: Engine,
) -> None:
    couple = eng.create_couple("Sam \\N Alex; us, too", ["sam"], "Europe/Berlin")
    title, prompt = "C:\\New, folder; \\N", "\\N or \\n?"
    eng.add_ritual(couple, title, cron="0 18 * * *", prompts=[prompt])
    parsed = feed(eng, couple, days_ahead=1)
    assert parsed.name == "Sam \\N Alex; us, too: rituals"
    assert {(e.summary, e.description) for e in parsed.events} == {
        (title, f"{prompt}\n\nAbout 15 minutes.")
    }


def test_a_sealed_capsule_shows_its_opening_day_as_an_all_day_event_without_content(
    eng: Engine, couple: CoupleView
) -> None:
    eng.seal_capsule(couple, by="sam", message="Where I am right now", opens_on=date(2026, 4, 2))
    eng.seal_capsule(couple, by="alex", message="Three months on", opens_on=date(2027, 1, 1))
    (opening,) = feed(eng, couple).events  # the second opens beyond the window
    assert (opening.start, opening.end) == (date(2026, 4, 2), date(2026, 4, 3))
    assert opening.summary == "Time capsule opens"
    assert "right now" not in opening.description
    assert (opening.status, opening.sequence, opening.stamp) == ("CONFIRMED", 0, START)


def test_a_partner_feed_holds_only_the_rituals_that_partner_takes_part_in(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Together", cron="0 20 * * 0")
    eng.add_ritual(couple, "Sam's walk", cron="0 7 * * 6", participants=["sam"])
    sams, alexs, both = (feed(eng, couple, partner=p) for p in ("sam", "alex", None))
    assert {e.summary for e in sams.events} == {"Together", "Sam's walk"}
    assert {e.summary for e in alexs.events} == {"Together"}
    assert len(both.events) == len(sams.events)
    assert len({sams.uid, alexs.uid, both.uid}) == 3
    assert sams.name == "Sam & Alex: rituals for sam"

    clock.advance(timedelta(days=1))
    eng.edit_ritual(couple, "Sam's walk", participants=["alex"])
    sam_walks = [e for e in feed(eng, couple, partner="sam").events if e.summary == "Sam's walk"]
    assert sam_walks == []
    alex_walks = [e for e in feed(eng, couple, partner="alex").events if e.summary == "Sam's walk"]
    assert {(e.status, e.sequence, e.stamp) for e in alex_walks} == {("CONFIRMED", 0, clock.now)}


def test_an_unchanged_calendar_gives_identical_bytes_all_day_long(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *", reminder=timedelta(minutes=5))
    eng.add_ritual(couple, "Walk", cron="0 18 * * 6", participants=["alex"])
    eng.seal_capsule(couple, by="sam", message="Hello later", opens_on=date(2026, 5, 1))
    morning = eng.calendar_feed(couple)
    morning_alex = eng.calendar_feed(couple, partner="alex")
    clock.now = datetime(2026, 3, 2, 22, 59, tzinfo=UTC)  # 23:59 in Berlin, the same day
    eng.check_in(couple, "Morning check", by="sam", note="slow coffee")  # not a feed change
    assert eng.calendar_feed(couple) == morning
    assert eng.calendar_feed(couple, partner="alex") == morning_alex
    clock.now = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)  # midnight: the window moves on
    assert eng.calendar_feed(couple) != morning


def test_a_daily_half_past_two_in_berlin_keeps_one_event_a_day_over_both_dst_changes(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 3, 20, 12, tzinfo=UTC)
    eng.add_ritual(couple, "Night owls", cron="30 2 * * *")
    clock.now = datetime(2026, 7, 1, 12, tzinfo=UTC)
    parsed = feed(eng, couple, days_back=110, days_ahead=150)
    starts = [e.start for e in parsed.events]
    assert isinstance(starts[0], datetime)
    local_days = [s.astimezone(BERLIN).date() for s in starts]  # type: ignore[union-attr]
    assert local_days == days(date(2026, 3, 21), date(2026, 11, 28))

    def on(day: date) -> datetime:
        return starts[local_days.index(day)]  # type: ignore[return-value]

    # spring forward: 02:30 does not exist on 29 March and happens at 03:30 summer time
    assert on(date(2026, 3, 28)) == datetime(2026, 3, 28, 1, 30, tzinfo=UTC)
    assert on(date(2026, 3, 29)) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert on(date(2026, 3, 30)) == datetime(2026, 3, 30, 0, 30, tzinfo=UTC)
    # fall back: 02:30 happens twice on 25 October and the ritual takes the first
    assert on(date(2026, 10, 24)) == datetime(2026, 10, 24, 0, 30, tzinfo=UTC)
    assert on(date(2026, 10, 25)) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert on(date(2026, 10, 26)) == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)
    assert b"TZID" not in eng.calendar_feed(couple)


def test_no_private_text_of_the_couple_ever_reaches_a_feed(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    secrets = {
        "note": "Marmalade umbrella whisper",
        "shared note": "Pelican lantern harbour",
        "appreciation": "Velvet accordion sunrise",
        "journal": "Quiet cobalt meadow",
        "capsule": "Saffron telescope promise",
        "rules": "Lilac compass agreement",
        "skip reason": "Granite violin holiday",
        "repair note": "Amber kettle apology",
        "answer note": "Copper sparrow answer",
    }
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *", prompts=["How are you?"])
    eng.add_ritual(couple, "Walk", cron="0 18 * * *", participants=["alex"])
    clock.advance(timedelta(hours=12))
    eng.check_in(couple, "Walk", by="alex", note=secrets["note"])
    eng.check_in(couple, "Morning check", by="sam", at=START, note=secrets["shared note"])
    eng.skip(couple, "Morning check", by="sam", reason=secrets["skip reason"], at=clock.now)
    eng.appreciate(couple, by="sam", to="alex", text=secrets["appreciation"])
    eng.appreciate(couple, by="alex", to="sam", text=secrets["journal"], private=True)
    eng.seal_capsule(couple, by="sam", message=secrets["capsule"], opens_on=date(2026, 3, 20))
    eng.agree_ground_rules(couple, [secrets["rules"]])
    repair = eng.repair(couple, by="sam", kind="apology", note=secrets["repair note"])
    eng.respond_to_repair(couple, repair, by="alex", answer="accepted", note=secrets["answer note"])
    for partner in (None, "sam", "alex"):
        ics = eng.calendar_feed(couple, partner=partner)
        unfolded = ics.replace(b"\r\n ", b"").decode("utf-8").replace("\\", "")
        parse_feed(ics)
        for what, text in secrets.items():
            assert text.split()[0] not in unfolded, what


def test_uids_are_opaque_and_never_carry_names_or_titles(eng: Engine, couple: CoupleView) -> None:
    ritual = eng.add_ritual(couple, "Sam and Alex time", cron="0 20 * * *")
    for e in feed(eng, couple).events:
        assert uuid.UUID(e.uid).version == 5
        assert not {"sam", "alex", ritual.id} & set(e.uid.split("-"))


@pytest.mark.parametrize(
    "module",
    [
        engine.calendar.ics,
        engine.calendar.items,
        engine.calendar.tracking,
        engine.calendar.uids,
        engine.calendar.upcoming,
        engine.calendar.window,
    ],
)
def test_the_feed_modules_are_pure(module: object) -> None:
    source = Path(module.__file__).read_text(encoding="utf-8")  # type: ignore[attr-defined]
    tree = ast.parse(source)
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported.isdisjoint({"os", "sqlalchemy", "click", "time", "random"})
    assert ".now(" not in source and "utcnow" not in source


def test_the_feed_bytes_are_icalendars_own_serialisation_of_the_same_calendar() -> None:
    """Lines are made once per shared value and short ones skip folding: the bytes must
    still be exactly what icalendar writes for that calendar (long, non-ASCII, escaped,
    repeated and alarmed lines included)."""
    from engine.calendar.feed_items import AllDayItem, FeedCalendar, TimedItem

    stamp = datetime(2026, 3, 1, 9, tzinfo=UTC)
    long_title = "Évening walk along the river, phones left at home, " * 3
    items = [
        TimedItem(
            uid=f"occ-{n}",
            start=stamp + timedelta(days=n),
            end=stamp + timedelta(days=n, minutes=20),
            summary=long_title if n % 2 else "Morning check",
            description="What felt good?\nWhat is one thing for tonight; and, why \\ not?",
            cancelled=n == 3,
            sequence=n % 3,
            stamp=stamp,
            alarm=timedelta(minutes=10) if n % 2 else None,
            url=f"https://example.test/page/{n}?o={'x' * 80}" if n == 4 else None,
        )
        for n in range(8)
    ]
    items.append(
        AllDayItem(
            uid="day", day=date(2026, 3, 9), summary="Plan week 2", description="", stamp=stamp
        )
    )
    cal = engine.calendar.ics._calendar(
        FeedCalendar(uid="cal", name="Sam & Alex: ünïcode rituals"), items, "A note, kept; short."
    )
    cal.add("comment", engine.calendar.ics._Text("with a language"), parameters={"LANGUAGE": "en"})
    assert engine.calendar.ics._to_ical(cal) == cal.to_ical()


@pytest.mark.parametrize(
    "instant",
    [
        datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(987, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2026, 6, 1, 12, tzinfo=timezone(timedelta(0))),
    ],
)
def test_a_feed_time_is_written_as_icalendar_writes_a_utc_date_time(instant: datetime) -> None:
    from icalendar import Calendar, vDDDTypes

    ours, theirs = engine.calendar.ics._Instant(instant), vDDDTypes(instant)
    assert ours.to_ical() == theirs.to_ical()
    assert Calendar().content_line("DTSTART", ours) == Calendar().content_line("DTSTART", theirs)


def test_a_feed_time_outside_utc_is_refused() -> None:
    with pytest.raises(ValueError, match="UTC"):
        engine.calendar.ics._Instant(datetime(2026, 3, 29, 3, tzinfo=timezone(timedelta(hours=2))))
