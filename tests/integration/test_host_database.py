"""The engine as a guest in a host application's database, on the host's own engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from engine import Engine, FixedClock
from engine.sql.event_store import SqlEventStore
from engine.sql.migrations import upgrade
from engine.sql.tables import create_sa_engine
from tests.moments import CLI_NOW

CLOCK = FixedClock(CLI_NOW)


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".ics")


@pytest.fixture
def host(sql_url: str) -> Iterator[sa.Engine]:
    """A host's SQLAlchemy engine whose database already holds the host's own tables."""
    created = sa.create_engine(sql_url)
    with created.begin() as conn:
        conn.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, title VARCHAR(40))"))
        conn.execute(sa.text("INSERT INTO events VALUES (7, 'bake sale')"))
    try:
        yield created
    finally:
        created.dispose()


def test_an_engine_on_a_hosts_sqlalchemy_engine_works_beside_the_hosts_tables(
    host: sa.Engine,
) -> None:
    with Engine.from_sqlalchemy(host, clock=CLOCK) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        eng.add_ritual(couple, "Evening walk", cron="0 19 * * *")
        eng.check_in(couple, "Evening walk", by="sam")

    with host.connect() as conn:  # the host's engine still works and its rows are intact
        assert conn.execute(sa.text("SELECT id, title FROM events")).all() == [(7, "bake sale")]
        assert conn.scalar(sa.text("SELECT count(*) FROM ritual_events")) == 5


def test_share_links_work_through_from_sqlalchemy(host: sa.Engine) -> None:
    with Engine.from_sqlalchemy(host, clock=CLOCK) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        eng.add_ritual(couple, "Evening walk", cron="0 19 * * *")
        issued = eng.share_feed(couple, base_url="https://rituals.example")

        assert eng.feed_target(token_of(issued.url)) is not None


def test_share_links_work_through_the_plain_store_constructor(sql_url: str) -> None:
    sa_engine = create_sa_engine(sql_url)
    upgrade(sa_engine)
    with Engine(SqlEventStore(sa_engine, CLOCK), CLOCK) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        eng.add_ritual(couple, "Evening walk", cron="0 19 * * *")
        issued = eng.share_feed(couple, base_url="https://rituals.example")

        assert eng.feed_target(token_of(issued.url)) is not None
