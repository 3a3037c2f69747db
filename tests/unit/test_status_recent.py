"""A status reads only the recent weeks of a long log (the ``logged_weeks`` read model and
the marks from the heatmap's first week on), and shows exactly what the whole log shows:
generated histories (check-ins, late and undone ones, skips planned ahead, a partner in
another zone and a ritual kept at each one's local time, rituals made and unmade shared,
appreciations, repairs and answers, long quiet spells, a history recorded months after
it happened, an erased partner) compared with the same status computed from every event
and every mark."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from engine import Engine, FixedClock, MemoryEventStore
from engine.errors import InvalidInput, NotAllowed
from engine.events import NewEvent
from engine.events.records import Recent
from engine.projections import drift
from engine.projections import settled as tallies
from engine.services.streaks import Streaks

if TYPE_CHECKING:
    from engine.projections.marks import Mark
    from engine.views.couples import CoupleView
    from engine.views.status import StatusView

START = datetime(2026, 1, 5, 6, tzinfo=UTC)
EVERYTHING = Recent(
    occurred=datetime(1970, 1, 1, tzinfo=UTC), recorded=datetime(1970, 1, 1, tzinfo=UTC)
)


def lived_history(seed: int) -> tuple[Engine, FixedClock, CoupleView, datetime]:
    """About seven months of a couple's life, drawn from ``seed``."""
    rng = random.Random(seed)
    clock = FixedClock(START)
    eng = Engine(MemoryEventStore(clock), clock)
    away = {"alex": "America/New_York"} if seed % 2 else None  # a partner in another zone
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin", partner_zones=away)
    eng.add_ritual(couple, "Morning", cron="0 8 * * *", together=True)
    eng.add_ritual(couple, "Call", cron="0 20 * * *", each_local=True)
    eng.add_ritual(couple, "Walk", per_week=3, together=False)
    eng.add_ritual(couple, "Tea", template="appreciation-journal")
    repairs: list[str] = []
    lean = rng.choice((0.5, 0.7, 0.95))  # how much of the logging Sam does
    quiet = range(rng.randrange(20, 120), rng.randrange(120, 200))  # a long quiet spell
    for day in range(210):
        if day in quiet and rng.random() < 0.9:
            continue
        morning = START + timedelta(days=day, hours=1)  # 08:00 in Berlin, in winter
        for _ in range(rng.randrange(4)):
            handle = "sam" if rng.random() < lean else "alex"
            clock.now = morning + timedelta(hours=rng.randrange(1, 30))
            action = rng.random()
            try:
                if action < 0.35:
                    eng.check_in(couple, "Morning", by=handle, occurrence=morning)
                elif action < 0.45:
                    eng.check_in(couple, "Walk", by=handle)
                elif action < 0.55:
                    eng.check_in(couple, "Call", by=handle)
                elif action < 0.62:
                    ahead = morning + timedelta(days=rng.randrange(1, 80))
                    eng.skip(couple, "Morning", by=handle, occurrence=ahead)
                elif action < 0.75:
                    eng.appreciate(
                        couple, by=handle, to="alex" if handle == "sam" else "sam", text="thanks"
                    )
                elif action < 0.82:
                    repairs.append(eng.repair(couple, by=handle, kind="apology"))
                elif action < 0.9 and repairs:
                    answer = rng.choice(("accepted", "not-yet"))
                    eng.respond_to_repair(couple, repairs.pop(), by=handle, answer=answer)
                elif action < 0.95:
                    eng.undo(couple, by=handle)
                else:
                    eng.edit_ritual(couple, "Morning", together=rng.random() < 0.5)
            except (InvalidInput, NotAllowed):
                pass  # not allowed at that moment (already logged, window closed): skip it
    end = START + timedelta(days=212)
    clock.now = end
    return eng, clock, couple, end


def every_mark(self: Streaks, couple_id: str, *_: object) -> tuple[list[Mark], list[datetime]]:
    """Every mark of the couple, however old, in place of the recent ones."""
    return [m for ms in self.marks(couple_id).values() for m in ms], []


def full_status(
    eng: Engine, couple: CoupleView, as_of: datetime | None, monkeypatch: pytest.MonkeyPatch
) -> StatusView:
    """The status from every mark and every event of the log, with no settled tallies."""
    with monkeypatch.context() as m:
        m.setattr(Streaks, "recent_marks", every_mark)
        m.setattr(drift, "logged_signals", lambda *args, **kwargs: None)
        m.setattr(tallies, "settleable", lambda *args: False)  # every streak from every mark
        return eng.status(couple, as_of=as_of)


@pytest.mark.parametrize("seed", range(8))
def test_a_status_from_recent_events_is_the_status_from_the_whole_log(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    eng, _, couple, end = lived_history(seed)
    for as_of in (
        None,
        end - timedelta(days=3),
        end - timedelta(days=40),
        end - timedelta(days=150),
    ):
        assert eng.status(couple, as_of=as_of) == full_status(eng, couple, as_of, monkeypatch)


def test_the_histories_show_drift_and_practice(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above is not between empty screens."""
    keys: set[str] = set()
    for seed in range(8):
        eng, _, couple, end = lived_history(seed)
        for as_of in (None, end - timedelta(days=40), end - timedelta(days=150)):
            shown = eng.status(couple, as_of=as_of)
            keys |= {s.key for s in shown.suggestions}
            assert any(cell for week in shown.heatmap.weeks for cell in week if cell)
    assert {"checkins_falling", "no_shared_ritual", "uneven_logging"} <= keys


def test_a_recent_shared_check_in_spares_reading_the_whole_log(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FixedClock(START)
    eng = Engine(MemoryEventStore(clock), clock)
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(couple, "Morning", cron="0 8 * * *", together=True)
    for day in range(300):
        clock.now = START + timedelta(days=day, hours=3)
        eng.check_in(couple, "Morning", by="sam")
    full = eng.status(couple)

    def whole_log(*args: object, **kwargs: object) -> None:
        raise AssertionError("read the whole log")

    monkeypatch.setattr(drift, "drift_signals", whole_log)
    assert eng.status(couple) == full
    read = eng._services.status._s.lived.read_couple

    def no_whole_log(couple_id: str, **kwargs: object) -> object:
        assert kwargs.get("types") or kwargs.get("recent"), "the whole log was read"
        return read(couple_id, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(eng._services.status._s.lived, "read_couple", no_whole_log)
    assert eng.status(couple) == full


@pytest.mark.parametrize("seed", range(4))
def test_a_history_recorded_months_later_shows_the_status_of_its_whole_log(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copied into a new store months later (as an import writes it), every event is
    recorded long after it happened: the weeks it is filed under are those of the
    moments it states, not of its recording."""
    eng, _, couple, end = lived_history(seed)
    later = FixedClock(end + timedelta(days=90))
    moved = Engine(MemoryEventStore(later), later)
    for r in eng.store.read_couple(couple.id):
        moved.store.append(
            couple.id,
            r.stream_id,
            [NewEvent(r.event, r.occurred_at, r.event_id)],
            expected_version=None,
        )
    for as_of in (end, end - timedelta(days=20), end - timedelta(days=100)):
        shown = moved.status(couple.id, as_of=as_of)
        assert shown == full_status(moved, couple, as_of, monkeypatch)
        assert shown == eng.status(couple, as_of=as_of)
    assert moved.status(couple.id) == full_status(moved, couple, None, monkeypatch)


@pytest.mark.parametrize("seed", range(3))
def test_after_a_partner_is_erased_the_status_is_still_that_of_the_whole_log(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    eng, _, couple, end = lived_history(seed)
    eng.erase_partner(couple, "alex")
    for as_of in (None, end - timedelta(days=30)):
        assert eng.status(couple, as_of=as_of) == full_status(eng, couple, as_of, monkeypatch)


def test_pauses_and_plan_tasks_count_as_entries_and_an_undo_takes_one_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FixedClock(START)
    eng = Engine(MemoryEventStore(clock), clock)
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.start_plan(couple)
    for day in range(20):
        clock.now = START + timedelta(days=day, hours=4)
        eng.appreciate(couple, by="sam", to="alex", text="thanks")
        if day % 3 == 0:
            eng.call_timeout(couple, by="sam")
            eng.end_timeout(couple, by="sam")
    clock.now = START + timedelta(days=20, hours=5)
    eng.plan_task_done(couple, "w1-letters", by="sam")
    shown = eng.status(couple)
    uneven = next(s for s in shown.suggestions if s.key == "uneven_logging")
    assert uneven.facts["total"] == 20 + 7 + 1  # appreciations, pauses called, the task
    assert shown == full_status(eng, couple, None, monkeypatch)
    eng.undo(couple, by="sam")  # the plan task
    after = eng.status(couple)
    assert next(s for s in after.suggestions if s.key == "uneven_logging").facts["total"] == 27
    assert after == full_status(eng, couple, None, monkeypatch)
