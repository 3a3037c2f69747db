"""Weekly insights folded from a couple's events, with hand-counted expectations.

Today is Wednesday 18 March 2026 in Europe/Berlin: ISO week 12 began on Monday 16
March, week 11 on Monday 9 March.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.events import (
    AppreciationGiven,
    AppreciationShared,
    CheckedIn,
    CoupleCreated,
    Event,
    Metadata,
    RecordedEvent,
    RepairAnswered,
    RepairAttempted,
    RitualAdded,
    TimeoutCalled,
    TimeoutEnded,
)
from engine.projections.insights import closeness_trend, read_log, weekly_insights

ZONE = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 3, 18)
HANDLES = {"ps": "sam", "pa": "alex"}
_positions = itertools.count(1)


def local(day: int, hour: int = 10, minute: int = 0) -> datetime:
    """An instant at a local wall time in March 2026."""
    return datetime.combine(date(2026, 3, day), time(hour, minute), ZONE).astimezone(UTC)


def record(event: Event, when: datetime) -> RecordedEvent:
    return RecordedEvent(
        position=next(_positions),
        stream_id="s",
        version=1,
        couple_id="c",
        event_id=str(next(_positions)),
        event=event,
        metadata=Metadata(),
        occurred_at=when,
        recorded_at=when,
    )


def ritual(ritual_id: str, *, together: bool) -> RitualAdded:
    return RitualAdded(
        ritual_id=ritual_id,
        title="[sealed]",
        kind="check-in",
        cron="0 21 * * *" if together else None,
        per_week=None if together else 3,
        duration=None,
        participants=("ps", "pa"),
        together=together,
        reminder=None,
        effective_from=local(1),
    )


def checkin(
    partner: str,
    occurrence: datetime | None,
    done_at: datetime,
    *,
    closeness: int | None = None,
    ritual_id: str = "r1",
    also: tuple[str, ...] = (),
) -> RecordedEvent:
    event = CheckedIn(
        ritual_id=ritual_id,
        partner_id=partner,
        occurrence=occurrence,
        done_at=done_at,
        closeness=closeness,
        for_partners=also,
    )
    return record(event, done_at)


def history() -> list[RecordedEvent]:
    created = CoupleCreated(couple_id="c", name="[sealed]", time_zone="Europe/Berlin")
    return [
        record(created, local(1)),
        record(ritual("r1", together=True), local(1)),
        record(ritual("r2", together=False), local(1)),
        # Week 11: both check in for Tuesday's 21:00 occurrence, rating 4 and 2.
        checkin("ps", local(10, 21), local(10, 21, 30), closeness=4),
        checkin("pa", local(10, 21), local(11, 8), closeness=2),
        # Monday 00:30 in Berlin is Sunday 23:30 in UTC: local week 12.
        checkin("pa", None, local(16, 0, 30), ritual_id="r2"),
        # Week 12: alex checks in for both, rating 5.
        checkin("pa", local(16, 21), local(16, 21, 5), closeness=5, also=("ps",)),
        record(appreciation("a1", shared=True, at=local(11)), local(11)),
        record(appreciation("a2", shared=False, at=local(12)), local(12)),
        record(AppreciationShared(appreciation_id="a2", at=local(17)), local(17)),
        *repair("x1", local(12), ("accepted", local(12))),
        *repair("x2", local(13), ("not-yet", local(13))),
        *repair("x3", local(14), ("not-yet", local(14)), ("accepted", local(17))),
        *repair("x4", local(17)),
        record(TimeoutCalled(timeout_id="t1", by="pa", at=local(17, 10)), local(17, 10)),
        record(TimeoutEnded(timeout_id="t1", by="ps", at=local(17, 10, 25)), local(17, 10, 25)),
        record(TimeoutCalled(timeout_id="t2", by="ps", at=local(18, 8)), local(18, 8)),
    ]


def appreciation(aid: str, *, shared: bool, at: datetime) -> AppreciationGiven:
    return AppreciationGiven(
        appreciation_id=aid, author="ps", recipient="pa", text="[sealed]", shared=shared, at=at
    )


def repair(rid: str, at: datetime, *answers: tuple[str, datetime]) -> list[RecordedEvent]:
    attempted = record(RepairAttempted(repair_id=rid, by="ps", kind="apology", at=at), at)
    return [attempted] + [
        record(RepairAnswered(repair_id=rid, by="pa", answer=answer, at=when), when)
        for answer, when in answers
    ]


def test_each_week_counts_what_happened_in_it() -> None:
    w11, w12 = weekly_insights(read_log(history()), ZONE, HANDLES, today=TODAY, weeks=2)
    assert (w11.week, w11.starts_on, w12.week, w12.starts_on) == (
        "2026-W11",
        date(2026, 3, 9),
        "2026-W12",
        date(2026, 3, 16),
    )
    assert (w11.checkins, w12.checkins) == ({"sam": 1, "alex": 1}, {"sam": 1, "alex": 2})
    assert (w11.appreciations_given, w11.appreciations_shared) == (2, 1)
    assert (w12.appreciations_given, w12.appreciations_shared) == (0, 1)
    assert (w11.repairs_attempted, w11.repairs_accepted, w11.repairs_not_yet) == (3, 2, 1)
    assert w11.repairs_share_accepted == 0.67
    assert (w12.repairs_attempted, w12.repairs_share_accepted) == (1, None)
    assert (w11.timeouts_called, w12.timeouts_called, w12.timeout_minutes) == (0, 2, (25,))
    assert (w11.closeness_average, w11.closeness_ratings) == (3.0, 2)
    assert (w12.closeness_average, w12.closeness_ratings) == (5.0, 1)


def test_the_window_ends_with_the_current_week_and_empty_weeks_show_zeros() -> None:
    weeks = weekly_insights(read_log(history()), ZONE, HANDLES, today=TODAY, weeks=3)
    first = weeks[0]
    assert (first.week, first.checkins, first.closeness_average) == (
        "2026-W10",
        {"sam": 0, "alex": 0},
        None,
    )
    assert weeks[-1].week == "2026-W12"


def test_a_check_in_counts_in_the_week_of_its_occurrence_not_when_it_was_logged() -> None:
    late = checkin("ps", local(15, 21), local(16, 9))  # Sunday's ritual, logged Monday
    (w11, w12) = weekly_insights(read_log([late]), ZONE, HANDLES, today=TODAY, weeks=2)
    assert (w11.checkins["sam"], w12.checkins["sam"]) == (1, 0)


def test_closeness_rose_across_the_two_halves_of_the_window() -> None:
    log = read_log(history())
    weeks = weekly_insights(log, ZONE, HANDLES, today=TODAY, weeks=2)
    assert closeness_trend(log, ZONE, weeks) == "rising"  # 3.0, then 5.0


def ratings_log(first: list[int], second: list[int]) -> list[RecordedEvent]:
    """Ratings on days of week 11 and week 12."""
    return [checkin("ps", local(10, 21), local(10, 22), closeness=c) for c in first] + [
        checkin("ps", local(17, 21), local(17, 22), closeness=c) for c in second
    ]


@pytest.mark.parametrize(
    ("second", "trend"),
    [
        ([4] * 7 + [5] * 3, "rising"),  # 4.3 - 4.0 = 0.3: the threshold itself
        ([4] * 8 + [5] * 2, "steady"),  # 4.2 - 4.0 = 0.2
        ([4] * 8 + [3] * 2, "steady"),  # 3.8 - 4.0 = -0.2
        ([4] * 7 + [3] * 3, "falling"),  # 3.7 - 4.0 = -0.3
    ],
)
def test_closeness_trend_moves_at_three_tenths_of_a_point(second: list[int], trend: str) -> None:
    log = read_log(ratings_log([4], second))
    weeks = weekly_insights(log, ZONE, HANDLES, today=TODAY, weeks=2)
    assert closeness_trend(log, ZONE, weeks) == trend


def test_closeness_trend_needs_ratings_in_both_halves() -> None:
    log = read_log(ratings_log([], [5, 5]))
    weeks = weekly_insights(log, ZONE, HANDLES, today=TODAY, weeks=2)
    assert closeness_trend(log, ZONE, weeks) is None
    assert closeness_trend(log, ZONE, weeks[1:]) is None


def test_an_odd_window_gives_its_middle_week_to_the_second_half() -> None:
    # Weeks 10, 11, 12: week 10 is the first half; weeks 11 and 12 the second.
    events = [checkin("ps", local(3, 21), local(3, 22), closeness=2), *ratings_log([4], [4])]
    log = read_log(events)
    weeks = weekly_insights(log, ZONE, HANDLES, today=TODAY, weeks=3)
    assert closeness_trend(log, ZONE, weeks) == "rising"
    assert weeks[0].starts_on == TODAY - timedelta(days=16)
