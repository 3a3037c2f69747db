"""Drift signals, each switched on and off at its documented threshold."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from engine.events import CoupleCreated, Metadata, PartnerAdded, RecordedEvent
from engine.projections.drift import drift_signals, signals_at
from engine.projections.insights import CheckInFact, CoupleLog, RepairFact

NOW = datetime(2026, 3, 18, 9, tzinfo=UTC)
TWO = {"ps": "sam", "pa": "alex"}
ONE = {"ps": "sam"}
DAY = timedelta(days=1)
EMPTY = CoupleLog(NOW - 100 * DAY, (), (), (), (), (), (), ())


def keys(log: CoupleLog, handles: dict[str, str] = TWO) -> list[str]:
    return [s.key for s in signals_at(log, handles, NOW)]


def checkins(count: int, at: datetime, *, shared: bool = True) -> tuple[CheckInFact, ...]:
    return tuple(CheckInFact(at, "ps", (), None, shared) for _ in range(count))


def recent_shared() -> tuple[CheckInFact, ...]:
    """One shared check-in yesterday, so that only the signal under test can switch on."""
    return checkins(1, NOW - DAY)


# -- check-ins falling off -----------------------------------------------------------------


def falling(before: int, recent: int, skips: int = 0) -> CoupleLog:
    # recent_shared() already puts one check-in in the recent window.
    facts = checkins(before, NOW - 30 * DAY) + checkins(recent - 1, NOW - 2 * DAY)
    return replace(
        EMPTY, checkins=facts + recent_shared(), skips=tuple(NOW - DAY for _ in range(skips))
    )


def test_check_ins_falling_to_half_of_the_three_weeks_before_is_a_signal() -> None:
    signals = signals_at(falling(before=6, recent=3), TWO, NOW)
    assert [s.key for s in signals] == ["checkins_falling"]
    assert signals[0].facts == {"recent": 3, "before": 6, "weeks": 3}
    assert "3 in the last three weeks, after 6" in signals[0].observation


def test_check_ins_above_half_of_the_weeks_before_are_no_signal() -> None:
    assert keys(falling(before=6, recent=4)) == []


def test_fewer_than_six_check_ins_before_are_too_few_to_compare() -> None:
    assert keys(falling(before=5, recent=1)) == []


def test_skips_count_as_taking_part() -> None:
    assert keys(falling(before=6, recent=2)) == ["checkins_falling"]
    assert keys(falling(before=6, recent=2, skips=2)) == []


def test_a_check_in_exactly_three_weeks_ago_belongs_to_the_weeks_before() -> None:
    log = replace(EMPTY, checkins=checkins(6, NOW - 21 * DAY) + recent_shared())
    assert keys(log) == ["checkins_falling"]


# -- repairs mostly not accepted -----------------------------------------------------------


def repairs(*answers: str | None, at: datetime = NOW - DAY) -> CoupleLog:
    facts = tuple(RepairFact(at, "ps", answer) for answer in answers)
    return replace(EMPTY, repairs=facts, checkins=recent_shared())


def test_fewer_than_half_of_three_answered_repairs_accepted_is_a_signal() -> None:
    signals = signals_at(repairs("accepted", "not-yet", "not-yet"), TWO, NOW)
    assert [s.key for s in signals] == ["repairs_not_accepted"]
    assert signals[0].facts == {"answered": 3, "accepted": 1, "weeks": 4}


def test_two_of_three_accepted_is_no_signal() -> None:
    assert keys(repairs("accepted", "accepted", "not-yet")) == []


def test_half_accepted_is_no_signal() -> None:
    assert keys(repairs("accepted", "accepted", "not-yet", "not-yet")) == []


def test_two_answered_repairs_are_too_few_for_a_signal() -> None:
    assert keys(repairs("not-yet", "not-yet")) == []


def test_unanswered_repairs_do_not_count_as_refused() -> None:
    assert keys(repairs("accepted", "accepted", None, None, None, "not-yet")) == []


def test_repairs_older_than_four_weeks_do_not_count() -> None:
    assert keys(repairs("not-yet", "not-yet", "not-yet", at=NOW - 28 * DAY)) == []


# -- one partner doing nearly all the logging ----------------------------------------------


def logging(sam: int, alex: int, at: datetime = NOW - DAY) -> CoupleLog:
    entries = ((at, "ps"),) * sam + ((at, "pa"),) * alex
    return replace(EMPTY, entries=entries, checkins=recent_shared())


@pytest.mark.parametrize(("sam", "alex"), [(9, 1), (17, 3), (10, 0)])
def test_one_partner_writing_at_least_85_percent_of_ten_entries_is_a_signal(
    sam: int, alex: int
) -> None:
    signals = signals_at(logging(sam, alex), TWO, NOW)
    assert [s.key for s in signals] == ["uneven_logging"]
    assert signals[0].facts == {"partner": "sam", "entries": sam, "total": sam + alex, "weeks": 4}
    assert f"sam wrote {sam} of the {sam + alex} entries" in signals[0].observation


@pytest.mark.parametrize(("sam", "alex"), [(16, 4), (9, 0), (5, 5)])
def test_a_shared_log_or_a_quiet_month_is_no_signal(sam: int, alex: int) -> None:
    assert keys(logging(sam, alex)) == []


def test_someone_using_the_engine_alone_is_never_told_they_log_everything() -> None:
    assert keys(logging(20, 0), ONE) == []


def test_entries_older_than_four_weeks_do_not_count_for_logging() -> None:
    assert keys(logging(20, 0, at=NOW - 28 * DAY)) == []


# -- long stretches without a shared ritual ------------------------------------------------


def test_fourteen_days_since_the_last_shared_check_in_is_a_signal() -> None:
    signals = signals_at(replace(EMPTY, checkins=checkins(1, NOW - 14 * DAY)), TWO, NOW)
    assert [s.key for s in signals] == ["no_shared_ritual"]
    assert signals[0].facts == {"days": 14}
    assert "14 days since you last logged a ritual you do together" in signals[0].observation


def test_a_shared_check_in_within_fourteen_days_is_no_signal() -> None:
    log = replace(EMPTY, checkins=checkins(1, NOW - 14 * DAY + timedelta(minutes=1)))
    assert keys(log) == []


def test_check_ins_of_rituals_done_alone_do_not_count_as_shared() -> None:
    log = replace(EMPTY, began=NOW - 20 * DAY, checkins=checkins(3, NOW - DAY, shared=False))
    signals = signals_at(log, TWO, NOW)
    assert [s.key for s in signals] == ["no_shared_ritual"]
    assert "In the 20 days since you began" in signals[0].observation


def test_a_couple_younger_than_fourteen_days_gets_no_signal() -> None:
    assert keys(replace(EMPTY, began=NOW - 13 * DAY)) == []


def test_someone_using_the_engine_alone_has_no_shared_ritual_to_miss() -> None:
    assert keys(EMPTY, ONE) == []


# -- drift that lasts ----------------------------------------------------------------------


def couple_since(began: datetime) -> list[RecordedEvent]:
    events = [
        CoupleCreated(couple_id="c", name="[sealed]", time_zone="Europe/Berlin"),
        PartnerAdded(partner_id="ps", handle="[sealed]", display_name="[sealed]"),
        PartnerAdded(partner_id="pa", handle="[sealed]", display_name="[sealed]"),
    ]
    return [
        RecordedEvent(n, "couple-c", n, "c", str(n), e, Metadata(), began, began)
        for n, e in enumerate(events, start=1)
    ]


def test_drift_on_now_a_week_ago_and_two_weeks_ago_suggests_a_counsellor() -> None:
    # Began 28 days ago with nothing shared: 28, 21 and 14 days at the three checks.
    signals = drift_signals(couple_since(NOW - 28 * DAY), TWO, NOW)
    assert [s.key for s in signals] == ["no_shared_ritual", "lasting_drift"]
    assert "couples counsellor" in signals[-1].suggestion


def test_drift_for_only_two_weekly_checks_does_not_yet_suggest_a_counsellor() -> None:
    # Began 27 days ago: 27 and 20 days, but only 13 days two weeks ago.
    assert [s.key for s in drift_signals(couple_since(NOW - 27 * DAY), TWO, NOW)] == [
        "no_shared_ritual"
    ]


def test_no_drift_means_no_signals_at_all() -> None:
    assert drift_signals([], TWO, NOW) == []
