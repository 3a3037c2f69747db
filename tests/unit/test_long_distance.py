"""Long-distance couples: each partner in their own zone, rituals shared or kept locally.

Berlin and New York change their clocks on different dates: 6 hours apart most of the
year, 5 hours from the second Sunday of March (New York springs forward) to the last
Sunday of March (Berlin does), and again from the last Sunday of October to the first
Sunday of November. Auckland and Los Angeles sit on either side of the date line.
Every feed is read back with the two independent parsers of ``tests.feed_check``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from engine import Engine, FixedClock, InvalidInput, MemoryEventStore, NotAllowed
from engine.events import RitualAdded
from engine.events.codec import from_plain, to_plain
from tests.feed_check import at_local, days, parse_feed

if TYPE_CHECKING:
    from engine.views.couples import CoupleView
    from engine.views.streaks import StreakView

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")

BEGAN = datetime(2026, 3, 1, 14, 0, tzinfo=UTC)  # Sunday 1 March: 15:00 Berlin, 09:00 NY


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(BEGAN)


@pytest.fixture
def couple(eng: Engine) -> CoupleView:
    """Sam in Berlin (the couple's zone), Alex in New York (a zone of their own)."""
    return eng.create_couple(
        "Sam & Alex", ["sam", "alex"], "Europe/Berlin", partner_zones={"alex": "America/New_York"}
    )


def _starts(ics: bytes) -> dict[str, list[datetime]]:
    """Each summary's event starts, as both parsers read them."""
    found: dict[str, list[datetime]] = {}
    for event in parse_feed(ics).confirmed():
        assert isinstance(event.start, datetime)
        found.setdefault(event.summary, []).append(event.start)
    return {summary: sorted(starts) for summary, starts in found.items()}


def _line(view: StreakView, handle: str) -> tuple[int, int, int]:
    figures = next(p.figures for p in view.partners if p.partner == handle)
    return figures.current, figures.missed, figures.pending


# -- zones of partners -------------------------------------------------------------------


def test_a_partner_with_a_zone_of_their_own_shows_it_and_the_others_follow_the_couple(
    eng: Engine, couple: CoupleView
) -> None:
    zones = {p.handle: p.time_zone for p in eng.couple(couple).partners}
    assert zones == {"sam": None, "alex": "America/New_York"}
    eng.clear_partner_zone(couple, "alex")
    assert all(p.time_zone is None for p in eng.couple(couple).partners)
    eng.set_partner_zone(couple, "sam", "Asia/Tokyo")
    assert eng.couple(couple).partners[0].time_zone == "Asia/Tokyo"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "Europe/Berlin\n", "localtime", "../etc"])
def test_an_unknown_partner_zone_is_refused_in_one_line(
    eng: Engine, couple: CoupleView, zone: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        eng.set_partner_zone(couple, "alex", zone)
    assert "\n" not in str(refused.value) and "IANA" in str(refused.value)
    with pytest.raises(InvalidInput):
        eng.create_couple("Other", ["kai", "lee"], "UTC", partner_zones={"kai": zone})
    assert eng.couple(couple).partners[1].time_zone == "America/New_York"  # nothing changed


def test_a_zone_for_someone_who_is_not_a_partner_is_refused(eng: Engine) -> None:
    with pytest.raises(InvalidInput, match="not a partner"):
        eng.create_couple("Kai & Lee", ["kai", "lee"], "UTC", partner_zones={"max": "UTC"})


def test_setting_the_zone_a_partner_already_lives_by_says_so(
    eng: Engine, couple: CoupleView
) -> None:
    with pytest.raises(NotAllowed, match="already lives by America/New_York"):
        eng.set_partner_zone(couple, "alex", "America/New_York")
    with pytest.raises(NotAllowed, match="the couple's zone"):
        eng.clear_partner_zone(couple, "sam")


def test_a_ritual_added_before_the_each_local_schema_reads_as_anchored_to_the_couple() -> None:
    event = RitualAdded(
        ritual_id="r1",
        title="Call",
        kind="other",
        cron="0 21 * * *",
        per_week=None,
        duration=None,
        participants=("p1", "p2"),
        together=True,
        reminder=None,
        effective_from=BEGAN,
    )
    old = to_plain(event)
    del old["each_local"]
    assert from_plain("ritual.added", 1, old) == event
    assert RitualAdded.schema == 2


def test_each_local_needs_fixed_times(eng: Engine, couple: CoupleView) -> None:
    with pytest.raises(InvalidInput, match="fixed times"):
        eng.add_ritual(couple, "Letters", per_week=2, each_local=True)
    ritual = eng.add_ritual(couple, "Morning", cron="30 7 * * *", each_local=True)
    assert ritual.each_local
    with pytest.raises(InvalidInput, match="fixed times"):
        eng.edit_ritual(couple, ritual, per_week=3, each_local=True)
    assert not eng.edit_ritual(couple, ritual, per_week=3).each_local
    assert not eng.edit_ritual(couple, ritual, cron="0 8 * * *").each_local
    assert eng.edit_ritual(couple, ritual, each_local=True).each_local


# -- each one's own morning across the weeks the offset differs ----------------------------


def test_an_each_local_morning_keeps_each_wall_time_through_both_springs(
    eng: Engine, couple: CoupleView
) -> None:
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *", each_local=True)
    sam = _starts(eng.calendar_feed(couple, partner="sam", days_back=0, days_ahead=40))
    alex = _starts(eng.calendar_feed(couple, partner="alex", days_back=0, days_ahead=40))
    span = days(date(2026, 3, 2), date(2026, 4, 8))
    assert [at_local(d, 7, 30, BERLIN) for d in span] == [
        s for s in sam["Morning check"] if s.date() in span
    ]
    assert [at_local(d, 7, 30, NEW_YORK) for d in span] == [
        s for s in alex["Morning check"] if s.date() in span
    ]
    apart = {
        d: at_local(d, 7, 30, NEW_YORK) - at_local(d, 7, 30, BERLIN)
        for d in (date(2026, 3, 6), date(2026, 3, 9), date(2026, 3, 28), date(2026, 3, 30))
    }
    assert apart == {
        date(2026, 3, 6): timedelta(hours=6),
        date(2026, 3, 9): timedelta(hours=5),  # New York sprang forward, Berlin not yet
        date(2026, 3, 28): timedelta(hours=5),
        date(2026, 3, 30): timedelta(hours=6),
    }
    both = _starts(eng.calendar_feed(couple, days_back=0, days_ahead=40))["Morning check"]
    assert sorted(sam["Morning check"] + alex["Morning check"]) == both


def test_an_each_local_morning_keeps_each_wall_time_through_both_autumns(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *", each_local=True)
    alex = _starts(eng.calendar_feed(couple, partner="alex", days_back=0, days_ahead=20))
    sam = _starts(eng.calendar_feed(couple, partner="sam", days_back=0, days_ahead=20))
    for day in days(date(2026, 10, 21), date(2026, 11, 8)):
        assert at_local(day, 7, 30, NEW_YORK) in alex["Morning check"]
        assert at_local(day, 7, 30, BERLIN) in sam["Morning check"]
    gap = at_local(date(2026, 10, 28), 7, 30, NEW_YORK) - at_local(date(2026, 10, 28), 7, 30)
    assert gap == timedelta(hours=5)  # Berlin fell back on 25 October, New York on 1 November


def test_upcoming_gives_each_partner_their_own_local_morning(
    eng: Engine, couple: CoupleView
) -> None:
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *", each_local=True)
    mine = eng.upcoming(couple, days=1, partner="alex")
    assert [(u.partner, u.local.strftime("%H:%M"), u.local.tzinfo) for u in mine] == [
        ("alex", "07:30", NEW_YORK)
    ]
    everyone = eng.upcoming(couple, days=1)
    assert [(u.partner, u.local.strftime("%H:%M")) for u in everyone] == [
        ("sam", "07:30"),
        ("alex", "07:30"),
    ]


# -- a shared call, described in the other partner's time ----------------------------------


def test_a_shared_call_names_the_other_partners_local_time_in_each_feed(
    eng: Engine, couple: CoupleView
) -> None:
    eng.add_ritual(couple, "Video call", cron="0 21 * * *", duration=timedelta(minutes=30))
    eng.check_in(couple, "Video call", by="sam", note="felt far away today", at=BEGAN)
    alex = parse_feed(eng.calendar_feed(couple, partner="alex", days_back=1, days_ahead=30))
    sam = parse_feed(eng.calendar_feed(couple, partner="sam", days_back=1, days_ahead=30))
    by_start = {e.start: e.description for e in alex.events}
    march_5 = at_local(date(2026, 3, 5), 21)
    march_10 = at_local(date(2026, 3, 10), 21)
    assert by_start[march_5].endswith("15:00 for you, 21:00 for sam.")
    assert by_start[march_10].endswith("16:00 for you, 21:00 for sam.")  # 5 hours apart
    assert {e.start: e.description for e in sam.events}[march_10].endswith(
        "21:00 for you, 16:00 for alex."
    )
    assert all("far away" not in e.description for e in alex.events + sam.events)
    assert {e.start for e in alex.events} == {e.start for e in sam.events}  # one instant


def test_a_couple_in_one_zone_gets_the_feed_it_always_had(eng: Engine, clock: FixedClock) -> None:
    together = eng.create_couple("Kai & Lee", ["kai", "lee"], "Europe/Berlin")
    eng.add_ritual(together, "Video call", cron="0 21 * * *")
    feed = parse_feed(eng.calendar_feed(together, partner="kai", days_back=0, days_ahead=5))
    assert {e.description for e in feed.events} == {"About 15 minutes."}


def test_next_and_status_give_both_local_times_of_a_shared_ritual(
    eng: Engine, couple: CoupleView
) -> None:
    eng.add_ritual(couple, "Video call", cron="0 21 * * *")
    (call,) = eng.upcoming(couple, days=1)
    assert [(h, t.strftime("%H:%M")) for h, t in call.times] == [
        ("sam", "21:00"),
        ("alex", "15:00"),
    ]
    (today,) = eng.status(couple).today
    assert [(h, t.strftime("%H:%M")) for h, t in today.times] == [
        ("sam", "21:00"),
        ("alex", "15:00"),
    ]
    (as_alex,) = eng.upcoming(couple, days=1, partner="alex")
    assert as_alex.local.strftime("%H:%M") == "15:00"


# -- late entries near midnight, each in their own zone ------------------------------------


def test_a_late_entry_for_an_each_local_morning_closes_at_each_partners_own_midnight(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *", each_local=True)
    monday = date(2026, 3, 2)
    clock.now = datetime(2026, 3, 3, 23, 50, tzinfo=NEW_YORK).astimezone(UTC)  # Wed 05:50 Berlin
    done = eng.check_in(couple, "Morning check", by="alex", at=at_local(monday, 8, 0, NEW_YORK))
    assert done.occurrence == at_local(monday, 7, 30, NEW_YORK)
    assert done.local is not None and done.local.tzinfo == NEW_YORK
    with pytest.raises(NotAllowed, match="late-entry window has closed"):
        eng.check_in(couple, "Morning check", by="sam", at=at_local(monday, 8, 0))
    clock.now = datetime(2026, 3, 4, 0, 10, tzinfo=NEW_YORK).astimezone(UTC)
    with pytest.raises(NotAllowed, match="late-entry window has closed"):
        eng.check_in(
            couple, "Morning check", by="alex", at=at_local(date(2026, 3, 2), 9, 0, NEW_YORK)
        )


def test_a_late_entry_for_a_shared_call_closes_at_the_loggers_own_midnight(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Video call", cron="0 21 * * *")
    call = at_local(date(2026, 3, 2), 21)  # Monday 21:00 in Berlin, 15:00 in New York
    clock.now = datetime(2026, 3, 3, 23, 30, tzinfo=NEW_YORK).astimezone(UTC)  # Wed 05:30 Berlin
    assert eng.check_in(couple, "Video call", by="alex", occurrence=call).occurrence == call
    with pytest.raises(NotAllowed, match="late-entry window has closed"):
        eng.check_in(couple, "Video call", by="sam", occurrence=call)
    view = eng.ritual_streak(couple, "Video call")
    # Sunday's call went by unlogged; Monday's is Alex's and a miss for Sam, while the
    # couple's stays pending until Alex's window closes too (05:00 UTC), as Sam's would
    assert _line(view, "alex")[:2] == (1, 1)
    assert _line(view, "sam")[1] == 2
    assert (view.couple.missed, view.couple.pending) == (1, 2)
    clock.now = datetime(2026, 3, 4, 5, 0, tzinfo=UTC)
    assert eng.ritual_streak(couple, "Video call").couple.missed == 2


# -- streaks: each line in its own zone ----------------------------------------------------


def test_the_couples_day_of_an_each_local_ritual_is_done_when_both_did_their_own(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *", each_local=True)
    for day in days(date(2026, 3, 2), date(2026, 3, 13)):  # New York springs forward on the 8th
        clock.now = at_local(day, 9, 0, BERLIN)
        eng.check_in(couple, "Morning check", by="sam")
        if day != date(2026, 3, 10):
            clock.now = at_local(day, 9, 0, NEW_YORK)
            eng.check_in(couple, "Morning check", by="alex")
    clock.now = at_local(date(2026, 3, 14), 6, 0, NEW_YORK)
    view = eng.ritual_streak(couple, "Morning check")
    assert _line(view, "sam") == (12, 0, 1)  # Saturday's 07:30 in Berlin is pending
    assert _line(view, "alex") == (11, 0, 0)  # the 10th was a miss, a freeze absorbed it
    alex = next(p.figures for p in view.partners if p.partner == "alex")
    assert alex.freezes_used == 1 and alex.last_freeze == date(2026, 3, 10)
    assert (view.couple.done, view.couple.freezes_used, view.couple.current) == (11, 1, 11)
    assert view.couple.last_freeze == date(2026, 3, 10)


def test_a_miss_of_one_partners_own_morning_waits_for_the_end_of_their_next_day(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *", each_local=True)
    clock.now = at_local(date(2026, 3, 2), 9, 0, BERLIN)
    eng.check_in(couple, "Morning check", by="sam")
    clock.now = datetime(2026, 3, 3, 23, 0, tzinfo=NEW_YORK).astimezone(UTC)  # Wed 05:00 Berlin
    view = eng.ritual_streak(couple, "Morning check")
    monday_alex = _line(view, "alex")
    assert monday_alex[1] == 0 and monday_alex[2] >= 1  # Monday's New York morning: pending
    assert view.couple.missed == 0
    clock.now = datetime(2026, 3, 4, 0, 30, tzinfo=NEW_YORK).astimezone(UTC)
    view = eng.ritual_streak(couple, "Morning check")
    assert _line(view, "alex")[1] == 1 and view.couple.missed == 1


def test_each_partner_gets_their_own_heatmap_day_for_their_own_morning(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *", each_local=True)
    clock.now = datetime(2026, 3, 2, 7, 45, tzinfo=NEW_YORK).astimezone(UTC)
    eng.check_in(couple, "Morning check", by="alex")
    eng.check_in(couple, "Morning check", by="sam", at=at_local(date(2026, 3, 2), 7, 40))
    status = eng.status(couple)
    monday = status.heatmap.weeks[-1][0]
    assert monday == 1.0
    assert {(t.partner, t.status) for t in status.today} == {("sam", "done"), ("alex", "done")}


# -- across the date line ------------------------------------------------------------------


def test_across_the_date_line_the_shared_call_gives_each_partner_their_own_day(
    eng: Engine, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 3, 30, 20, 0, tzinfo=UTC)
    far = eng.create_couple(
        "Mo & Ari", ["mo", "ari"], "America/Los_Angeles", partner_zones={"ari": "Pacific/Auckland"}
    )
    eng.add_ritual(far, "Sunday call", cron="0 18 * * 0")
    eng.add_ritual(far, "Good morning", cron="0 8 * * *", each_local=True)
    ari = parse_feed(eng.calendar_feed(far, partner="ari", days_back=0, days_ahead=14))
    calls = sorted((e.start, e.description) for e in ari.events if e.summary == "Sunday call")
    assert isinstance(calls[0][0], datetime)
    # 5 April: Auckland leaves summer time, so Sunday 18:00 in Los Angeles is first Monday
    # 14:00 (21 hours ahead) and from then on Monday 13:00 (19 hours ahead) in Auckland
    assert calls[0][0] == at_local(date(2026, 4, 5), 18, 0, LOS_ANGELES)
    assert calls[0][1].endswith("Mon 13:00 for you, Sun 18:00 for mo.")
    mornings = [e.start for e in ari.events if e.summary == "Good morning"]
    assert at_local(date(2026, 4, 6), 8, 0, AUCKLAND) in mornings
    assert all(isinstance(m, datetime) and m.astimezone(AUCKLAND).hour == 8 for m in mornings)
    mo = parse_feed(eng.calendar_feed(far, partner="mo", days_back=0, days_ahead=14))
    assert all(
        isinstance(e.start, datetime) and e.start.astimezone(LOS_ANGELES).hour == 8
        for e in mo.events
        if e.summary == "Good morning"
    )


def test_across_the_date_line_a_late_entry_lands_on_the_partners_own_morning(
    eng: Engine, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    far = eng.create_couple(
        "Mo & Ari", ["mo", "ari"], "America/Los_Angeles", partner_zones={"ari": "Pacific/Auckland"}
    )
    eng.add_ritual(far, "Good morning", cron="0 8 * * *", each_local=True)
    tuesday = date(2026, 6, 2)
    clock.now = datetime.combine(tuesday + timedelta(days=1), datetime.min.time(), AUCKLAND)
    clock.now = (clock.now + timedelta(hours=23, minutes=55)).astimezone(UTC)
    done = eng.check_in(far, "Good morning", by="ari", at=at_local(tuesday, 9, 0, AUCKLAND))
    assert done.occurrence == at_local(tuesday, 8, 0, AUCKLAND)
    clock.now += timedelta(minutes=10)  # past Wednesday midnight in Auckland
    with pytest.raises(NotAllowed, match="late-entry window"):
        eng.check_in(far, "Good morning", by="ari", at=at_local(date(2026, 6, 2), 9, 30, AUCKLAND))


# -- a partner's move keeps their past ----------------------------------------------------


def _blocks(ics: bytes) -> dict[str, tuple[datetime, bytes]]:
    found: dict[str, tuple[datetime, bytes]] = {}
    for block in re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", ics, re.DOTALL):
        uid = re.search(rb"\r\nUID:(.*?)\r\n", block)
        start = re.search(rb"\r\nDTSTART:(\d{8}T\d{6})Z\r\n", block)
        assert uid is not None and start is not None
        at = datetime.strptime(start[1].decode(), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        found[uid[1].decode()] = (at, block)
    return found


def test_a_partners_move_leaves_their_past_feed_byte_for_byte_and_moves_their_future(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *", each_local=True)
    eng.add_ritual(couple, "Video call", cron="0 21 * * *", reminder=timedelta(minutes=10))
    for day in days(date(2026, 3, 2), date(2026, 3, 20)):
        clock.now = at_local(day, 10, 0, NEW_YORK)
        eng.check_in(couple, "Morning check", by="alex")
        if day.day % 4 == 0:
            eng.skip(couple, "Morning check", by="sam", reason="travelling")
    moved = clock.now = datetime(2026, 3, 21, 3, 0, tzinfo=UTC)
    before = _blocks(eng.calendar_feed(couple, partner="alex", days_back=25, days_ahead=10))
    eng.set_partner_zone(couple, "alex", "America/Los_Angeles")
    after = _blocks(eng.calendar_feed(couple, partner="alex", days_back=25, days_ahead=10))
    past_before = {u: b for u, (at, b) in before.items() if at < moved}
    past_after = {u: b for u, (at, b) in after.items() if at < moved}
    assert len(past_after) > 30
    assert past_after == past_before  # same events, same bytes, no new ones
    future = sorted(at for at, block in after.values() if at > moved and b"Morning" in block)
    assert future[0] == at_local(date(2026, 3, 21), 7, 30, LOS_ANGELES)
    call = next(b for at, b in after.values() if at > moved and b"Video call" in b)
    assert b"13:00 for you" in call  # 21:00 in Berlin is 13:00 in Los Angeles that week
    sam_past = {
        u: b
        for u, (at, b) in _blocks(
            eng.calendar_feed(couple, partner="sam", days_back=25, days_ahead=10)
        ).items()
        if at < moved
    }
    assert b"travelling" not in b"".join(sam_past.values())


# -- skips, absences, the log and the export ------------------------------------------------


def test_a_skip_of_an_each_local_ritual_lets_go_of_the_skippers_own_occurrence(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *", each_local=True)
    clock.now = at_local(date(2026, 3, 2), 9, 0, NEW_YORK)
    with pytest.raises(InvalidInput, match="whose occurrence"):
        eng.skip(couple, "Morning check", by=None)
    skipped = eng.skip(couple, "Morning check", by="alex", reason="early train")
    assert skipped.occurrence == at_local(date(2026, 3, 2), 7, 30, NEW_YORK)
    assert skipped.local.tzinfo == NEW_YORK
    view = eng.ritual_streak(couple, "Morning check")
    alex = next(p.figures for p in view.partners if p.partner == "alex")
    assert alex.skipped == 1 and view.couple.skipped == 1


def test_an_absence_of_the_couple_lets_go_of_each_partners_own_mornings(
    eng: Engine, couple: CoupleView
) -> None:
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *", each_local=True)
    gone = eng.plan_absence(
        couple, "Morning check", since=date(2026, 3, 9), until=date(2026, 3, 10), by=None
    )
    assert sorted(v.occurrence for v in gone) == sorted(
        at_local(d, 7, 30, zone)
        for d in (date(2026, 3, 9), date(2026, 3, 10))
        for zone in (BERLIN, NEW_YORK)
    )
    mine = eng.plan_absence(
        couple, "Morning check", since=date(2026, 3, 12), until=date(2026, 3, 12), by="alex"
    )
    assert [v.occurrence for v in mine] == [at_local(date(2026, 3, 12), 7, 30, NEW_YORK)]


def test_the_log_says_where_a_partner_lives_and_the_export_keeps_it(
    eng: Engine, couple: CoupleView
) -> None:
    eng.set_partner_zone(couple, "alex", "Asia/Tokyo")
    lines = [entry.summary for entry in eng.history(couple)]
    assert "alex began living by America/New_York time" in lines
    assert "alex began living by Asia/Tokyo time" in lines
    exported = eng.export_data(couple, full=True)
    zones = {p["handle"]: p["time_zone"] for p in exported["couple"]["partners"]}
    assert zones == {"sam": None, "alex": "Asia/Tokyo"}
    elsewhere = Engine(MemoryEventStore(FixedClock(BEGAN)), FixedClock(BEGAN))
    back = elsewhere.import_data(exported)
    assert {p.handle: p.time_zone for p in back.partners} == zones


@pytest.mark.parametrize(
    ("couple_zone", "partners"),
    [
        ("Europe/Berlin", {"sam": BERLIN, "alex": NEW_YORK}),
        ("America/Los_Angeles", {"mo": LOS_ANGELES, "ari": AUCKLAND}),
    ],
)
def test_over_a_whole_year_each_partner_has_one_morning_a_day_at_their_own_wall_time(
    eng: Engine, clock: FixedClock, couple_zone: str, partners: dict[str, ZoneInfo]
) -> None:
    clock.now = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    handles = list(partners)
    pair = eng.create_couple(
        "Far apart",
        handles,
        couple_zone,
        partner_zones={h: z.key for h, z in partners.items() if z.key != couple_zone},
    )
    eng.add_ritual(pair, "Morning", cron="30 7 * * *", each_local=True)
    eng.add_ritual(pair, "Call", cron="0 20 * * 0")
    for handle, zone in partners.items():
        feed = parse_feed(eng.calendar_feed(pair, partner=handle, days_back=0, days_ahead=366))
        mornings = [e.start for e in feed.events if e.summary == "Morning"]
        local = [m.astimezone(zone) for m in mornings if isinstance(m, datetime)]
        assert len(local) == len(mornings) > 360
        assert {(t.hour, t.minute) for t in local} == {(7, 30)}
        assert len({t.date() for t in local}) == len(local)  # one a day, every day
        calls = [e for e in feed.events if e.summary == "Call"]
        assert len({e.start for e in calls}) == len(calls) > 50  # one shared instant a week
        other = next(h for h in handles if h != handle)
        assert all(f"for {other}." in e.description for e in calls)


def test_a_partners_freezes_count_the_months_of_their_own_calendar(
    eng: Engine, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)
    far = eng.create_couple(
        "Mo & Ari", ["mo", "ari"], "America/Los_Angeles", partner_zones={"ari": "Pacific/Auckland"}
    )
    eng.add_ritual(far, "Evening call", cron="0 18 * * *")  # 18:00 in LA: 15:00 next day in NZ
    missed = {date(2026, 1, 25), date(2026, 1, 31)}  # LA days; in Auckland 26 Jan and 1 Feb
    for day in days(date(2026, 1, 20), date(2026, 2, 3)):
        call = at_local(day, 18, 0, LOS_ANGELES)
        clock.now = call + timedelta(hours=1)
        eng.check_in(far, "Evening call", by="mo", occurrence=call)
        if day not in missed:
            eng.check_in(far, "Evening call", by="ari", occurrence=call)
    clock.now = at_local(date(2026, 2, 4), 12, 0, LOS_ANGELES)
    view = eng.ritual_streak(far, "Evening call")
    ari = next(p.figures for p in view.partners if p.partner == "ari")
    # Ari's misses fell in two of Ari's months (January, February): both absorbed
    assert (ari.freezes_used, ari.missed, ari.current) == (2, 0, 13)
    assert ari.last_freeze == date(2026, 2, 1)
    # for the couple both were in January, Los Angeles time: the second one resets
    assert (view.couple.freezes_used, view.couple.missed, view.couple.current) == (1, 1, 3)


def test_the_log_tells_a_partners_own_check_in_in_the_zone_they_live_by(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *", each_local=True)
    clock.now = at_local(date(2026, 3, 2), 7, 45, NEW_YORK)
    eng.check_in(couple, "Morning check", by="alex")
    eng.check_in(couple, "Morning check", by="sam", at=at_local(date(2026, 3, 2), 7, 35))
    alex, sam = [e for e in eng.history(couple) if e.type == "ritual.checked_in"][::-1]
    assert alex.summary == "alex checked in 'Morning check' of Mon 02 Mar 07:30"
    assert alex.time_zone == "America/New_York"
    assert sam.summary == "sam checked in 'Morning check' of Mon 02 Mar 07:30"
    assert sam.time_zone == "Europe/Berlin"
