"""Logging rituals through the Engine: which occurrence a check-in belongs to, skips,
pauses, edits and the late-entry window. In memory, with a fixed clock in Berlin."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from engine import Engine, FixedClock, InvalidInput, NotAllowed, NotFound

if TYPE_CHECKING:
    from engine.views.couples import CoupleView

BERLIN_MORNING = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday 07:00 in Berlin


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(BERLIN_MORNING)


@pytest.fixture
def couple(eng: Engine) -> CoupleView:
    c = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(c, "Morning check", cron="30 7 * * *", duration=timedelta(minutes=2))
    return c


def local(hour: int, minute: int = 0, day: int = 2) -> datetime:
    """A Berlin wall time in early March 2026, as UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)


def test_a_check_in_just_before_the_slot_counts_for_that_days_occurrence(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    clock.now = local(7, 20)
    done = eng.check_in(couple, "morning check", by="sam")
    assert done.occurrence == local(7, 30)
    assert done.local is not None and done.local.hour == 7


def test_a_late_evening_check_in_counts_for_the_morning_of_the_same_day(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    clock.now = local(23, 0)
    assert eng.check_in(couple, "Morning check", by="sam").occurrence == local(7, 30)


def test_forgetting_to_log_last_night_still_counts_the_next_day(
    eng: Engine, clock: FixedClock
) -> None:
    c = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(c, "Evening one thing", cron="30 21 * * *")
    clock.now = local(8, 0, day=3)
    done = eng.check_in(c, "Evening one thing", by="alex", at=local(8, 0, day=3))
    assert done.occurrence == local(21, 30, day=2)


def test_the_late_entry_window_closes_at_the_end_of_the_next_local_day(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    clock.now = local(23, 59, day=3)
    done = eng.check_in(couple, "Morning check", by="sam", occurrence=local(7, 30))
    assert done.occurrence == local(7, 30)
    clock.now = local(0, 0, day=4)
    with pytest.raises(NotAllowed, match="late-entry window"):
        eng.check_in(couple, "Morning check", by="alex", occurrence=local(7, 30))


def test_an_exact_occurrence_must_exist_in_the_schedule(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    clock.now = local(9, 0)
    with pytest.raises(NotAllowed, match="no occurrence"):
        eng.check_in(couple, "Morning check", by="sam", occurrence=local(7, 31))


def test_a_skip_is_recorded_once_and_a_done_occurrence_cannot_be_skipped(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    clock.now = local(9, 0)
    skipped = eng.skip(couple, "Morning check", by="sam", reason="travel")
    assert skipped.occurrence == local(7, 30)
    with pytest.raises(NotAllowed, match="already skipped"):
        eng.skip(couple, "Morning check")
    clock.now = local(9, 0, day=3)
    eng.check_in(couple, "Morning check", by="sam")
    eng.check_in(couple, "Morning check", by="alex")
    with pytest.raises(NotAllowed, match="already done"):
        eng.skip(couple, "Morning check")


def test_paused_occurrences_cannot_be_logged_and_resume_brings_them_back(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    clock.now = local(7, 10)
    view = eng.pause_ritual(couple, "Morning check", until=date(2026, 3, 5))
    assert view.status == "paused"
    assert view.paused_until == datetime(2026, 3, 4, 23, 0, tzinfo=UTC)
    clock.now = local(9, 0, day=3)
    with pytest.raises(NotAllowed, match="is paused"):
        eng.check_in(couple, "Morning check", by="sam")
    clock.now = local(23, 0, day=4)
    with pytest.raises(NotAllowed, match="is paused"):
        eng.check_in(couple, "Morning check", by="sam")
    clock.now = local(9, 0, day=5)
    assert eng.ritual(couple, "Morning check").status == "active"
    assert eng.check_in(couple, "Morning check", by="sam").occurrence == local(7, 30, day=5)


def test_an_edit_applies_from_then_on_and_keeps_the_old_schedule_in_history(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    clock.now = local(9, 0)
    eng.check_in(couple, "Morning check", by="sam")
    eng.edit_ritual(couple, "Morning check", cron="0 8 * * 1-5")
    clock.now = local(9, 0, day=3)
    assert eng.check_in(couple, "Morning check", by="sam").occurrence == local(8, 0, day=3)
    with pytest.raises(InvalidInput, match="nothing to change"):
        eng.edit_ritual(couple, "Morning check", cron="0 8 * * 1-5")


def test_only_participants_may_check_in(eng: Engine, couple: CoupleView) -> None:
    eng.add_ritual(couple, "Solo walk", cron="0 18 * * *", participants=["alex"])
    with pytest.raises(NotAllowed, match="does not take part"):
        eng.check_in(couple, "Solo walk", by="sam")


def test_a_couple_of_one_works(eng: Engine, clock: FixedClock) -> None:
    solo = eng.create_couple("Just Robin", ["robin"], "America/New_York")
    eng.add_ritual(solo, "Journal", per_week=3)
    eng.check_in(solo, "journal", by="robin")
    eng.check_in(solo, "journal", by="robin")
    assert [h.summary for h in eng.history(solo, limit=2)] == [
        "robin checked in 'Journal'",
        "robin checked in 'Journal'",
    ]


def test_rituals_resolve_by_id_view_or_exact_title_never_by_prefix(
    eng: Engine, couple: CoupleView
) -> None:
    (ritual,) = eng.rituals(couple)
    assert eng.ritual(couple, ritual.id).title == "Morning check"
    assert eng.ritual(couple, ritual) == ritual
    assert eng.ritual(couple, "MORNING CHECK").id == ritual.id
    for guess in (ritual.short_id, ritual.id[:6], "evening", "Morning"):
        with pytest.raises(NotFound, match="no ritual of that title or id"):
            eng.ritual(couple, guess)


def test_a_retired_title_can_be_used_again(eng: Engine, couple: CoupleView) -> None:
    eng.retire_ritual(couple, "Morning check")
    again = eng.add_ritual(couple, "Morning check", cron="0 9 * * *")
    assert eng.ritual(couple, "Morning check").id == again.id
    with pytest.raises(NotAllowed, match="already exists"):
        eng.add_ritual(couple, "morning check", cron="0 9 * * *")


def test_templates_fill_in_the_defaults(eng: Engine, couple: CoupleView) -> None:
    journal = eng.add_ritual(couple, template="appreciation-journal")
    assert journal.per_week == 3 and journal.together is False
    check = eng.add_ritual(couple, template="relationship-check", cron="0 20 * * 0")
    assert check.cron == "0 20 * * 0" and check.duration == timedelta(minutes=30)
    assert len(check.prompts) >= 5


def test_proxy_check_ins_count_for_both_when_the_couple_allows_it(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.change_settings(couple, proxy_checkins=True)
    clock.now = local(9, 0)
    done = eng.check_in(couple, "Morning check", by="sam", for_both=True)
    assert done.partners == ("sam", "alex")
    with pytest.raises(NotAllowed, match="already checked in"):
        eng.check_in(couple, "Morning check", by="alex", occurrence=local(7, 30))
