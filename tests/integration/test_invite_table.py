"""The partner_invites table on every backend: kept in step with the invite events inside
their append transaction, gone with an erasure, and serving the page over a real server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.test import Client

from engine import Engine, FixedClock
from engine.api import open_sql_store
from engine.domain.sharing import token_hash
from engine.sql.event_store import SqlEventStore
from engine.sql.tables import feed_links, partner_invites
from engine.web import create_app
from tests.moments import CLI_NOW
from tests.sql_inspect import inspector

BASE = "https://rituals.example.org"


def only(eng: Engine) -> str:
    """The id of the one couple this engine holds (the library takes ids, never guesses)."""
    (couple,) = eng.couples()
    return couple.id


@pytest.fixture
def eng(sql_url: str) -> Iterator[Engine]:
    clock = FixedClock(CLI_NOW - timedelta(days=1))
    with Engine(open_sql_store(sql_url, clock=clock), clock) as engine:
        couple = engine.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        engine.add_ritual(couple, "Evening one-thing", cron="0 18 * * *")
        clock.advance(timedelta(days=1))
        yield engine


def rows(eng: Engine, table: sa.Table) -> list[sa.Row[tuple[object, ...]]]:
    store = eng.store
    assert isinstance(store, SqlEventStore)
    with inspector(store).connect() as conn:
        return list(conn.execute(sa.select(table)).all())


def test_issuing_and_revoking_keep_the_table_in_step(eng: Engine) -> None:
    issued = eng.invite_partner(only(eng), partner="alex", base_url=BASE)
    token = issued.url.rsplit("/", 1)[1]
    (row,) = rows(eng, partner_invites)
    assert row.token_hash == token_hash(token) and row.invite_id == issued.invite.id
    assert row.revoked is False
    target = eng.invite_target(token)
    assert target is not None and target.handle == "alex"
    assert eng.session_target(issued.invite.id) == target
    eng.revoke_invite(only(eng), issued.invite.id[:6])
    (row,) = rows(eng, partner_invites)
    assert row.revoked is True
    assert eng.invite_target(token) is None and eng.session_target(issued.invite.id) is None


def test_erasing_a_partner_or_the_couple_drops_their_invites(eng: Engine) -> None:
    eng.invite_partner(only(eng), partner="alex", base_url=BASE)
    sams = eng.invite_partner(only(eng), partner="sam", base_url=BASE)
    eng.erase_partner(only(eng), "sam")
    assert [r.partner_id for r in rows(eng, partner_invites)] != []
    assert eng.invite_target(sams.url.rsplit("/", 1)[1]) is None
    assert len(rows(eng, partner_invites)) == 1
    eng.erase_couple(only(eng))
    assert rows(eng, partner_invites) == []


def test_a_feed_link_keeps_its_base_url_in_its_row(eng: Engine) -> None:
    eng.share_feed(only(eng), base_url=BASE + "/", partner="alex")
    (row,) = rows(eng, feed_links)
    assert row.base_url == BASE


def test_the_page_checks_in_through_the_sql_store(eng: Engine) -> None:
    client = Client(create_app(eng))
    url = eng.invite_partner(only(eng), partner="alex", base_url=BASE).url
    assert client.get(url.removeprefix(BASE)).status_code == 303
    page = client.get("/me").get_data(as_text=True)
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    ritual = page.split('name="ritual" value="', 1)[1].split('"', 1)[0]
    at = page.split('name="at" value="', 1)[1].split('"', 1)[0]
    answer = client.post(
        "/me/do/checkin", data={"csrf": csrf, "ritual": ritual, "at": at, "closeness": "5"}
    )
    assert answer.status_code == 303
    (line,) = [s for s in eng.streaks(only(eng)) if s.ritual_id == ritual]
    assert any(p.partner == "alex" and p.figures.done == 1 for p in line.partners)
