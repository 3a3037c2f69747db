"""Read models in SQLite: the migration matches the tables, and a model folded by one
process is picked up by the next without folding the log again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata

from engine import Engine, FixedClock
from engine.api import open_sql_store
from engine.sql.migrations import migration_context
from engine.sql.tables import metadata


def only(eng: Engine) -> str:
    """The id of the one couple this engine holds (the library takes ids, never guesses)."""
    (couple,) = eng.couples()
    return couple.id


def test_the_migrations_create_exactly_the_read_model_tables_the_code_declares(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'rituals.db'}"
    open_sql_store(url).close()
    sa_engine = sa.create_engine(url)
    with sa_engine.connect() as conn:
        assert {"ritual_read_models", "ritual_projection_checkpoints"} <= set(
            sa.inspect(conn).get_table_names()
        )
        assert compare_metadata(migration_context(conn), metadata) == []
    sa_engine.dispose()


def test_a_new_engine_continues_from_the_stored_checkpoint(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rituals.db'}"
    clock = FixedClock(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))  # Monday 07:00 in Berlin
    with Engine.open(url, clock=clock) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        eng.add_ritual(couple, "Morning check", cron="30 7 * * *")
        for _ in range(3):
            clock.advance(timedelta(minutes=35))
            assert eng.check_in(couple, "Morning check", by="sam").streak >= 1
            clock.advance(timedelta(days=1, minutes=-35))
        folded = eng.read_models()[0].position

    with Engine.open(url, clock=clock) as eng:
        assert eng.catch_up() == 0
        assert eng.read_models()[0].position == folded
        (view,) = eng.streaks(only(eng))
        assert view.partners[0].figures.current == 3
        assert view.couple.current == 0  # alex never checked in
