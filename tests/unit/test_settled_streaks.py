"""Settled streak tallies give exactly the figures of a full fold of the marks: at many
moments, after moving their horizon, after undo, an old entry arriving (as an import
brings them), a rebuild and an erasure. In memory, with a fixed clock."""

from __future__ import annotations

import functools
import random
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from engine import Engine, FixedClock, MemoryEventStore, NotAllowed
from engine.domain import ritual as ritual_domain
from engine.domain.ritual import RitualState
from engine.events import CheckedIn, CoupleCreated, CoupleSettingsChanged, NewEvent
from engine.projections import MARKS, fold_batch
from engine.projections import settled as tallies
from engine.projections.streaks import RitualFigures, figures

if TYPE_CHECKING:
    from engine.calendar.zones import Zones
    from engine.projections.marks import Mark
    from engine.views.couples import CoupleView

START = datetime(2026, 1, 5, 5, tzinfo=UTC)  # a Monday, 06:00 in Berlin
BERLIN = ZoneInfo("Europe/Berlin")


def practised(days: int, seed: int = 7) -> tuple[Engine, FixedClock, CoupleView]:
    """A couple practising a daily, a weekly and a quota ritual for ``days`` days, with
    misses, skips, a pause and a move from Berlin to New York half way."""
    clock = FixedClock(START)
    eng = Engine(MemoryEventStore(), clock)
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin", freezes_per_month=1)
    eng.add_ritual(couple, "Morning", cron="30 7 * * *")
    eng.add_ritual(couple, "Sunday talk", cron="0 19 * * 0")
    eng.add_ritual(couple, "Walk", per_week=2)
    rng = random.Random(seed)
    for day in range(days):
        if day == days // 2:
            clock.now = START + timedelta(days=day)
            eng.change_settings(couple, tz="America/New_York")
        if day == 60:
            clock.now = START + timedelta(days=day, hours=1)
            eng.pause_ritual(couple, "Sunday talk", until=(START + timedelta(days=75)).date())
        for ritual in ("Morning", "Sunday talk"):
            clock.now = START + timedelta(days=day, hours=23)
            for by in ("sam", "alex"):
                roll = rng.random()
                try:
                    if roll < 0.75:
                        eng.check_in(couple, ritual, by=by, at=clock.now - timedelta(hours=10))
                    elif roll < 0.8:
                        eng.skip(couple, ritual, by=by, at=clock.now - timedelta(hours=10))
                except NotAllowed:  # not due that day, or paused: nothing to log
                    pass
        if rng.random() < 0.3:
            clock.now = START + timedelta(days=day, hours=15)
            eng.check_in(couple, "Walk", by=rng.choice(("sam", "alex")))
    clock.now = START + timedelta(days=days, hours=12)
    return eng, clock, couple


@functools.cache
def practised_once(days: int, seed: int = 7) -> tuple[Engine, FixedClock, CoupleView]:
    """One shared history for the tests that only read it."""
    return practised(days, seed)


def log_state(eng: Engine, couple_id: str) -> tuple[dict[str, RitualState], dict[str, Mark], Zones]:
    """Every ritual's state, every mark by key and the zones, folded from the whole log."""
    records = eng.store.read_couple(couple_id, decrypt=False)
    rituals: dict[str, RitualState] = {}
    for r in records:
        if r.stream_id.startswith("ritual-") and r.event.type_name.startswith("ritual."):
            rid = r.stream_id.removeprefix("ritual-")
            rituals[rid] = ritual_domain.evolve(rituals.get(rid, RitualState()), r.event)
    marks = {key: mark for (_, key), mark in fold_batch(MARKS, {}, records).states.items()}
    zones: list[tuple[datetime, ZoneInfo]] = []
    for r in records:
        event = r.event
        if (
            isinstance(event, CoupleCreated | CoupleSettingsChanged)
            and event.time_zone
            and (not zones or zones[-1][1].key != event.time_zone)
        ):
            zones.append((r.occurred_at, ZoneInfo(event.time_zone)))
    return rituals, marks, zones


def full(ritual: RitualState, marks: dict[str, Mark], zones: Zones, now: datetime) -> RitualFigures:
    return figures(ritual, marks.values(), zones=zones, freezes_per_month=1, now=now)


def test_settled_tallies_and_the_marks_after_them_give_the_full_figures_at_every_moment() -> None:
    eng, clock, couple = practised_once(260)
    rituals, marks, zones = log_state(eng, couple.id)
    made = clock.now
    compared = 0
    kept_apart = []
    for ritual in rituals.values():
        horizon = tallies.horizon_for(zones, made)
        assert horizon is not None
        before, after = tallies.split(marks.values(), horizon)
        mine = [m for m in before if m.ritual_id == ritual.ritual_id]
        settled = tallies.settle(
            ritual, mine, zones=zones, freezes_per_month=1, now=made, horizon=horizon
        )
        assert settled is not None
        kept_apart.append(sum(len(dues) for dues in settled.recent.values()))
        for hours in (0, 5, 30, 200, 24 * 20, 24 * 40):  # the last: every kept slot aged out
            now = made + timedelta(hours=hours)
            windowed = figures(
                ritual, after, zones=zones, freezes_per_month=1, now=now, settled=settled
            )
            assert windowed == full(ritual, marks, zones, now)
            compared += 1
    assert compared == 18
    assert all(kept_apart), "every ritual's latest settled slots wait for the completion rate"
    assert any(
        line.current > 3 for line in (full(r, marks, zones, made).couple for r in rituals.values())
    )


def test_moving_the_horizon_on_from_older_tallies_matches_settling_from_scratch() -> None:
    eng, clock, couple = practised(300, seed=11)
    rituals, marks, zones = log_state(eng, couple.id)
    early_at = clock.now - timedelta(weeks=10)
    for ritual in rituals.values():
        own = [m for m in marks.values() if m.ritual_id == ritual.ritual_id]
        early_h = tallies.horizon_for(zones, early_at)
        late_h = tallies.horizon_for(zones, clock.now)
        assert early_h is not None and late_h is not None and early_h < late_h
        early = tallies.settle(
            ritual,
            tallies.split(own, early_h)[0],
            zones=zones,
            freezes_per_month=1,
            now=early_at,
            horizon=early_h,
        )
        assert early is not None
        between = tallies.split(tallies.split(own, late_h)[0], early_h)[1]
        moved = tallies.settle(
            ritual,
            between,
            zones=zones,
            freezes_per_month=1,
            now=clock.now,
            horizon=late_h,
            start=early,
        )
        scratch = tallies.settle(
            ritual,
            tallies.split(own, late_h)[0],
            zones=zones,
            freezes_per_month=1,
            now=clock.now,
            horizon=late_h,
        )
        assert moved is not None and scratch is not None
        assert (moved.lines, moved.recent) == (scratch.lines, scratch.recent)


def test_tallies_survive_being_written_down_and_read_back() -> None:
    eng, clock, couple = practised_once(260)
    rituals, marks, zones = log_state(eng, couple.id)
    ritual = next(r for r in rituals.values() if r.current.cron == "30 7 * * *")
    horizon = tallies.horizon_for(zones, clock.now)
    assert horizon is not None
    before, after = tallies.split(marks.values(), horizon)
    settled = tallies.settle(
        ritual,
        [m for m in before if m.ritual_id == ritual.ritual_id],
        zones=zones,
        freezes_per_month=1,
        now=clock.now,
        horizon=horizon,
    )
    assert settled is not None
    tail = {key: m for key, m in marks.items() if m in after}
    loaded = tallies.load(tallies.dump(settled, tail, 42))
    assert loaded == (settled, tail, 42)


def test_a_slot_before_the_horizon_is_not_settled_while_it_can_still_change() -> None:
    eng, clock, couple = practised_once(260)
    rituals, _, zones = log_state(eng, couple.id)
    ritual = next(iter(rituals.values()))
    too_recent = clock.now - tallies.KEEP + timedelta(hours=1)
    assert (
        tallies.settle(
            ritual, [], zones=zones, freezes_per_month=1, now=clock.now, horizon=too_recent
        )
        is None
    )


def streak_figures(eng: Engine, couple: CoupleView) -> dict[str, object]:
    return {
        view.title: (view.couple, view.partners, view.this_week) for view in eng.streaks(couple)
    }


def kept(eng: Engine, couple_id: str) -> dict[str, object]:
    return eng._services.streaks.runner.models.states(tallies.NAME, couple_id)


def test_streaks_and_status_read_kept_tallies_and_agree_with_a_full_fold() -> None:
    eng, clock, couple = practised(240)
    first = streak_figures(eng, couple)
    assert len(kept(eng, couple.id)) == 3, "a read keeps each ritual's settled tallies"
    assert streak_figures(eng, couple) == first
    rituals, marks, zones = log_state(eng, couple.id)
    for view in eng.streaks(couple):
        assert view.couple == full(rituals[view.ritual_id], marks, zones, clock.now).couple
    assert eng.status(couple) == Engine(eng.store, clock).status(couple)
    clock.now += timedelta(minutes=30)
    eng.check_in(couple, "Walk", by="sam")
    eng.undo(couple, by="sam")
    clock.now += timedelta(weeks=20)  # the horizon moves on from the kept tallies
    rituals, marks, zones = log_state(eng, couple.id)
    for view in eng.streaks(couple):
        assert view.couple == full(rituals[view.ritual_id], marks, zones, clock.now).couple


def test_an_old_entry_arriving_later_makes_the_streaks_count_it() -> None:
    eng, clock, couple = practised(200)
    eng.streaks(couple)  # tallies kept
    rituals, _, _ = log_state(eng, couple.id)
    walk = next(rid for rid, r in rituals.items() if r.current.per_week)
    sam = couple.partners[0].id
    long_ago = START + timedelta(days=30, hours=9)
    old = CheckedIn(ritual_id=walk, partner_id=sam, occurrence=None, done_at=long_ago)
    eng.store.append(couple.id, f"ritual-{walk}", [NewEvent(old, long_ago)], expected_version=None)
    rituals, marks, zones = log_state(eng, couple.id)
    for view in eng.streaks(couple):
        assert view.couple == full(rituals[view.ritual_id], marks, zones, clock.now).couple
    walk_view = next(v for v in eng.streaks(couple) if v.title == "Walk")
    assert walk_view.couple.check_ins == len(
        [m for m in marks.values() if m.ritual_id == walk and m.done_by(clock.now)]
    )


def test_a_rebuild_and_an_erasure_take_the_kept_tallies_with_them() -> None:
    eng, clock, couple = practised(150)
    eng.streaks(couple)
    assert kept(eng, couple.id)
    eng.rebuild("ritual_marks")
    assert not kept(eng, couple.id)
    before = streak_figures(eng, couple)
    assert kept(eng, couple.id)
    assert streak_figures(Engine(eng.store, clock), couple) == before
    eng.erase_couple(couple)
    assert not kept(eng, couple.id)


@pytest.mark.parametrize("day", [date(2026, 3, 30), date(2026, 10, 26)])
def test_no_horizon_is_chosen_within_a_week_of_a_move(day: date) -> None:
    moved = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    zones = [(START, BERLIN), (moved, ZoneInfo("Asia/Tokyo"))]
    near = moved + tallies.KEEP + timedelta(days=2)
    assert tallies.horizon_for(zones, near) is None
    assert tallies.horizon_for(zones, moved + tallies.KEEP + timedelta(weeks=3)) is not None
