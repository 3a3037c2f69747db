"""Keys at rest: a copied database file alone opens nothing; the master key lives outside.

The attacker's script uses no engine code: it reads the SQLite file with ``sqlite3`` and
tries every stored key on every sealed field, exactly as the engine seals them. On a
database whose keys were stored raw (as before wrapping) it reads the note back, which
proves the script would work; on a real database it opens nothing. With the master key,
the engine reads everything. A missing or wrong master key is one line and exit 1, and
never a fresh key that would orphan the data.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import cli
from engine import Engine
from engine.events.sealing import unwrap_key
from engine.sql.master_key import ENV_MASTER_KEY, ENV_MASTER_KEY_FILE, new_master_key
from tests.moments import cli_at, cli_clock

NOTE = "Zephyrine slow coffee on the balcony"

ATTACK = r"""
import base64, json, sqlite3, sys
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

db = sqlite3.connect(sys.argv[1])
keys = db.execute("SELECT couple_id, owner, material FROM ritual_data_keys").fetchall()
opened = []
for couple_id, etype, event_id, payload in db.execute(
    "SELECT couple_id, type, event_id, payload FROM ritual_events"
):
    for field, value in json.loads(payload).items():
        if not (isinstance(value, str) and value.startswith("s1:")):
            continue
        sealed = base64.urlsafe_b64decode(value[3:])
        for key_couple, owner, material in keys:
            aad = [couple_id, owner, etype, event_id, field]
            try:
                opened.append(AESSIV(material).decrypt(sealed, [a.encode() for a in aad]).decode())
            except Exception:
                pass
print(json.dumps({"keys": len(keys), "opened": opened}))
"""


def attack(db: Path) -> dict[str, object]:
    """Run the script in a bare interpreter, in a folder without the engine."""
    out = subprocess.run(
        [sys.executable, "-I", "-c", ATTACK, str(db)],
        capture_output=True,
        text=True,
        check=True,
        cwd=db.parent,
        timeout=60,
    )
    found: dict[str, object] = json.loads(out.stdout)
    return found


@pytest.fixture
def master(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> bytes:
    """A master key of this test's own, from the environment, as a server has it."""
    key = new_master_key()
    monkeypatch.setenv(ENV_MASTER_KEY, base64.b64encode(key).decode())
    monkeypatch.setenv(ENV_MASTER_KEY_FILE, str(tmp_path / "config" / "master.key"))
    return key


def write_note(db: Path) -> None:
    with Engine.open(f"sqlite:///{db}", clock=cli_clock()) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        eng.add_ritual(couple, "Morning check", cron="30 7 * * *")
        eng.check_in(couple, "Morning check", by="sam", note=NOTE)
        eng.store.scrub()  # type: ignore[attr-defined]


def test_a_copied_database_file_alone_opens_no_text(master: bytes, tmp_path: Path) -> None:
    db = tmp_path / "data" / "rituals.db"
    write_note(db)
    stolen = tmp_path / "stolen"
    stolen.mkdir()
    shutil.copy(db, stolen / "rituals.db")

    found = attack(stolen / "rituals.db")

    # the couple's key, one per partner, and the secret that hashes names
    assert found["keys"] == 4 and found["opened"] == []
    assert NOTE.encode() not in (stolen / "rituals.db").read_bytes()

    raw = tmp_path / "raw"  # the same file with its keys unwrapped, as before wrapping
    raw.mkdir()
    shutil.copy(db, raw / "rituals.db")
    with sqlite3.connect(raw / "rituals.db") as conn:
        for couple_id, owner, material in conn.execute(
            "SELECT couple_id, owner, material FROM ritual_data_keys"
        ).fetchall():
            conn.execute(
                "UPDATE ritual_data_keys SET material = ? WHERE couple_id = ? AND owner = ?",
                (unwrap_key(master, couple_id, owner, material), couple_id, owner),
            )
    assert json.dumps(NOTE) in attack(raw / "rituals.db")["opened"]  # type: ignore[operator]

    with Engine.open(f"sqlite:///{stolen / 'rituals.db'}", clock=cli_clock()) as eng:
        assert NOTE in [n.text for n in eng.notes(eng.couples()[0], viewer="sam")]


def ritual(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, obj=cli_at())


def key_rows(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT couple_id, owner, material FROM ritual_data_keys").fetchall()


def test_a_missing_or_wrong_master_key_is_one_line_and_never_a_new_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "config" / "master.key"
    monkeypatch.delenv(ENV_MASTER_KEY, raising=False)
    monkeypatch.setenv(ENV_MASTER_KEY_FILE, str(key_file))
    db = tmp_path / "rituals.db"
    url = f"sqlite:///{db}"
    init = ritual("--db", url, "init", "--name", "Sam & Alex", "--partner", "sam", "--tz", "UTC")
    assert init.exit_code == 0, init.output
    assert ritual("--db", url, "checkin", "--help").exit_code == 0
    assert ritual("--db", url, "add", "Walk", "--cron", "0 7 * * *").exit_code == 0
    keys = key_rows(db)

    elsewhere = tmp_path / "other" / "master.key"
    monkeypatch.setenv(ENV_MASTER_KEY_FILE, str(elsewhere))
    missing = ritual("--db", url, "list")
    assert missing.exit_code == 1
    assert "master key" in missing.stderr and missing.stderr.count("\n") == 1
    assert not elsewhere.exists() and not elsewhere.parent.exists()

    monkeypatch.setenv(ENV_MASTER_KEY, base64.b64encode(new_master_key()).decode())
    wrong = ritual("--db", url, "list")
    assert wrong.exit_code == 1
    assert "does not open this database's keys" in wrong.stderr
    assert wrong.stderr.count("\n") == 1

    monkeypatch.setenv(ENV_MASTER_KEY, "not a key")
    malformed = ritual("--db", url, "list")
    assert malformed.exit_code == 1 and "not 32 bytes of base64" in malformed.stderr
    assert "not a key" not in malformed.stderr  # a key, even a bad one, is never echoed

    assert key_rows(db) == keys
    monkeypatch.delenv(ENV_MASTER_KEY)
    monkeypatch.setenv(ENV_MASTER_KEY_FILE, str(key_file))
    back = ritual("--db", url, "list")
    assert back.exit_code == 0 and "Walk" in back.output


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_key_file_and_the_database_are_for_their_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "config" / "ritual-engine" / "master.key"
    monkeypatch.delenv(ENV_MASTER_KEY, raising=False)
    monkeypatch.setenv(ENV_MASTER_KEY_FILE, str(key_file))
    db = tmp_path / "data" / "ritual-engine" / "rituals.db"
    old = os.umask(0o002)  # a lax umask: the modes are asked for, not inherited
    try:
        write_note(db)
        with Engine.open(f"sqlite:///{db}", clock=cli_clock()) as eng:  # keep -wal and -shm
            eng.couples()
            files = {p: mode(p) for p in db.parent.iterdir()}
    finally:
        os.umask(old)

    assert mode(key_file) == 0o600 and mode(key_file.parent) == 0o700
    assert mode(db.parent) == 0o700 and mode(db.parent.parent) == 0o700
    assert set(files) >= {db, Path(f"{db}-wal"), Path(f"{db}-shm")}
    assert set(files.values()) == {0o600}
    assert base64.b64decode(key_file.read_text()) != b""
