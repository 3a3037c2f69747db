"""Erasure and export/import on every SQL backend: SQLite always, PostgreSQL when
RITUAL_TEST_POSTGRES_URL is set (RITUAL_REQUIRE_POSTGRES=1 makes its absence a failure)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine import Engine, FixedClock, NotAllowed
from engine.events import PartnerErased

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def only(eng: Engine) -> str:
    """The id of the one couple this engine holds (the library takes ids, never guesses)."""
    (couple,) = eng.couples()
    return couple.id


def named(eng: Engine, name: str) -> str:
    """The id of the listed couple of that name (the library takes ids, not names)."""
    return next(c.id for c in eng.couples() if c.name == name)


def postgres_url() -> str:
    url = os.environ.get("RITUAL_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("RITUAL_REQUIRE_POSTGRES"):
            pytest.fail("RITUAL_REQUIRE_POSTGRES is set but RITUAL_TEST_POSTGRES_URL is not")
        pytest.skip("set RITUAL_TEST_POSTGRES_URL to run against PostgreSQL")
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # a clean slate: couple names are unique per database
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'a.db'}" if request.param == "sqlite" else postgres_url()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def eng(url: str, clock: FixedClock) -> Iterator[Engine]:
    with Engine.open(url, clock=clock) as eng:
        eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        eng.add_ritual(only(eng), "Morning check", cron="30 7 * * *")
        eng.check_in(only(eng), "Morning check", by="alex", note="alex's morning")
        eng.appreciate(only(eng), by="sam", to="alex", text="sam's quiet thanks", private=True)
        eng.seal_capsule(only(eng), by="sam", message="for February", opens_on=date(2027, 2, 1))
        other = eng.create_couple("Kim & Lou", ["kim", "lou"], "Europe/Berlin")
        eng.add_ritual(other, "Morning check", cron="30 7 * * *")
        eng.check_in(other, "Morning check", by="kim", note="kim's morning")
        yield eng


def test_the_store_never_makes_a_key_again_for_what_was_erased(eng: Engine) -> None:
    done = eng.erase_partner(named(eng, "Sam & Alex"), "alex")
    keyring = eng.store.cipher.keyring
    (left,) = [
        r.event for r in eng.store.read_couple(done.couple_id) if isinstance(r.event, PartnerErased)
    ]

    with pytest.raises(NotAllowed):
        keyring.get_or_create(done.couple_id, left.partner_id)
    assert keyring.get_or_create(done.couple_id, "")  # the couple itself lives on
    eng.erase_couple(done.couple_id)
    with pytest.raises(NotAllowed):
        keyring.get_or_create(done.couple_id, "")


def test_the_other_couple_in_the_same_database_keeps_working(eng: Engine) -> None:
    eng.erase_couple(named(eng, "Sam & Alex"))

    eng.check_in(named(eng, "Kim & Lou"), "Morning check", by="lou", note="a new day")

    assert [n.text for n in eng.notes(named(eng, "Kim & Lou"), viewer="kim")] == ["kim's morning"]
    assert [n.text for n in eng.notes(named(eng, "Kim & Lou"), viewer="lou")] == ["a new day"]
    assert [c.name for c in eng.couples()] == ["Kim & Lou"]


def test_a_full_export_moves_a_couple_to_another_database(
    eng: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    doc = json.loads(json.dumps(eng.export_data(named(eng, "Sam & Alex"), full=True)))
    clock.advance(timedelta(days=80))

    with Engine.open(f"sqlite:///{tmp_path / 'b.db'}", clock=clock) as copy:
        copy.import_data(doc)
        for viewer in (None, "sam", "alex"):
            assert copy.journal(only(copy), viewer=viewer) == eng.journal(
                named(eng, "Sam & Alex"), viewer=viewer
            )
            assert copy.notes(only(copy), viewer=viewer) == eng.notes(
                named(eng, "Sam & Alex"), viewer=viewer
            )
            assert copy.capsules(only(copy), viewer=viewer) == eng.capsules(
                named(eng, "Sam & Alex"), viewer=viewer
            )
        assert [c.message for c in copy.capsules(only(copy))] == ["for February"]
        assert copy.rituals(only(copy)) == eng.rituals(named(eng, "Sam & Alex"))
