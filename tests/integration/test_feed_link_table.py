"""The feed_links table on SQLite: kept in step with the sharing events inside their
append transaction, and described by the migrations exactly as engine.sql.tables declares it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata

from engine import Engine, FixedClock
from engine.api import open_sql_store
from engine.domain.sharing import token_hash
from engine.sql.event_store import SqlEventStore
from engine.sql.migrations import migration_context
from engine.sql.statements import Conn, Sql
from engine.sql.tables import feed_links, metadata
from tests.sql_inspect import inspector

if TYPE_CHECKING:
    from engine.events import RecordedEvent

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def only(eng: Engine) -> str:
    """The id of the one couple this engine holds (the library takes ids, never guesses)."""
    (couple,) = eng.couples()
    return couple.id


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'links.db'}"


@pytest.fixture
def eng(url: str) -> Iterator[Engine]:
    clock = FixedClock(NOW)
    with Engine(open_sql_store(url, clock=clock), clock) as engine:
        engine.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        yield engine


def rows(eng: Engine) -> list[sa.Row[tuple[object, ...]]]:
    store = eng.store
    assert isinstance(store, SqlEventStore)
    with inspector(store).connect() as conn:
        return list(conn.execute(sa.select(feed_links)).all())


def rows_in(conn: Conn) -> list[object]:
    """The link rows as the append's own transaction sees them (either driver)."""
    return conn.rows(Sql("SELECT token_hash FROM ritual_feed_links", columns=("token_hash",)))


def test_the_migrations_match_the_declared_tables(url: str) -> None:
    store = open_sql_store(url)
    assert isinstance(store, SqlEventStore)
    try:
        with inspector(store).connect() as conn:
            assert compare_metadata(migration_context(conn), metadata) == []
    finally:
        store.close()


def test_issuing_and_revoking_keep_the_table_in_step(eng: Engine) -> None:
    issued = eng.share_feed(only(eng), base_url="https://cal.example.org", partner="sam")
    token = issued.url.rsplit("/", 1)[1].removesuffix(".ics")
    (row,) = rows(eng)
    assert row.token_hash == token_hash(token) and row.link_id == issued.link.id
    assert row.revoked is False and row.partner_id is not None
    target = eng.feed_target(token)
    assert target is not None
    eng.record_feed_fetch(target.couple_id, target.link_id, NOW)
    assert eng.feed_links(only(eng))[0].last_fetched_at == NOW
    eng.revoke_feed_link(only(eng), issued.link.id)
    (row,) = rows(eng)
    assert row.revoked is True
    assert eng.feed_target(token) is None


def test_a_failing_hook_takes_the_event_and_the_row_back_with_it(url: str) -> None:
    def refuse(conn: Conn, recorded: Sequence[RecordedEvent]) -> None:
        assert rows_in(conn)  # the store's own link hook has written the row
        raise RuntimeError("refused after the row was written")

    clock = FixedClock(NOW)
    with Engine(open_sql_store(url, clock=clock), clock) as eng:
        eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        events_before = eng.store.count()
    store = open_sql_store(url, clock=clock)
    assert isinstance(store, SqlEventStore)
    failing = SqlEventStore(store.db, clock, hooks=[refuse])
    with Engine(failing, clock) as eng:
        with pytest.raises(RuntimeError, match="refused"):
            eng.share_feed(only(eng), base_url="https://cal.example.org")
        assert eng.store.count() == events_before
        assert rows(eng) == []
