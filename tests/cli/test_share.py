"""`ritual share`: issue, list and revoke calendar links from the command line."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.cli.conftest import Run

URL = re.compile(r"(https?|webcal)://[^\s]+/feeds/([A-Za-z0-9_-]{43})\.ics")


def test_share_prints_both_urls_once_and_the_list_never_shows_them(couple: Run) -> None:
    issued = couple("share", "--label", "Sam's phone", "--base-url", "https://cal.example.org")
    assert issued.exit_code == 0, issued.output
    found = URL.findall(issued.stdout)
    assert {scheme for scheme, _ in found} == {"https", "webcal"}
    (token,) = {token for _, token in found}
    listing = couple("share", "list")
    assert "Sam's phone" in listing.stdout and "not yet" in listing.stdout
    as_json = couple("share", "list", "--json")
    assert token not in listing.stdout + as_json.stdout
    (link,) = json.loads(as_json.stdout)
    assert sorted(link) == [
        "created_at",
        "id",
        "label",
        "last_fetched_at",
        "partner",
        "revoked_at",
    ]
    assert link["label"] == "Sam's phone" and link["partner"] is None


def test_the_base_url_comes_from_the_environment_by_default(
    couple: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "http://127.0.0.1:8080/feeds/" in couple("share").stdout
    monkeypatch.setenv("RITUAL_BASE_URL", "https://rituals.example.net")
    assert "https://rituals.example.net/feeds/" in couple("share").stdout


def test_a_partner_link_names_the_partner(couple: Run) -> None:
    assert couple("share", "--partner", "alex").exit_code == 0
    (link,) = json.loads(couple("share", "list", "--json").stdout)
    assert link["partner"] == "alex"


def test_revoke_turns_a_link_off_and_list_all_still_shows_it(couple: Run) -> None:
    couple("share", "--label", "Old tablet")
    (link,) = json.loads(couple("share", "list", "--json").stdout)
    revoked = couple("share", "revoke", link["id"][:8])
    assert revoked.exit_code == 0 and "Revoked" in revoked.stdout
    assert json.loads(couple("share", "list", "--json").stdout) == []
    (old,) = json.loads(couple("share", "list", "--all", "--json").stdout)
    assert old["revoked_at"] is not None


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["share", "--partner", "kim"], 2, "unknown partner"),
        (["share", "--label", "x\x1b[31m"], 2, "control"),
        (["share", "--base-url", "ftp://example.org"], 2, "http"),
        (["share", "revoke", "abcdef12"], 2, "unknown link"),
    ],
)
def test_bad_share_input_gets_one_line_and_writes_nothing(
    couple: Run, event_count: Callable[[], int], args: list[str], code: int, message: str
) -> None:
    before = event_count()
    result = couple(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert event_count() == before


def test_revoking_twice_is_refused_kindly(couple: Run, event_count: Callable[[], int]) -> None:
    couple("share")
    (link,) = json.loads(couple("share", "list", "--json").stdout)
    couple("share", "revoke", link["id"])
    before = event_count()
    again = couple("share", "revoke", link["id"])
    assert again.exit_code == 1 and "already revoked" in again.stderr
    assert event_count() == before


def test_serve_runs_the_feed_app_on_waitress_with_the_options_given(
    couple: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import waitress

    from engine.web import FeedApp, serve

    seen: dict[str, object] = {}

    def fake_serve(app: object, **options: object) -> None:
        seen["app"], seen["options"] = app, options

    monkeypatch.setattr(waitress, "serve", fake_serve)
    monkeypatch.setattr(serve, "log_to_stderr", lambda: None)  # leave the test's logging be
    result = couple("serve", "--host", "0.0.0.0", "--port", "9090", "--threads", "8")
    assert result.exit_code == 0, result.output
    assert isinstance(seen["app"], FeedApp)
    assert seen["options"] == {"host": "0.0.0.0", "port": 9090, "threads": 8, "ident": "ritual"}


def test_serve_refuses_a_port_out_of_range(couple: Run) -> None:
    result = couple("serve", "--port", "70000")
    assert result.exit_code == 2 and "70000" in result.stderr
