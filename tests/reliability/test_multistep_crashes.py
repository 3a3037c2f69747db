"""Commands that write several things are whole or absent, however they are stopped.

`ritual init --starter`, `ritual import` and `ritual forget` run as real processes and
are killed with SIGKILL at random moments; the same commands are also stopped in-process
at injected points inside their writing. After each stop the database holds either
nothing of the command or all of it, and running the command again finishes the job.
"""

from __future__ import annotations

import json
import random
import signal
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from engine import Engine, FixedClock
from engine.api import open_sql_store, read_models_for
from engine.catalog.rituals import starter_templates
from engine.events.names import NAMES_SECRET
from engine.projections import PROJECTIONS, ProjectionRunner
from engine.sql.event_store import SqlEventStore
from engine.sql.tables import data_keys, feed_links
from tests.reliability.conftest import run_cli

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal"),
]

KILLS = 8
NOW = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)
STARTERS = len(starter_templates())


def _engine(url: str) -> Engine:
    return Engine.open(url, clock=FixedClock(NOW))


def _timed(url: str, args: list[str]) -> float:
    """How long `ritual ARGS` takes here, run to its end (the yardstick for the kills)."""
    started = time.perf_counter()
    proc = run_cli(url, args)
    proc.communicate(timeout=60)
    assert proc.returncode == 0
    return time.perf_counter() - started


def _kill_at_random(url: str, args: list[str], rng: random.Random, length: float) -> bool:
    """Run `ritual ARGS` and kill it at a random moment of a run ``length`` seconds long;
    True when it was killed before it ended."""
    proc = run_cli(url, args)
    time.sleep(rng.uniform(0.05, 0.95) * length)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    return proc.returncode == -signal.SIGKILL


def _couples(url: str) -> list[Any]:
    with _engine(url) as eng:
        return eng.couples()


def _starters_whole(url: str) -> bool:
    """No couple, or the couple with every starter ritual; never anything in between."""
    with _engine(url) as eng:
        couples = eng.couples()
        if not couples:
            return False
        assert len(couples) == 1
        assert len(eng.rituals(couples[0])) == STARTERS
        return True


INIT = ["init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex"]


def test_a_killed_init_with_starters_leaves_no_couple_or_the_whole_couple(tmp_path: Path) -> None:
    rng = random.Random(20261125)
    length = _timed(f"sqlite:///{tmp_path / 'yardstick.db'}", [*INIT, "--tz", "UTC", "--starter"])
    killed = 0
    for n in range(KILLS):
        url = f"sqlite:///{tmp_path / f'init{n}.db'}"
        with _engine(url):
            pass  # the schema exists before the kill, as on any second use
        with _engine(url) as eng:
            eng.store.count()
        killed += _kill_at_random(url, [*INIT, "--tz", "Europe/Berlin", "--starter"], rng, length)
        if not _starters_whole(url):
            proc = run_cli(url, [*INIT, "--tz", "Europe/Berlin", "--starter"])
            assert proc.communicate(timeout=60) and proc.returncode == 0
            assert _starters_whole(url)
    assert killed >= 2, "runs must be stopped part way to prove anything"


def _full_export(tmp_path: Path) -> dict[str, Any]:
    clock = FixedClock(NOW - timedelta(days=30))
    with Engine.open(f"sqlite:///{tmp_path / 'source.db'}", clock=clock) as eng:
        couple = eng.create_couple(
            "Kim & Lee", ["kim", "lee"], "UTC", templates=[t.key for t in starter_templates()]
        )
        walk = eng.add_ritual(couple, "Walk", cron="0 19 * * *")
        for day in range(25):
            clock.now = NOW - timedelta(days=29 - day, hours=4)
            eng.check_in(couple, walk.id, by="kim", note=f"walk {day}")
            eng.appreciate(couple, by="lee", to="kim", text=f"thanks {day}")
        return eng.export_data(couple, full=True)


def test_a_killed_import_leaves_no_event_or_every_event(tmp_path: Path) -> None:
    export = _full_export(tmp_path)
    file = tmp_path / "kim.json"
    file.write_text(json.dumps(export))
    rng = random.Random(7)
    length = _timed(f"sqlite:///{tmp_path / 'yardstick.db'}", ["import", str(file)])
    killed = 0
    for n in range(KILLS):
        url = f"sqlite:///{tmp_path / f'import{n}.db'}"
        with _engine(url) as eng:
            eng.store.count()
        killed += _kill_at_random(url, ["import", str(file)], rng, length)
        with _engine(url) as eng:
            assert eng.store.count() in (0, len(export["events"]))
        proc = run_cli(url, ["import", str(file)])
        _, err = proc.communicate(timeout=60)
        with _engine(url) as eng:
            assert eng.store.count() == len(export["events"]), err
    assert killed >= 2


@pytest.fixture
def couple_db(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'forget.db'}"
    with _engine(url) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
        ritual = eng.add_ritual(couple, "Walk", cron="0 19 * * *")
        eng.check_in(couple, ritual.id, by="sam", note="a quiet walk")
        eng.share_feed(couple, base_url="https://cal.example.org")
    yield url


def _keys_and_links(url: str) -> tuple[int, int]:
    sa_engine = sa.create_engine(url)
    try:
        with sa_engine.connect() as conn:
            couples_keys = data_keys.c.couple_id != NAMES_SECRET[0]  # not the names' secret
            keys = conn.scalar(sa.select(sa.func.count()).where(couples_keys))
            links = conn.scalar(sa.select(sa.func.count()).select_from(feed_links))
            return int(keys or 0), int(links or 0)
    finally:
        sa_engine.dispose()


def _erased_whole_or_not_at_all(url: str) -> bool:
    """True when erased (no key, no link, no couple); False when untouched."""
    keys, links = _keys_and_links(url)
    if _couples(url):
        assert (keys, links) == (3, 1)
        return False
    assert (keys, links) == (0, 0)
    return True


def test_a_killed_forget_is_whole_or_absent_and_a_rerun_with_the_real_name_finishes(
    tmp_path: Path, couple_db: str
) -> None:
    rng = random.Random(11)
    pristine = Path(couple_db.removeprefix("sqlite:///")).read_bytes()
    (tmp_path / "yardstick.db").write_bytes(pristine)
    length = _timed(
        f"sqlite:///{tmp_path / 'yardstick.db'}", ["forget", "--yes-erase", "Sam & Alex"]
    )
    killed = 0
    for n in range(KILLS):
        db = tmp_path / f"forget{n}.db"
        db.write_bytes(pristine)
        url = f"sqlite:///{db}"
        killed += _kill_at_random(url, ["forget", "--yes-erase", "Sam & Alex"], rng, length)
        if not _erased_whole_or_not_at_all(url):
            proc = run_cli(url, ["forget", "--yes-erase", "Sam & Alex"])
            assert proc.communicate(timeout=60) and proc.returncode == 0
            assert _erased_whole_or_not_at_all(url)
    assert killed >= 2


def test_a_forget_stopped_right_after_its_tombstone_has_already_destroyed_the_keys(
    couple_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.services.streaks import Streaks

    def stop(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Streaks, "forget", stop)
    with _engine(couple_db) as eng:
        couple_id = eng.couples()[0].id
    with pytest.raises(KeyboardInterrupt), _engine(couple_db) as eng:
        eng.erase_couple(couple_id)
    monkeypatch.undo()
    assert _erased_whole_or_not_at_all(couple_db)
    store = open_sql_store(couple_db)
    try:
        runner = ProjectionRunner(store, read_models_for(store), PROJECTIONS)
        runner.catch_up()  # the next catch-up drops the couple's read-model rows
        assert all(runner.states(p.name, couple_id) == {} for p in PROJECTIONS)
    finally:
        store.close()


def test_an_init_stopped_inside_its_writing_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'stopped.db'}"
    real = SqlEventStore._append_one
    calls = {"n": 0}

    def failing(self: SqlEventStore, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 4:  # the couple and two rituals are in; the third is not
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SqlEventStore, "_append_one", failing)
    with pytest.raises(KeyboardInterrupt), _engine(url) as eng:
        eng.create_couple(
            "Sam & Alex", ["sam", "alex"], "UTC", templates=[t.key for t in starter_templates()]
        )
    monkeypatch.undo()
    assert _couples(url) == []
    with _engine(url) as eng:
        assert eng.store.count() == 0


def test_a_forget_stopped_inside_its_tombstone_leaves_the_couple_whole_for_a_rerun(
    couple_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import engine.sql.event_store as sqlstore

    def stop(*args: Any, **kwargs: Any) -> int:
        raise KeyboardInterrupt

    with _engine(couple_db) as eng:
        couple = eng.couples()[0]
    monkeypatch.setattr(sqlstore, "destroy_keys", stop)
    with pytest.raises(KeyboardInterrupt), _engine(couple_db) as eng:
        eng.erase_couple(couple.id)
    monkeypatch.undo()
    assert not _erased_whole_or_not_at_all(couple_db)  # nothing happened: names still read
    with _engine(couple_db) as eng:
        assert eng.couples()[0].name == "Sam & Alex"
        eng.erase_couple(couple.id)
    assert _erased_whole_or_not_at_all(couple_db)
