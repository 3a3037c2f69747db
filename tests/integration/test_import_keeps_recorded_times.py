"""Issue 12, item 7: an import keeps the times its events were recorded at.

``--as-of``, the zones in force (a move changes the future only) and the undo window read
when an event was recorded. An import that let the store stamp its own times made every
imported event "recorded today": ``--as-of`` lost the plan and suggestions,
``lasting_drift`` disappeared, a past move rewrote the calendar and month-old entries
could be undone. A couple lived in memory is exported and imported into a fresh SQLite
or PostgreSQL database, and every view at several past moments is the same.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from cli import cli
from engine import Engine, FixedClock, InvalidInput, MemoryEventStore
from engine.errors import NotFound
from tests.moments import cli_at

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


NOW = berlin(5, 20, 12)
MOMENTS = [berlin(3, 4, 12), berlin(3, 20, 21), berlin(4, 10, 12), berlin(5, 1, 9), NOW]


def live() -> tuple[Engine, str]:
    """Eleven weeks of a couple: a plan, check-ins (one logged late), a move to New York,
    then weeks with nothing shared, recorded as the clock went."""
    clock = FixedClock(berlin(3, 2, 9))
    eng = Engine(MemoryEventStore(clock), clock)
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin").id
    eng.add_ritual(couple, "Morning", cron="0 8 * * *")
    eng.start_plan(couple)
    for day in range(3, 17):
        clock.now = berlin(3, day, 8, 10)
        eng.check_in(couple, "Morning", by="sam")
        if day % 3:
            clock.now = berlin(3, day, 21)  # alex logs in the evening
            eng.check_in(couple, "Morning", by="alex", at=berlin(3, day, 8, 20))
    clock.now = berlin(3, 3, 10)
    eng.plan_task_done(couple, "w1-letters", by="sam")
    clock.now = berlin(3, 20, 18)
    eng.appreciate(couple, by="alex", to="sam", text="For the walk.")
    eng.change_settings(couple, tz="America/New_York")
    clock.now = berlin(3, 21, 15)
    eng.check_in(couple, "Morning", by="sam", at=berlin(3, 21, 14))
    clock.now = NOW
    return eng, couple


def views(eng: Engine, couple: str) -> dict[str, Any]:
    return {
        "status": [eng.status(couple, as_of=at) for at in MOMENTS],
        "streaks": [eng.streaks(couple, as_of=at) for at in MOMENTS],
        "drift": eng.drift_signals(couple),
        "history": [
            (h.entry_id, h.summary, h.occurred_at, h.recorded_at)
            for h in eng.history(couple, limit=500)
        ],
        "feed": eng.calendar_feed(couple, days_back=90, days_ahead=30),
    }


@pytest.fixture
def moved(sql_url: str) -> Iterator[tuple[Engine, Engine, str]]:
    eng, couple = live()
    target = Engine.open(sql_url, clock=FixedClock(NOW))
    try:
        yield eng, target, couple
    finally:
        target.close()


def test_every_view_as_of_past_moments_is_the_same_after_an_import(
    moved: tuple[Engine, Engine, str],
) -> None:
    eng, target, couple = moved
    before = views(eng, couple)
    assert before["status"][2].plan is not None
    assert "lasting_drift" in [s.key for s in before["drift"]]

    target.import_data(eng.export_data(couple, full=True))
    after = views(target, couple)

    for name in before:
        assert after[name] == before[name], name
    assert (
        target.export_data(couple, full=True)["events"]
        == eng.export_data(couple, full=True)["events"]
    )


def test_an_imported_entry_keeps_its_age_for_undo(moved: tuple[Engine, Engine, str]) -> None:
    eng, target, couple = moved
    target.import_data(eng.export_data(couple, full=True))
    with pytest.raises(NotFound, match="nothing of yours from the last 7 days"):  # not "just now"
        target.undo(couple, by="sam")


def _crafted(eng: Engine, couple: str, index: int, recorded_at: Any) -> dict[str, Any]:
    document = copy.deepcopy(eng.export_data(couple, full=True))
    if recorded_at is None:
        del document["events"][index]["recorded_at"]
    else:
        document["events"][index]["recorded_at"] = recorded_at
    return document


BAD_TIMES = {
    "in the future of the import": (-1, (NOW + timedelta(days=1)).isoformat(), "later than now"),
    "before the event it follows": (-1, berlin(3, 1, 9).isoformat(), "recorded before the event"),
    "without a zone": (2, "2026-03-05T10:00:00", "damaged or incomplete"),
    "not a time": (2, "yesterday", "damaged or incomplete"),
    "missing": (2, None, "damaged or incomplete"),
}


@pytest.mark.parametrize("what", sorted(BAD_TIMES))
def test_an_import_with_bad_record_times_is_refused_whole(
    moved: tuple[Engine, Engine, str], what: str
) -> None:
    eng, target, couple = moved
    index, value, message = BAD_TIMES[what]
    document = _crafted(eng, couple, index, value)
    with pytest.raises(InvalidInput, match=message):
        target.import_data(document)
    assert target.store.count() == 0


def test_the_command_line_says_so_in_one_line_and_writes_nothing(
    moved: tuple[Engine, Engine, str], sql_url: str, tmp_path: Any
) -> None:
    import json

    eng, target, couple = moved
    path = tmp_path / "future.json"
    later = (datetime(2026, 12, 1, tzinfo=UTC)).isoformat()  # after the CLI's moment
    document = _crafted(eng, couple, -1, later)
    path.write_text(json.dumps(document))
    result = CliRunner().invoke(cli, ["--db", sql_url, "import", str(path)], obj=cli_at())
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: event {len(document['events'])} of the file was recorded later than now; "
        "nothing was imported"
    ]
    assert target.store.count() == 0
