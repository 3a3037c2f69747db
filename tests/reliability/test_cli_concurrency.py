"""Two real `ritual checkin` processes at once on one SQLite file, again and again: both
succeed, nothing is lost or doubled, and "database is locked" never reaches anyone."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from engine import CheckedIn, Engine
from tests.moments import cli_at, cli_clock
from tests.reliability.conftest import run_cli

pytestmark = pytest.mark.slow

ROUNDS = 20
PARTNERS = ("sam", "alex")


def only(eng: Engine) -> str:
    """The id of the one couple this engine holds (the library takes ids, never guesses)."""
    (couple,) = eng.couples()
    return couple.id


def test_two_checkin_processes_at_once_both_succeed_and_every_check_in_is_kept_once(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'rituals.db'}"
    runner = CliRunner()
    for args in (
        ["init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex", "--tz", "UTC"],
        ["add", "Evening walk", "--per-week", "7"],
    ):
        assert runner.invoke(cli, ["--db", url, *args], obj=cli_at()).exit_code == 0

    for round_ in range(ROUNDS):
        procs = [run_cli(url, ["checkin", "Evening walk", "--by", who]) for who in PARTNERS]
        for who, proc in zip(PARTNERS, procs, strict=True):
            try:
                out, err = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                pytest.fail(f"round {round_}: the check-in by {who} hung")
            assert proc.returncode == 0, f"round {round_}, {who}: {err}"
            assert "locked" not in (out + err).lower()
            assert out.startswith("Checked in ")

    with Engine.open(url, clock=cli_clock()) as eng:
        couple = eng.couple(only(eng))
        ritual = eng.store.read_stream(f"ritual-{eng.ritual(only(eng), 'Evening walk').id}")
    handles = {p.id: p.handle for p in couple.partners}
    checkins = [r.event for r in ritual if isinstance(r.event, CheckedIn)]
    assert Counter(handles[c.partner_id] for c in checkins) == dict.fromkeys(PARTNERS, ROUNDS)
    assert len({r.event_id for r in ritual}) == len(ritual) == 2 * ROUNDS + 1
    assert [r.version for r in ritual] == list(range(1, 2 * ROUNDS + 2))
