"""What a status works out once and finds again: loaded read-model rows, facts per week,
and the heatmap's days counted by their midnights."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.projections import drift, drift_facts, logged_weeks
from engine.projections.logged_weeks import APPRECIATION, CHECK_IN, OTHER, SKIP, Entry
from engine.projections.practice import _by_midnights
from engine.services.derived import Derived
from engine.sql.state_memo import StateMemo

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _entries(seed: int, count: int) -> list[Entry]:
    rng = random.Random(seed)
    found = []
    for i in range(count):
        occurred = T0 + timedelta(hours=rng.randrange(0, 24 * 60))
        kind = rng.choice([CHECK_IN, CHECK_IN, SKIP, APPRECIATION, OTHER])
        by = rng.choice(["p1", "p2"]) if kind != SKIP or rng.random() < 0.5 else None
        at = occurred - timedelta(hours=rng.randrange(0, 30))
        occurrence = at if kind == CHECK_IN and rng.random() < 0.5 else None
        ritual = rng.choice(["r1", "r2"]) if kind in (CHECK_IN, SKIP) else ""
        found.append(Entry(kind, f"e{i}", i + 1, occurred, by, at, ritual, occurrence))
    return found


def test_a_row_that_reads_the_same_is_loaded_once() -> None:
    memo = StateMemo()
    week = tuple(_entries(1, 20))
    text = json.dumps(logged_weeks.dump(week))
    first = memo.load(logged_weeks.LOGGED_WEEKS, "c1", text)
    assert first == week
    assert memo.load(logged_weeks.LOGGED_WEEKS, "c1", str(text)) is first
    assert memo.load(logged_weeks.LOGGED_WEEKS, "c2", text) is not first  # never another couple's
    changed = json.dumps(logged_weeks.dump(week[:-1]))
    assert memo.load(logged_weeks.LOGGED_WEEKS, "c1", changed) == week[:-1]


def test_the_memo_keeps_to_its_budget_and_forgets_an_erased_couple() -> None:
    weeks = [tuple(_entries(seed, 5)) for seed in range(6)]
    texts = [json.dumps(logged_weeks.dump(w)) for w in weeks]
    memo = StateMemo(budget=3 * max(map(len, texts)))
    for text in texts:
        memo.load(logged_weeks.LOGGED_WEEKS, "c1", text)
    assert 1 <= len(memo) <= 3
    memo.load(logged_weeks.LOGGED_WEEKS, "c2", texts[0])
    memo.forget(logged_weeks.NAME, "c1")
    assert len(memo) == 1
    memo.forget(logged_weeks.NAME)
    assert len(memo) == 0


def test_derived_values_are_worked_out_once_per_object() -> None:
    calls: list[object] = []

    def work(week: tuple[int, ...]) -> int:
        calls.append(week)
        return sum(week)

    derived = Derived(work, kept=4)
    week = (1, 2, 3)
    assert derived(week) == derived(week) == 6
    assert len(calls) == 1
    assert derived((1, 2, 3)[:]) == 6  # the same object again
    for n in range(10):
        assert derived(tuple(range(n + 5))) == sum(range(n + 5))
    assert derived(week) == 6  # let go of past the limit, then worked out again
    assert len(calls) == 12


@pytest.mark.parametrize("seed", range(20))
def test_facts_split_into_weeks_are_the_facts_of_them_together(seed: int) -> None:
    entries = _entries(seed, random.Random(seed).randrange(0, 120))
    cuts = sorted(random.Random(seed + 1).sample(range(len(entries) + 1), 3))
    parts = [entries[a:b] for a, b in zip([0, *cuts], [*cuts, len(entries)], strict=True)]
    together = drift_facts.facts_of([drift_facts.entry_facts(entries)], [])
    split = drift_facts.facts_of([drift_facts.entry_facts(part) for part in parts], [])
    then = T0 + timedelta(days=30)
    for moment in (None, then):
        whole, pieces = together.by(moment), split.by(moment)
        for mine, theirs in zip(whole, pieces, strict=True):
            assert Counter(mine) == Counter(theirs)


@pytest.mark.parametrize("seed", range(20))
def test_any_signal_on_agrees_with_the_signals(seed: int) -> None:
    entries = _entries(seed, random.Random(seed).randrange(0, 150))
    handles = {"p1": "sam", "p2": "alex"}
    known = drift_facts.facts_of([drift_facts.entry_facts(entries)], []).by(None)
    from engine.projections.insights import read_log

    now = T0 + timedelta(days=random.Random(seed).randrange(10, 70))
    log = read_log([])
    from dataclasses import replace

    log = replace(log, began=T0, checkins=known[0], skips=known[1], entries=known[2])
    assert drift.any_on(log, handles, now) == bool(drift.signals_at(log, handles, now))


def _by_each(moments: list[datetime], zone: ZoneInfo, first: date, last: date) -> Counter[date]:
    days = Counter(m.astimezone(zone).date() for m in moments)
    return Counter({d: n for d, n in days.items() if first <= d <= last})


@pytest.mark.parametrize(
    ("zone", "around"),
    [
        ("America/Goose_Bay", datetime(1988, 10, 30, 3, tzinfo=UTC)),  # set back at 00:01
        ("America/St_Johns", datetime(1987, 10, 25, 3, tzinfo=UTC)),
        ("America/Santiago", datetime(2026, 9, 6, 4, tzinfo=UTC)),  # a gap at midnight
        ("Europe/Berlin", datetime(2026, 3, 29, 1, tzinfo=UTC)),
        ("Australia/Lord_Howe", datetime(2026, 4, 5, 0, tzinfo=UTC)),  # half an hour back
        ("Asia/Kolkata", datetime(2026, 6, 1, 0, tzinfo=UTC)),
        ("UTC", datetime(2026, 6, 1, 0, tzinfo=UTC)),
    ],
)
def test_days_counted_by_their_midnights_match_each_moment_converted(
    zone: str, around: datetime
) -> None:
    tz = ZoneInfo(zone)
    rng = random.Random(zone)
    moments = sorted(around + timedelta(minutes=rng.randrange(-6000, 6000)) for _ in range(800))
    moments += [around + timedelta(minutes=m) for m in range(-120, 120)]  # dense at the change
    moments.sort()
    middle = around.astimezone(tz).date()
    for first, last in [(middle - timedelta(days=3), middle + timedelta(days=3)), (middle, middle)]:
        assert _by_midnights(moments, tz, first, last) == _by_each(moments, tz, first, last)
