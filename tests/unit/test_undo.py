"""Undoing a mistaken entry: the author's own, within a week, honoured by every reader."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from engine import Engine, FixedClock, MemoryEventStore
from engine.errors import InvalidInput, NotAllowed, NotFound

if TYPE_CHECKING:
    from engine.views.couples import CoupleView

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(berlin(3, 2, 6))


@pytest.fixture
def couple(eng: Engine) -> CoupleView:
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin", proxy_checkins=True)
    eng.add_ritual(couple, "Morning check", cron="0 7 * * *")
    eng.add_ritual(couple, "Journal", per_week=3, together=False)
    return couple


def checked_in_for_two_days(eng: Engine, clock: FixedClock, couple: CoupleView) -> None:
    for day in (2, 3):
        clock.now = berlin(3, day, 7, 5)
        eng.check_in(couple, "Morning check", by="sam", for_both=True)


def test_undoing_a_check_in_takes_it_out_of_the_streak_and_lets_it_be_logged_again(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    checked_in_for_two_days(eng, clock, couple)
    assert eng.ritual_streak(couple, "Morning check").couple.current == 2

    undone = eng.undo(couple, by="sam")

    assert "checked in 'Morning check' of Tue 03 Mar 07:00" in undone.summary
    line = eng.ritual_streak(couple, "Morning check").couple
    assert (line.current, line.done, line.pending) == (1, 1, 1)
    again = eng.check_in(couple, "Morning check", by="alex")
    assert again.occurrence == berlin(3, 3, 7)


def test_the_read_model_rebuilt_from_the_log_gives_the_same_figures_after_an_undo(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    checked_in_for_two_days(eng, clock, couple)
    eng.undo(couple, by="sam")
    before = eng.ritual_streak(couple, "Morning check")
    eng.rebuild("ritual_marks")
    assert eng.ritual_streak(couple, "Morning check") == before


def test_an_undone_quota_check_in_no_longer_counts_for_the_week(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    clock.now = berlin(3, 2, 20)
    eng.check_in(couple, "Journal", by="alex")
    eng.check_in(couple, "Journal", by="alex")
    eng.undo(couple, by="alex")
    week = eng.ritual_streak(couple, "Journal").this_week
    assert week is not None and dict(week.by_partner)["alex"] == 1


def test_only_the_author_may_undo_an_entry(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    checked_in_for_two_days(eng, clock, couple)
    entry = eng.history(couple, limit=1)[0].entry_id
    with pytest.raises(NotAllowed, match="only sam can undo their own entry"):
        eng.undo(couple, by="alex", entry=entry[:8])
    with pytest.raises(NotFound, match="nothing of yours"):
        eng.undo(couple, by="alex")


def test_an_undo_cannot_itself_be_undone(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    checked_in_for_two_days(eng, clock, couple)
    eng.undo(couple, by="sam")
    newest = eng.history(couple, limit=1)[0]
    assert newest.type == "entry.retracted" and newest.summary == "sam undid a check-in"
    with pytest.raises(NotAllowed, match="cannot itself be undone"):
        eng.undo(couple, by="sam", entry=newest.entry_id)


def test_an_undone_entry_stays_in_the_history_marked_as_undone(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    checked_in_for_two_days(eng, clock, couple)
    undone = eng.undo(couple, by="sam")
    entries = {h.entry_id: h for h in eng.history(couple)}
    assert entries[undone.entry_id].undone
    assert sum(h.undone for h in entries.values()) == 1
    with pytest.raises(NotAllowed, match="already undone"):
        eng.undo(couple, by="sam", entry=undone.entry_id)


def test_an_entry_older_than_a_week_can_no_longer_be_undone(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    checked_in_for_two_days(eng, clock, couple)
    entry = eng.history(couple, limit=1)[0].entry_id
    clock.now = berlin(3, 10, 8)
    with pytest.raises(NotAllowed, match="7 days"):
        eng.undo(couple, by="sam", entry=entry)
    with pytest.raises(NotFound, match="last 7 days"):
        eng.undo(couple, by="sam")


def test_the_latest_entry_can_be_undone_until_the_last_moment_of_its_week(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    checked_in_for_two_days(eng, clock, couple)  # the second one logged at 3 March 07:05
    clock.now = berlin(3, 10, 7, 5)  # exactly seven days later
    undone = eng.undo(couple, by="sam")
    assert undone.occurred_at == berlin(3, 3, 7, 5)
    clock.now = berlin(3, 10, 7, 6)
    with pytest.raises(NotFound, match="last 7 days"):  # the first is older than a week
        eng.undo(couple, by="sam")


def test_an_id_shorter_than_four_characters_asks_for_more(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    with pytest.raises(InvalidInput, match="give at least 4 characters of the id"):
        eng.undo(couple, by="sam", entry="ab")


def test_an_undone_skip_leaves_the_occurrence_open_again(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    clock.now = berlin(3, 2, 8)
    eng.skip(couple, "Morning check", by="alex")
    assert eng.ritual_streak(couple, "Morning check").couple.skipped == 1
    eng.undo(couple, by="alex")
    line = eng.ritual_streak(couple, "Morning check").couple
    assert (line.skipped, line.pending) == (0, 1)
    eng.skip(couple, "Morning check", by="alex")  # no longer "already skipped"


def test_an_undone_appreciation_leaves_the_journal_with_its_sharing(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    aid = eng.appreciate(couple, by="sam", to="alex", text="the tea this morning", private=True)
    eng.share_appreciation(couple, aid, by="sam")
    assert len(eng.journal(couple, viewer="alex")) == 1
    eng.undo(
        couple,
        by="sam",
        entry=next(h.entry_id for h in eng.history(couple) if h.type == "appreciation.given"),
    )
    assert eng.journal(couple, viewer="alex") == []
    assert eng.journal(couple, viewer="sam") == []


def test_an_answered_repair_attempt_stays_but_its_answer_can_be_undone(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    rid = eng.repair(couple, by="sam", kind="apology")
    eng.respond_to_repair(couple, rid, by="alex", answer="not-yet")
    attempt = next(h for h in eng.history(couple) if h.type == "repair.attempted")
    with pytest.raises(NotAllowed, match="was answered"):
        eng.undo(couple, by="sam", entry=attempt.entry_id)
    eng.undo(couple, by="alex")
    eng.respond_to_repair(couple, rid, by="alex", answer="accepted")  # may answer afresh


def test_an_undone_plan_task_counts_as_open_and_the_plan_goes_on(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    eng.start_plan(couple)
    done = eng.plan_task_done(couple, "w1-letters", by="sam")
    assert done.tasks_done == 1
    eng.undo(couple, by="sam")
    status = eng.plan_status(couple)
    assert status is not None and status.tasks_done == 0
    assert eng.plan_task_done(couple, "w1-letters", by="alex").tasks_done == 1


def test_an_undo_survives_a_full_export_and_import(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    checked_in_for_two_days(eng, clock, couple)
    eng.undo(couple, by="sam")
    before = eng.ritual_streak(couple, "Morning check")
    document = eng.export_data(couple, full=True)
    moved = Engine(MemoryEventStore(clock), clock)
    moved.import_data(document)
    assert moved.ritual_streak(couple.id, "Morning check") == before
    assert sum(h.undone for h in moved.history(couple.id)) == 1
