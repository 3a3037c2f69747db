"""Erasure proven on the bytes of a SQLite database: no text, no key left behind."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from engine import Engine, FixedClock
from engine.events.sealing import TOKEN_PREFIX, unwrap_key
from engine.sql.event_store import SqlEventStore
from engine.sql.tables import data_keys, events
from tests.sql_inspect import inspector

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

TEXTS = {
    "note": "Zephyrine slow coffee on the balcony",
    "shared_note": "Quillon we laughed at the burnt toast",
    "appreciation": "Marisol you carried the week for both of us",
    "capsule": "Octavian I hope we still dance in the kitchen",
    "rule": "Belvedere nobody leaves the room without saying when they come back",
    "repair": "Tamsin I am sorry I went quiet",
    "display_name": "Wenceslas",
    "couple_name": "Ysolde and Wenceslas",
}
KEEP = "Hortensia the other couple's note"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "rituals.db"


@pytest.fixture
def eng(db: Path) -> Iterator[Engine]:
    with Engine.open(f"sqlite:///{db}", clock=FixedClock(START)) as eng:
        yield eng


def write_everything(eng: Engine) -> str:
    couple = eng.create_couple(
        TEXTS["couple_name"],
        ["ysolde", "wen"],
        "Europe/Berlin",
        display_names={"wen": TEXTS["display_name"]},
    )
    c = couple.id
    eng.add_ritual(c, "Morning check", cron="30 7 * * *", duration=timedelta(minutes=2))
    eng.check_in(c, "Morning check", by="ysolde", note=TEXTS["note"])
    eng.check_in(c, "Morning check", by="wen", note=TEXTS["shared_note"], note_shared=True)
    eng.appreciate(c, by="wen", to="ysolde", text=TEXTS["appreciation"], private=True)
    eng.seal_capsule(c, by="ysolde", message=TEXTS["capsule"], opens_on=date(2027, 2, 1))
    eng.agree_ground_rules(c, [TEXTS["rule"]])
    eng.repair(c, by="wen", kind="apology", note=TEXTS["repair"])
    other = eng.create_couple("Kim & Lou", ["kim", "lou"], "Europe/Berlin")
    eng.add_ritual(other, "Morning check", cron="30 7 * * *")
    eng.check_in(other, "Morning check", by="kim", note=KEEP)
    return c


def files_of(db: Path) -> list[bytes]:
    return [p.read_bytes() for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]


def forms(text: str) -> list[bytes]:
    return [text.encode(), text.encode("utf-16-le"), text.encode("utf-16-be")]


def key_forms(key: bytes) -> list[bytes]:
    return [key, key.hex().encode(), base64.b64encode(key), base64.urlsafe_b64encode(key)]


def sql(eng: Engine) -> sa.Engine:
    store = eng.store
    assert isinstance(store, SqlEventStore)
    return inspector(store)


def keys_of(eng: Engine, couple_id: str) -> list[bytes]:
    with sql(eng).connect() as conn:
        query = sa.select(data_keys.c.material).where(data_keys.c.couple_id == couple_id)
        return list(conn.scalars(query))


def found_in(db: Path, needles: list[bytes]) -> list[bytes]:
    return [n for n in needles for blob in files_of(db) if n in blob]


def test_erasing_a_couple_leaves_neither_text_nor_key_in_the_database_files(
    eng: Engine, db: Path
) -> None:
    couple_id = write_everything(eng)
    keys = keys_of(eng, couple_id)
    assert len(keys) == 3
    assert found_in(db, [k for key in keys for k in key_forms(key)[:1]])  # the search works
    assert not found_in(db, [f for t in TEXTS.values() for f in forms(t)])  # sealed from the start

    done = eng.erase_couple(couple_id)

    assert done.storage_scrubbed
    assert keys_of(eng, couple_id) == []
    assert not found_in(db, [f for key in keys for f in key_forms(key)])
    assert not found_in(db, [f for t in TEXTS.values() for f in forms(t)])
    assert Path(f"{db}-wal").stat().st_size == 0
    eng.close()
    assert not found_in(db, [f for key in keys for f in key_forms(key)])


def test_no_key_left_in_the_database_opens_an_erased_couple_s_texts(eng: Engine) -> None:
    couple_id = write_everything(eng)
    eng.erase_couple(couple_id)

    with sql(eng).connect() as conn:
        rows = conn.execute(sa.select(events).where(events.c.couple_id == couple_id)).all()
        remaining = conn.execute(sa.select(data_keys)).all()
    tokens = [
        (row, name, value)
        for row in rows
        for name, value in row.payload.items()
        if isinstance(value, str) and value.startswith(TOKEN_PREFIX)
    ]
    assert tokens and remaining
    store = eng.store
    assert isinstance(store, SqlEventStore)
    master = store.keyring.unlock()  # the stored keys are wrapped: open them as the engine does
    opened = [(k.owner, unwrap_key(master, k.couple_id, k.owner, k.material)) for k in remaining]
    for row, name, token in tokens:
        sealed = base64.urlsafe_b64decode(token[len(TOKEN_PREFIX) :])
        for key_owner, key in opened:
            assert key is not None
            for owner in {key_owner, ""}:
                aad = [couple_id.encode(), owner.encode(), row.type.encode()]
                with pytest.raises(InvalidTag):
                    AESSIV(key).decrypt(sealed, [*aad, row.event_id.encode(), name.encode()])


def test_erasing_a_partner_destroys_their_key_and_only_theirs(eng: Engine, db: Path) -> None:
    couple_id = write_everything(eng)
    before = keys_of(eng, couple_id)

    eng.erase_partner(couple_id, "wen")

    after = keys_of(eng, couple_id)
    assert len(after) == len(before) - 1
    gone = next(k for k in before if k not in after)
    assert not found_in(db, key_forms(gone))
    assert next(n.text for n in eng.notes(couple_id, viewer="ysolde")) == TEXTS["note"]
    assert [p.display_name for p in eng.couple(couple_id).partners] == ["Ysolde"]
