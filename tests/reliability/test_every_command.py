"""Every `ritual` command works end to end on both backends, from an empty database."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from cli import cli
from tests.moments import cli_at

SESSION: list[tuple[str, ...]] = [
    ("db", "upgrade"),  # on SQLite, reading commands need the file to be there
    ("db", "current"),
    ("init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex", "--tz", "Asia/Tokyo"),
    ("add", "Evening one-thing", "--cron", "30 21 * * *", "--duration", "5m", "--prompt", "Hm?"),
    ("add", "--template", "appreciation-round"),
    ("add", "Journal", "--per-week", "3", "--each", "--reminder", "10m"),
    ("list", "--json"),
    ("edit", "Evening one-thing", "--cron", "0 22 * * *", "--title", "Evening two-things"),
    ("checkin", "Journal", "--by", "sam", "--closeness", "5", "--note", "slow tea"),
    ("skip", "Evening two-things", "--by", "alex", "--reason", "travel"),
    ("pause", "Evening two-things", "--until", "2199-01-01"),
    ("resume", "Evening two-things"),
    ("appreciate", "--from", "alex", "--to", "sam", "Thank you for dinner.", "--private"),
    ("journal", "share", "{appreciation}", "--by", "alex"),
    ("repair", "--by", "sam", "--kind", "humour"),
    ("repair-response", "{repair}", "--by", "alex", "--accepted"),
    ("timeout", "call", "--by", "alex"),
    ("timeout", "end", "--by", "alex"),
    ("rules", "set", "one voice at a time", "breaks are allowed"),
    ("rules", "show"),
    ("capsule", "seal", "--by", "sam", "Where we are now."),
    ("capsule", "list", "--json"),
    ("partner", "add", "kim", "--name", "Kim"),
    ("partner", "rename", "kim", "Kimberly"),
    ("settings", "--freezes", "2", "--proxy-checkins"),
    ("invite", "--partner", "alex", "--label", "Alex's phone"),
    ("invite", "list", "--json"),
    ("invite", "revoke", "{invite}"),
    ("retire", "Journal"),
    ("couples", "--json"),
    ("log", "--limit", "50", "--json"),
    ("db", "upgrade"),
]


def test_a_whole_session_of_commands_succeeds_on_an_empty_database(db_url: str) -> None:
    runner = CliRunner()
    seams = cli_at()
    ids: dict[str, str] = {}
    for args in SESSION:
        args = tuple(a.format(**ids) for a in args)
        result = runner.invoke(cli, ["--db", db_url, *args], catch_exceptions=False, obj=seams)
        assert result.exit_code == 0, f"{args}: {result.output}"
        if args[0] in ("appreciate", "repair") or args[:2] == ("invite", "--partner"):
            found = re.search(r"\(([0-9a-f]{8})\)", result.output)
            assert found, result.output
            ids[args[0].replace("appreciate", "appreciation")] = found.group(1)
        if args[-1] == "--json":
            assert json.loads(result.output) is not None
    history = json.loads(runner.invoke(cli, ["--db", db_url, "log", "--json"], obj=seams).output)
    assert len(history) == 20
    assert "slow tea" not in json.dumps(history)
