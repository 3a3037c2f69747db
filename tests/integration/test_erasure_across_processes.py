"""A partner erased by one process is unreadable at once in another that had their key."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Engine, NotFound
from engine.events import ERASED
from tests.moments import cli_clock


def only(eng: Engine) -> str:
    """The id of the one couple this engine holds (the library takes ids, never guesses)."""
    (couple,) = eng.couples()
    return couple.id


def test_a_long_running_engine_stops_reading_a_partner_erased_elsewhere(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rituals.db'}"
    with Engine.open(url, clock=cli_clock()) as server, Engine.open(url, clock=cli_clock()) as cli:
        cli.create_couple("Sam & Alex", ["sam", "alex", "kim"], "UTC")
        cli.appreciate(only(cli), by="kim", to="sam", text="thank you for the walk")
        (entry,) = server.journal(only(server), viewer="sam")
        assert entry.text == "thank you for the walk"  # the server now holds kim's key

        cli.erase_partner(only(cli), "kim")

        (entry,) = server.journal(only(server), viewer="sam")
        assert entry.text == ERASED


def test_a_long_running_engine_holding_a_couple_view_finds_it_gone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rituals.db'}"
    with Engine.open(url, clock=cli_clock()) as server, Engine.open(url, clock=cli_clock()) as cli:
        couple = cli.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
        cli.appreciate(couple, by="alex", to="sam", text="you make Sundays easy")
        assert server.journal(couple)[0].text == "you make Sundays easy"

        cli.erase_couple(couple)

        with pytest.raises(NotFound):
            server.journal(couple)
