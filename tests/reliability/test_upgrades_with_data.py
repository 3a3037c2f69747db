"""Migrations: from an empty database and from every revision with data in it, on both
backends, to a schema that matches the tables in ``engine.sql.tables`` exactly.

Data at a revision from before the prefixed tables (0009) is written as that code wrote
it: the rows of an in-memory engine copied into ``events`` and ``data_keys``, with the
revision in the shared ``alembic_version`` table. From 0009 on it is written through the
event store. A migration that changes those two tables needs a seeder of its own for the
revisions before it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from alembic import command
from engine import CheckedIn, Engine, FixedClock, MemoryEventStore
from engine.events import Metadata, NewEvent
from engine.sql.event_store import SqlEventStore
from engine.sql.migrations import current_revision, head_revision, script_location, upgrade
from engine.sql.revision import VERSION_TABLE
from engine.sql.tables import create_sa_engine

PREFIXED = "0009"
"""The first revision whose tables are named ritual_... with their own version table."""

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


def prefixed(revision: str) -> bool:
    revisions = all_revisions()
    return revisions.index(revision) >= revisions.index(PREFIXED)


def seed(sa_engine: sa.Engine, revision: str) -> dict[str, Any]:
    """A couple with a ritual, a check-in and an appreciation; returns what to read back."""
    clock = FixedClock(NOW)
    if prefixed(revision):
        with Engine(SqlEventStore(sa_engine, clock), clock) as eng:
            return write_history(eng)
    store = MemoryEventStore(clock)
    with Engine(store, clock) as eng:
        expected = write_history(eng)
    write_legacy_rows(sa_engine, store)
    return expected


def write_legacy_rows(sa_engine: sa.Engine, store: MemoryEventStore) -> None:
    """What the code before 0009 stored: rows in ``events`` and ``data_keys``, and the
    revision in ``alembic_version``."""
    old = sa.MetaData()
    events = sa.Table(
        "events",
        old,
        *(sa.Column(n, t) for n, t in [("stream_id", sa.String), ("version", sa.Integer)]),
        *(sa.Column(n, sa.String) for n in ("couple_id", "event_id", "type")),
        sa.Column("schema", sa.Integer),
        sa.Column("payload", sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")),
        sa.Column("metadata", sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")),
        sa.Column("occurred_at", sa.DateTime(timezone=True)),
        sa.Column("recorded_at", sa.DateTime(timezone=True)),
    )
    data_keys = sa.Table(
        "data_keys",
        old,
        *(sa.Column(n, sa.String) for n in ("couple_id", "owner")),
        sa.Column("material", sa.LargeBinary),
        sa.Column("created_at", sa.DateTime(timezone=True)),
    )
    rows = [
        {
            "stream_id": r.stream_id,
            "version": r.version,
            "couple_id": r.couple_id,
            "event_id": r.event_id,
            "type": r.type_name,
            "schema": r.schema,
            "payload": r.payload,
            "metadata": r.metadata,
            "occurred_at": r.occurred_at,
            "recorded_at": r.recorded_at,
        }
        for r in store.raw_rows()
    ]
    keys = store.cipher.keyring._keys  # type: ignore[attr-defined]
    with sa_engine.begin() as conn:
        conn.execute(events.insert(), rows)  # positions 1, 2, ... in log order
        conn.execute(
            data_keys.insert(),
            [
                {"couple_id": c, "owner": o, "material": m, "created_at": NOW}
                for (c, o), m in keys.items()
            ],
        )
        conn.execute(sa.text(f"ALTER TABLE {VERSION_TABLE} RENAME TO alembic_version"))
        if conn.dialect.name == "postgresql":
            conn.execute(
                sa.text(
                    "ALTER TABLE alembic_version "
                    f"RENAME CONSTRAINT {VERSION_TABLE}_pkc TO alembic_version_pkc"
                )
            )


def write_history(eng: Engine) -> dict[str, Any]:
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    ritual = eng.add_ritual(
        couple, "Evening walk", cron="0 19 * * *", duration=timedelta(minutes=20)
    )
    sam = next(p.id for p in couple.partners if p.handle == "sam")
    check_in = CheckedIn(  # appended as the store has it: read models came after 0001
        ritual_id=ritual.id,
        partner_id=sam,
        occurrence=NOW,
        done_at=NOW,
        closeness=4,
        note="the long way round",
    )
    eng.store.append(
        couple.id,
        f"ritual-{ritual.id}",
        [NewEvent(check_in, NOW)],
        expected_version=1,
        metadata=Metadata(actor=sam),
    )
    eng.appreciate(couple, by="alex", to="sam", text="Thank you for the walk.")
    return snapshot(eng)


def snapshot(eng: Engine) -> dict[str, Any]:
    return {
        "couples": eng.couples(),
        "rituals": eng.rituals(eng.couples()[0]),
        "history": [
            (h.position, h.type, h.summary) for h in eng.history(eng.couples()[0], limit=100)
        ],
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
        assert current_revision(sa_engine) == start  # read from alembic_version before 0009
        upgrade(sa_engine)
        assert current_revision(sa_engine) == head_revision()
        assert_no_drift(sa_engine)
        tables = set(sa.inspect(sa_engine).get_table_names())
        assert "alembic_version" not in tables and VERSION_TABLE in tables
        assert all(t.startswith("ritual_") for t in tables)
        if sa_engine.dialect.name == "postgresql":  # the log's position sequence too
            with sa_engine.connect() as conn:
                found = conn.scalars(sa.text("SELECT relname FROM pg_class WHERE relkind = 'S'"))
                assert all(name.startswith("ritual_") for name in found)
    finally:
        sa_engine.dispose()
    with Engine.open(db_url, clock=FixedClock(NOW)) as eng:
        assert snapshot(eng) == before
        eng.appreciate(eng.couples()[0], by="sam", to="alex", text="For the tea.")
        assert eng.store.count() == before["count"] + 1  # positions go on from the old log


def _claims(db_url: str) -> list[tuple[str, str]]:
    sa_engine = create_sa_engine(db_url)
    try:
        with sa_engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT scope, owner FROM ritual_names")).all()
        return sorted((str(scope).split(":")[0], str(owner)) for scope, owner in rows)
    finally:
        sa_engine.dispose()


@pytest.mark.parametrize("start", ["0006", PREFIXED])
def test_names_given_before_claims_existed_are_claimed_on_first_open(
    db_url: str, start: str
) -> None:
    sa_engine = create_sa_engine(db_url)
    try:
        upgrade(sa_engine, start)
        if start == PREFIXED:  # written by code of 0009's time: no claims in its store
            store = MemoryEventStore(FixedClock(NOW))
            with Engine(store, FixedClock(NOW)) as eng:
                write_history(eng)
            with sa_engine.begin() as conn:
                for r in store.raw_rows():
                    conn.execute(
                        sa.text(
                            "INSERT INTO ritual_events (stream_id, version, couple_id, event_id,"
                            " type, schema, payload, metadata, occurred_at, recorded_at) VALUES"
                            " (:s, :v, :c, :e, :t, :sc, :p, :m, :o, :r)"
                        ).bindparams(
                            sa.bindparam("p", type_=sa.JSON()), sa.bindparam("m", type_=sa.JSON())
                        ),
                        {
                            "s": r.stream_id,
                            "v": r.version,
                            "c": r.couple_id,
                            "e": r.event_id,
                            "t": r.type_name,
                            "sc": r.schema,
                            "p": r.payload,
                            "m": r.metadata,
                            "o": r.occurred_at,
                            "r": r.recorded_at,
                        },
                    )
                keys = store.cipher.keyring._keys  # type: ignore[attr-defined]
                for (c, o), m in keys.items():
                    conn.execute(
                        sa.text(
                            "INSERT INTO ritual_data_keys (couple_id, owner, material,"
                            " created_at, wrapping) VALUES (:c, :o, :m, :t, '')"
                        ),
                        {"c": c, "o": o, "m": m, "t": NOW},
                    )
        else:
            seed(sa_engine, start)
        upgrade(sa_engine)
        assert ("ritual-backfill", "") in _claims(db_url)  # marked, not yet claimed
    finally:
        sa_engine.dispose()

    with Engine.open(db_url, clock=FixedClock(NOW)) as eng:
        couple = eng.couples()[0]
        ritual = eng.rituals(couple)[0]
        assert _claims(db_url) == sorted([("couple-name", couple.id), ("title", ritual.id)])
        # A creator that read before the old couple or ritual was there (a race) is
        # refused by the claim now, as on a database made today; nothing is stored.
        before = eng.store.count()
        from engine.errors import NotAllowed
        from engine.events import CoupleCreated
        from engine.events.names import couple_name, ritual_title

        racer = CoupleCreated(couple_id="f00d", name="Sam & Alex", time_zone="Europe/Berlin")
        with pytest.raises(NotAllowed, match="already exists"):
            eng.store.append(
                "f00d",
                "couple-f00d",
                [NewEvent(racer, NOW)],
                expected_version=0,
                claims=[couple_name("f00d", "sam & alex")],
            )
        with pytest.raises(NotAllowed, match="already exists"):
            eng.store.append(
                couple.id,
                "couple-" + couple.id,
                [NewEvent(racer, NOW)],
                expected_version=None,
                claims=[ritual_title(couple.id, "beef", "Evening Walk")],
            )
        assert eng.store.count() == before
    with Engine.open(db_url, clock=FixedClock(NOW)) as eng:  # claimed once, not again
        assert len(_claims(db_url)) == 2


def test_a_database_made_today_has_nothing_to_claim(db_url: str) -> None:
    with Engine.open(db_url, clock=FixedClock(NOW)) as eng:
        write_history(eng)
    assert [scope for scope, _ in _claims(db_url)] == ["couple-name", "title"]
