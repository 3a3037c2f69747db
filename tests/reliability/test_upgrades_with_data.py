"""Migrations: from an empty database and from every revision with data in it, on both
backends, to a schema that matches the tables in ``engine.db`` exactly.

Data at an older revision is written through the event store, which needs only the
``events`` and ``data_keys`` tables of revision 0001. A migration that changes those two
tables needs a seeder of its own for the revisions before it: before 0004, data keys
were stored raw, so the seeder writes them as that engine did (:class:`RawKeyring`), and
the upgraded database must wrap them with the master key on first open, reading every
text back and keeping no raw key.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from alembic import command
from engine import CheckedIn, Engine, FixedClock
from engine.crypto import WRAPPING, KeyringCipher, new_key
from engine.db import create_sa_engine, data_keys
from engine.events.sqlstore import SqlEventStore
from engine.migrations import current_revision, head_revision, script_location, upgrade

NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)


def alembic_config(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    config.attributes["connection"] = connection
    return config


def all_revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory(str(script_location()))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def assert_no_drift(sa_engine: sa.Engine) -> None:
    """`alembic check`: autogenerate finds nothing to add, drop or alter."""
    with sa_engine.connect() as conn:
        command.check(alembic_config(conn))


WRAPPED_FROM = "0004"  # the first revision whose data keys are wrapped by the master key


class RawKeyring:
    """Data keys as the engine stored them before revision 0004: raw, in ``material``."""

    def __init__(self, sa_engine: sa.Engine) -> None:
        self._engine = sa_engine

    def get(self, couple_id: str, owner: str) -> bytes | None:
        with self._engine.connect() as conn:
            return conn.execute(
                sa.text("SELECT material FROM data_keys WHERE couple_id = :c AND owner = :o"),
                {"c": couple_id, "o": owner},
            ).scalar()

    def get_or_create(self, couple_id: str, owner: str) -> bytes:
        found = self.get(couple_id, owner)
        if found is not None:
            return found
        key = new_key()
        with self._engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO data_keys (couple_id, owner, material, created_at) "
                    "VALUES (:c, :o, :m, :t)"
                ),
                {"c": couple_id, "o": owner, "m": key, "t": NOW},
            )
        return key

    def destroy(self, couple_id: str, owner: str | None = None) -> int:
        raise AssertionError("the seeder never erases")


def raw_keys(sa_engine: sa.Engine) -> list[bytes]:
    with sa_engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT material FROM data_keys")).scalars())


def seed(sa_engine: sa.Engine, revision: str) -> dict[str, Any]:
    """A couple with a ritual, a check-in and an appreciation; returns what to read back."""
    clock = FixedClock(NOW)
    store = SqlEventStore(sa_engine, clock)
    if revision < WRAPPED_FROM:
        store.cipher = KeyringCipher(RawKeyring(sa_engine))
    with Engine(store, clock) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        ritual = eng.add_ritual(
            couple, "Evening walk", cron="0 19 * * *", duration=timedelta(minutes=20)
        )
        sam = eng.load_couple(couple).partner("sam").partner_id
        check_in = CheckedIn(  # appended as the store has it: read models came after 0001
            ritual_id=ritual.id,
            partner_id=sam,
            occurrence=NOW,
            done_at=NOW,
            closeness=4,
            note="the long way round",
        )
        eng.append(couple.id, f"ritual-{ritual.id}", [check_in], expected_version=1, actor=sam)
        eng.appreciate(couple, by="alex", to="sam", text="Thank you for the walk.")
        return snapshot(eng)


def snapshot(eng: Engine) -> dict[str, Any]:
    return {
        "couples": eng.couples(),
        "rituals": eng.rituals(),
        "history": [(h.position, h.type, h.summary) for h in eng.history(None, limit=100)],
        "count": eng.store.count(),
    }


def test_an_empty_database_upgrades_to_head_and_matches_the_models(db_url: str) -> None:
    sa_engine = create_sa_engine(db_url)
    try:
        assert current_revision(sa_engine) is None
        upgrade(sa_engine)
        assert current_revision(sa_engine) == head_revision()
        upgrade(sa_engine)  # a second upgrade is a no-op
        assert current_revision(sa_engine) == head_revision()
        assert_no_drift(sa_engine)
    finally:
        sa_engine.dispose()


@pytest.mark.parametrize("start", all_revisions())
def test_a_database_with_data_at_any_revision_upgrades_and_keeps_it(
    db_url: str, start: str
) -> None:
    sa_engine = create_sa_engine(db_url)
    try:
        upgrade(sa_engine, start)
        assert current_revision(sa_engine) == start
        before = seed(sa_engine, start)
        stored = raw_keys(sa_engine)
        upgrade(sa_engine)
        assert current_revision(sa_engine) == head_revision()
        assert_no_drift(sa_engine)
    finally:
        sa_engine.dispose()
    with Engine.open(db_url, clock=FixedClock(NOW)) as eng:
        assert snapshot(eng) == before
        with eng.store.db.sa_engine.connect() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(sa.select(data_keys.c.material, data_keys.c.wrapping)).all()
    assert len(rows) == len(stored) >= 3
    assert {r.wrapping for r in rows} == {WRAPPING}
    if start < WRAPPED_FROM:  # every raw key was wrapped in place
        assert not set(stored) & {r.material for r in rows}
