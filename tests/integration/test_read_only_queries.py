"""Queries never write: a database session that may only read serves every query, with the
same answers as a writer's, even for events the read models have not folded yet.

PostgreSQL only: the reader connects as a role of its own that was granted SELECT on the
engine's tables and nothing else (no INSERT, UPDATE, DELETE, no DDL), so any write a read
path attempted would fail; the role is dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from engine import CheckedIn, Engine, FixedClock, StoreUnavailable
from engine.events import NewEvent
from tests.moments import cli_clock


@pytest.fixture
def schema_url() -> Iterator[str]:
    base = os.environ.get("RITUAL_TEST_POSTGRES_URL", "").strip()
    if not base:
        pytest.skip("needs a PostgreSQL URL in RITUAL_TEST_POSTGRES_URL for a read-only session")
    schema = f"readonly_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@contextmanager
def select_only_role(url: str) -> Iterator[str]:
    """A login role that may only SELECT from the tables of ``url``'s schema; yields the
    URL that connects as it, and drops the role afterwards."""
    parsed = sa.make_url(url)
    options = parsed.query["options"]
    assert isinstance(options, str)
    schema = options.removeprefix("-csearch_path=")
    role, password = f"ritual_reader_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}")
    try:
        yield parsed.set(username=role, password=password).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}")
            conn.exec_driver_sql(f"REVOKE USAGE ON SCHEMA {schema} FROM {role}")
            conn.exec_driver_sql(f"DROP ROLE {role}")
        admin.dispose()


def table_privileges(url: str, role_url: str) -> set[str]:
    """Every privilege the reader's role holds on any table."""
    role = sa.make_url(role_url).username
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT DISTINCT privilege_type FROM information_schema.role_table_grants"
                    " WHERE grantee = :role"
                ),
                {"role": role},
            )
            return {row[0] for row in rows}
    finally:
        admin.dispose()


def queries(couple: str, link_token: str) -> dict[str, Callable[[Engine], Any]]:
    return {
        "couples": lambda e: e.couples(),
        "couple": lambda e: e.couple(couple),
        "rituals": lambda e: e.rituals(couple, include_retired=True),
        "ritual": lambda e: e.ritual(couple, "Morning check"),
        "status": lambda e: e.status(couple),
        "status as of": lambda e: e.status(couple, as_of=cli_clock().now - timedelta(days=1)),
        "streaks": lambda e: e.streaks(couple),
        "ritual streak": lambda e: e.ritual_streak(couple, "Morning check"),
        "journal": lambda e: e.journal(couple, viewer="sam"),
        "notes": lambda e: e.notes(couple, viewer="sam"),
        "capsules": lambda e: e.capsules(couple),
        "history": lambda e: e.history(couple, limit=50),
        "insights": lambda e: e.insights(couple),
        "drift": lambda e: e.drift_signals(couple),
        "plan": lambda e: e.plan_status(couple),
        "milestones": lambda e: e.plan_milestones(couple),
        "upcoming": lambda e: e.upcoming(couple, days=14),
        "feed": lambda e: e.calendar_feed(couple),
        "feed version": lambda e: e.feed_version(couple),
        "feed target": lambda e: e.feed_target(link_token),
        "ground rules": lambda e: e.ground_rules(couple),
        "export": lambda e: e.export_data(couple, viewer="alex"),
        "keepsake": lambda e: e.export_markdown(couple),
        "erased": lambda e: e.erased_couples(),
        "log position": lambda e: e.log_position(),
    }


def test_a_read_only_session_serves_every_query_with_the_writer_s_answers(
    schema_url: str,
) -> None:
    clock: FixedClock = cli_clock()
    with Engine.open(schema_url, clock=clock) as writer:
        couple = writer.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin").id
        writer.add_ritual(couple, "Morning check", cron="30 7 * * *")
        writer.start_plan(couple, on=date(2026, 11, 23))
        writer.appreciate(couple, by="sam", to="alex", text="thank you for the walk")
        writer.agree_ground_rules(couple, ["we pause when it gets loud"])
        issued = writer.share_feed(couple, base_url="https://example.org")
        token = issued.url.rsplit("/", 1)[-1].removesuffix(".ics")
        writer.catch_up()
        writer.check_in(couple, "Morning check", by="sam", note="slow coffee")  # not folded
        clock.advance(timedelta(days=7))  # a plan week begins: nobody has recorded it yet
        expected = {name: query(writer) for name, query in queries(couple, token).items()}
        before = writer.log_position()

    with (
        select_only_role(schema_url) as reader_url,
        Engine.open(reader_url, clock=clock, migrate=False) as reader,
    ):
        assert table_privileges(schema_url, reader_url) == {"SELECT"}
        with pytest.raises(StoreUnavailable):
            reader.appreciate(couple, by="alex", to="sam", text="a write is refused")
        for name, query in queries(couple, token).items():
            assert query(reader) == expected[name], name
        assert reader.log_position() == before

        with Engine.open(schema_url, clock=clock) as writer:
            alex = next(p.id for p in writer.couple(couple).partners if p.handle == "alex")
            ritual = writer.ritual(couple, "Morning check").id
            today = datetime(2026, 12, 2, 6, 30, tzinfo=UTC)  # 07:30 in Berlin
            done = CheckedIn(ritual_id=ritual, partner_id=alex, occurrence=today, done_at=today)
            # appended straight to the store, so that no read model has folded it
            writer.store.append(
                couple, f"ritual-{ritual}", [NewEvent(done, today)], expected_version=None
            )
            behind = reader.streaks(couple)
            assert behind != expected["streaks"]
            assert behind == writer.streaks(couple)  # the writer catches up first
