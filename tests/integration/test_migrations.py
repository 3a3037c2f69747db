"""The Alembic migrations: from empty to head, no drift from engine.sql.tables, and back down.

Runs on SQLite always and on PostgreSQL when ``RITUAL_TEST_POSTGRES_URL`` is set
(the ``sql_url`` fixture in tests/conftest.py hands each test an empty database).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config

from alembic import command
from engine.sql import migrations
from engine.sql.revision import VERSION_TABLE
from engine.sql.sqlite import WRITE
from engine.sql.tables import create_sa_engine, metadata

REPO_ROOT = Path(__file__).resolve().parents[2]
ENGINE_TABLES = {
    "ritual_events",
    "ritual_data_keys",
    "ritual_feed_links",
    "ritual_read_models",
    "ritual_projection_checkpoints",
    "ritual_names",
    "ritual_partner_invites",
    "ritual_idempotency_keys",
}


@pytest.fixture
def sa_engine(sql_url: str) -> Iterator[sa.Engine]:
    """A SQLAlchemy engine on an empty database; disposed afterwards."""
    created = create_sa_engine(sql_url)
    try:
        yield created
    finally:
        created.dispose()


def table_names(sa_engine: sa.Engine) -> set[str]:
    return set(sa.inspect(sa_engine).get_table_names())


def drift(sa_engine: sa.Engine) -> list[Any]:
    """What ``alembic check`` would report: the differences autogenerate finds."""
    with sa_engine.connect() as conn:
        return list(compare_metadata(migrations.migration_context(conn), metadata))


def downgrade(sa_engine: sa.Engine, revision: str) -> None:
    """The counterpart of ``engine.sql.migrations.upgrade``, which the engine does not need."""
    config = Config()
    config.set_main_option("script_location", str(migrations.script_location()))
    with sa_engine.connect() as conn:
        config.attributes["connection"] = conn.execution_options(**{WRITE: True})
        command.downgrade(config, revision)
        conn.commit()


def test_an_empty_database_upgrades_to_head(sa_engine: sa.Engine) -> None:
    assert migrations.current_revision(sa_engine) is None
    assert not table_names(sa_engine) & ENGINE_TABLES

    migrations.upgrade(sa_engine)

    assert migrations.head_revision() is not None
    assert migrations.current_revision(sa_engine) == migrations.head_revision()
    assert table_names(sa_engine) >= ENGINE_TABLES | {"ritual_alembic_version"}


def test_ensure_current_twice_is_harmless(sa_engine: sa.Engine) -> None:
    migrations.ensure_current(sa_engine)
    with sa_engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO ritual_data_keys (couple_id, owner, material, created_at) "
                "VALUES ('c', '', :material, CURRENT_TIMESTAMP)"
            ),
            {"material": b"k" * 64},
        )

    migrations.ensure_current(sa_engine)

    assert migrations.current_revision(sa_engine) == migrations.head_revision()
    with sa_engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM ritual_data_keys")) == 1
        assert conn.scalar(sa.text("SELECT count(*) FROM ritual_alembic_version")) == 1


def test_the_migrated_schema_matches_the_table_definitions(sa_engine: sa.Engine) -> None:
    migrations.upgrade(sa_engine)

    assert drift(sa_engine) == []


def test_an_empty_database_shows_drift_so_the_check_has_teeth(sa_engine: sa.Engine) -> None:
    assert drift(sa_engine)


def test_downgrade_to_base_and_upgrade_again(sa_engine: sa.Engine) -> None:
    migrations.upgrade(sa_engine)

    downgrade(sa_engine, "base")

    assert migrations.current_revision(sa_engine) is None
    assert not table_names(sa_engine) & ENGINE_TABLES

    migrations.upgrade(sa_engine)

    assert migrations.current_revision(sa_engine) == migrations.head_revision()
    assert drift(sa_engine) == []


def alembic_cli(*args: str, db_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RITUAL_DB": db_url}
    return subprocess.run(
        [sys.executable, "-m", "alembic", "-c", "alembic.ini", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_the_alembic_command_line_upgrades_and_then_finds_no_drift(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'cli.db'}"

    upgraded = alembic_cli("upgrade", "head", db_url=db_url)
    assert upgraded.returncode == 0, upgraded.stderr
    checked = alembic_cli("check", db_url=db_url)
    assert checked.returncode == 0, checked.stderr
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr

    sa_engine = create_sa_engine(db_url)
    try:
        assert migrations.current_revision(sa_engine) == migrations.head_revision()
    finally:
        sa_engine.dispose()


def test_a_hosts_own_tables_and_alembic_version_are_left_as_they_were(
    sa_engine: sa.Engine,
) -> None:
    with sa_engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(sa.text("INSERT INTO alembic_version VALUES ('0001')"))
        conn.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, title VARCHAR(40))"))
        conn.execute(sa.text("INSERT INTO events VALUES (1, 'the host''s launch party')"))

    migrations.upgrade(sa_engine)

    assert migrations.current_revision(sa_engine) == migrations.head_revision()
    assert table_names(sa_engine) == ENGINE_TABLES | {VERSION_TABLE, "alembic_version", "events"}
    with sa_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT * FROM alembic_version")).all() == [("0001",)]
        assert conn.execute(sa.text("SELECT * FROM events")).all() == [
            (1, "the host's launch party")
        ]
    assert drift(sa_engine) == []  # the engine's check compares only its own tables


def test_every_name_the_engine_gives_starts_with_ritual(sa_engine: sa.Engine) -> None:
    migrations.upgrade(sa_engine)

    inspector = sa.inspect(sa_engine)
    names = set(inspector.get_table_names())
    for table in list(names):
        names |= {i["name"] for i in inspector.get_indexes(table)}
        names |= {u["name"] for u in inspector.get_unique_constraints(table)}
    if sa_engine.dialect.name == "postgresql":
        with sa_engine.connect() as conn:
            names |= set(conn.scalars(sa.text("SELECT relname FROM pg_class WHERE relkind = 'S'")))
    assert names and all("ritual_" in name for name in names)


def test_the_head_revision_known_without_alembic_is_alembic_s_head() -> None:
    from engine.sql.revision import HEAD_REVISION

    assert migrations.head_revision() == HEAD_REVISION, (
        "a new migration also moves engine.sql.revision.HEAD_REVISION"
    )


def test_opening_a_store_at_head_checks_the_schema_without_importing_alembic(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'rituals.db'}"
    from engine.api import upgrade_database

    upgrade_database(url)
    probe = (
        "import sys\n"
        "from engine import Engine\n"
        f"with Engine.open({url!r}) as eng:\n"
        "    eng.couples()\n"
        "print('alembic' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "False"


def test_a_store_behind_head_is_still_migrated_when_opened(
    sql_url: str, sa_engine: sa.Engine
) -> None:
    from engine.api import open_sql_store
    from engine.sql.access import SqlEngineAccess
    from engine.sql.open import is_current

    def at_head(sa_engine: sa.Engine) -> bool:
        return is_current(SqlEngineAccess(sa_engine))

    assert not at_head(sa_engine), "an empty database has no version table yet"
    migrations.upgrade(sa_engine, "0009")
    assert not at_head(sa_engine)
    open_sql_store(sql_url).close()
    assert at_head(sa_engine)
