"""Opening the keys asks whether a raw key from an older version is left to wrap; that
question must be answered from an index, never by reading every couple's keys."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from engine.sql import keyring

if TYPE_CHECKING:
    from pathlib import Path

from engine.sql.open import upgrade_database


def test_the_raw_key_check_reads_an_index_not_the_whole_table(tmp_path: Path) -> None:
    path = tmp_path / "keys.db"
    upgrade_database(f"sqlite:///{path}")
    with sqlite3.connect(path) as db:
        plan = db.execute(f"EXPLAIN QUERY PLAN {keyring._RAW.text} LIMIT 1").fetchall()
    details = " ".join(str(row[-1]) for row in plan)
    assert "ix_ritual_data_keys_wrapping" in details, details
    assert details.startswith("SEARCH"), details
