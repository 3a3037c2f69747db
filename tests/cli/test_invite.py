"""`ritual invite`: issue, list and revoke partner invites from the command line."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.cli.conftest import Run

URL = re.compile(r"https?://[^\s]+/join/([A-Za-z0-9_-]{43})")


def test_invite_prints_the_link_once_and_the_list_never_shows_it(couple: Run) -> None:
    issued = couple(
        "invite",
        "--partner",
        "alex",
        "--label",
        "Alex's phone",
        "--base-url",
        "https://rituals.example.org",
    )
    assert issued.exit_code == 0, issued.output
    (token,) = URL.findall(issued.stdout)
    assert "https://rituals.example.org/join/" in issued.stdout
    listing = couple("invite", "list")
    assert "Alex's phone" in listing.stdout and "[alex]" in listing.stdout
    as_json = couple("invite", "list", "--json")
    assert token not in listing.stdout + as_json.stdout
    (invite,) = json.loads(as_json.stdout)
    assert sorted(invite) == ["base_url", "created_at", "id", "label", "partner", "revoked_at"]
    assert invite["partner"] == "alex" and invite["base_url"] == "https://rituals.example.org"


def test_revoking_an_invite_hides_it_unless_asked_for_all(couple: Run) -> None:
    couple("invite", "--partner", "sam")
    (invite,) = json.loads(couple("invite", "list", "--json").stdout)
    revoked = couple("invite", "revoke", invite["id"][:8])
    assert revoked.exit_code == 0 and "closed on every device" in revoked.stdout
    assert json.loads(couple("invite", "list", "--json").stdout) == []
    (shown,) = json.loads(couple("invite", "list", "--all", "--json").stdout)
    assert shown["revoked_at"] is not None
    again = couple("invite", "revoke", invite["id"][:8])
    assert again.exit_code == 1 and "already revoked" in again.stderr


def test_invite_needs_a_partner_and_a_good_base_url(couple: Run) -> None:
    missing = couple("invite")
    assert missing.exit_code == 2 and "--partner" in missing.stderr
    unknown = couple("invite", "--partner", "kim")
    assert unknown.exit_code == 2 and "unknown partner" in unknown.stderr
    bad = couple("invite", "--partner", "sam", "--base-url", "ftp://x")
    assert bad.exit_code == 2 and "http" in bad.stderr
    assert "Traceback" not in missing.output + unknown.output + bad.output


def test_an_invite_is_in_the_log_without_its_token(couple: Run) -> None:
    issued = couple("invite", "--partner", "alex")
    (token,) = URL.findall(issued.stdout)
    log = couple("log", "--json").stdout
    assert "invite.issued" in log and token not in log
