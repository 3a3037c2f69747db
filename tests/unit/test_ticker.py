"""The server's ticker records what time brought about, and a failing tick never stops it."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING

from engine import Engine, MemoryEventStore, StoreUnavailable
from engine.web.serve import Ticker
from tests.moments import cli_clock

if TYPE_CHECKING:
    import pytest

    from engine.views.plans import PlanView


def test_a_tick_adds_the_rituals_of_a_week_that_began() -> None:
    clock = cli_clock()
    eng = Engine(MemoryEventStore(clock), clock)
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
    eng.start_plan(couple, on=clock.now.date() + timedelta(days=1))
    clock.advance(timedelta(days=1))
    Ticker(eng).tick_once()
    assert [r.title for r in eng.rituals(couple)] == ["Weekly check"]


class Failing(Engine):
    def tick(self, couple: object = None) -> list[PlanView]:
        raise StoreUnavailable("the database is busy; please try again in a moment")


def test_a_failing_tick_is_logged_and_the_ticker_carries_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = cli_clock()
    ticker = Ticker(Failing(MemoryEventStore(clock), clock), timedelta(seconds=0))
    with caplog.at_level(logging.ERROR, logger="engine.web"):
        ticker.tick_once()
        ticker.tick_once()
    assert ticker.ticks == 2
    assert "trying again later" in caplog.text


def test_a_started_ticker_ticks_until_it_is_stopped() -> None:
    clock = cli_clock()
    eng = Engine(MemoryEventStore(clock), clock)
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
    eng.start_plan(couple, on=date(2026, 11, 26))
    clock.advance(timedelta(days=1))
    ticker = Ticker(eng, timedelta(hours=1)).start()
    ticker.stop()
    assert ticker.ticks == 1
    assert [r.title for r in eng.rituals(couple)] == ["Weekly check"]
