"""A skip reason is its author's: sealed with their key, read by them only, and gone for
everyone when they are erased (``forget --partner``), on SQLite and PostgreSQL.

Skips of schema 1 sealed the reason with the couple's key; they still decode, follow the
same reading rules, and are hidden from everyone, full exports included, once their
author is erased.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cli import cli
from engine import Engine, FixedClock
from engine.events.base import COUPLE_KEY
from engine.sql.event_store import SqlEventStore
from engine.sql.tables import events
from tests.moments import cli_at
from tests.sql_inspect import inspector

if TYPE_CHECKING:
    from engine.views.couples import CoupleView

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
REASON = "Tamsin my father is in hospital again"


@pytest.fixture
def eng(db_url: str) -> Iterator[Engine]:
    with Engine.open(db_url, clock=FixedClock(START)) as opened:
        yield opened


@pytest.fixture
def couple(eng: Engine) -> CoupleView:
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
    eng.add_ritual(couple, "Walk", cron="0 7 * * *")
    return couple


def readers(eng: Engine, couple: CoupleView) -> dict[str, bool]:
    """Who finds the reason: each partner's notes, the shared view, and a full export."""
    found = {
        str(viewer): any(n.text == REASON for n in eng.notes(couple, viewer=viewer))
        for viewer in [None, *couple.handles]
    }
    found["full export"] = REASON in json.dumps(eng.export_data(couple, full=True))
    return found


def sealed_reason(eng: Engine, couple: CoupleView) -> tuple[str, str]:
    """The stored (event id, token) of the skip reason."""
    store = eng.store
    assert isinstance(store, SqlEventStore)
    with inspector(store).connect() as conn:
        row = conn.execute(
            sa.select(events.c.event_id, events.c.payload).where(
                events.c.couple_id == couple.id, events.c.type == "ritual.skipped"
            )
        ).one()
    return row.event_id, row.payload["reason"]


def test_a_skip_reason_is_sealed_with_its_authors_key_and_erased_with_them(
    eng: Engine, couple: CoupleView
) -> None:
    eng.skip(couple, "Walk", by="alex", reason=REASON)
    sam = next(p.id for p in couple.partners if p.handle == "sam")
    alex = next(p.id for p in couple.partners if p.handle == "alex")

    assert readers(eng, couple) == {"None": False, "sam": False, "alex": True, "full export": True}
    event_id, token = sealed_reason(eng, couple)
    context = ("ritual.skipped", event_id, "reason")
    assert eng.store.cipher.open(couple.id, COUPLE_KEY, context, token) is None
    assert eng.store.cipher.open(couple.id, alex, context, token) == json.dumps(REASON).encode()

    eng.erase_partner(couple, "alex")

    assert readers(eng, eng.couple(couple.id)) == {
        "None": False,
        "sam": False,
        "full export": False,
    }
    for owner in (COUPLE_KEY, sam, alex):  # no key left in the database opens it
        assert eng.store.cipher.open(couple.id, owner, context, token) is None


def test_an_old_reason_sealed_with_the_couple_key_decodes_and_goes_with_its_author(
    eng: Engine, couple: CoupleView
) -> None:
    alex = next(p.id for p in couple.partners if p.handle == "alex")
    ritual_id = eng.rituals(couple)[0].id
    event_id = str(uuid.uuid4())
    token = eng.store.cipher.seal(  # what schema 1 stored: the couple's key, no reason_key
        couple.id, COUPLE_KEY, ("ritual.skipped", event_id, "reason"), json.dumps(REASON).encode()
    )
    occurrence = START + timedelta(hours=1)
    store = eng.store
    assert isinstance(store, SqlEventStore)
    with inspector(store).begin() as conn:
        conn.execute(
            events.insert().values(
                stream_id=f"ritual-{ritual_id}",
                version=2,
                couple_id=couple.id,
                event_id=event_id,
                type="ritual.skipped",
                schema=1,
                payload={
                    "ritual_id": ritual_id,
                    "occurrence": occurrence.isoformat(),
                    "partner_id": alex,
                    "reason": token,
                },
                metadata={"actor": alex, "via": "cli", "correlation_id": None},
                occurred_at=occurrence,
                recorded_at=occurrence,
            )
        )

    assert readers(eng, couple) == {"None": False, "sam": False, "alex": True, "full export": True}
    assert [h.type for h in eng.history(couple, limit=1)] == ["ritual.skipped"]

    eng.erase_partner(couple, "alex")

    assert readers(eng, eng.couple(couple.id)) == {
        "None": False,
        "sam": False,
        "full export": False,
    }


def test_skip_help_tells_the_truth_and_a_reason_needs_a_partner(db_url: str) -> None:
    def ritual(*args: str) -> tuple[int, str, str]:
        done = CliRunner().invoke(
            cli, ["--db", db_url, *args], catch_exceptions=False, obj=cli_at()
        )
        return done.exit_code, done.stdout, done.stderr

    code, help_text, _ = ritual("skip", "--help")
    assert code == 0 and "only that partner can read it" in " ".join(help_text.split())
    assert "kept private" not in help_text
    ritual("init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex", "--tz", "UTC")
    ritual("add", "Walk", "--cron", "0 7 * * *")
    code, _, err = ritual("skip", "Walk", "--reason", REASON)
    assert code == 2 and "--by" in err and err.count("\n") == 1 and REASON not in err
