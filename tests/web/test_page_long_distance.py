"""The partner's page of someone living in another zone shows their own local times."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.web.conftest import Home, text


def _whens(html: str) -> list[str]:
    return [
        w.split("·")[0].strip() for w in re.findall(r'<p class="when">\s*(.*?)</p>', html, re.S)
    ]


def test_a_partner_in_new_york_sees_the_shared_evening_at_new_york_time(home: Home) -> None:
    home.eng.set_partner_zone(home.couple, "alex", "America/New_York")
    alex = home.signed_in("alex")
    sam = home.signed_in("sam")
    assert "12:00" in _whens(text(alex.get("/me")))  # 18:00 in Berlin
    assert "18:00" in _whens(text(sam.get("/me")))


def test_a_partner_checks_in_their_own_local_morning_from_the_page(home: Home) -> None:
    home.eng.set_partner_zone(home.couple, "alex", "America/New_York")
    home.eng.add_ritual(home.couple, "Morning", cron="0 8 * * *", each_local=True)
    home.clock.advance(timedelta(hours=20))  # Thursday 13:30 UTC: 08:30 in New York
    alex = home.signed_in("alex")
    page = text(alex.get("/me"))
    assert "Morning" in page and "08:00" in _whens(page)
    morning = next(
        i
        for i in home.eng.status(home.couple).today
        if i.title == "Morning" and i.partner == "alex"
    )
    assert morning.at is not None
    done = alex.post(
        "checkin",
        {"ritual": morning.ritual_id, "at": f"{morning.at:%Y%m%dT%H%M%SZ}", "back": "/me"},
    )
    assert done.status_code == 303, text(done)
    view = home.eng.ritual_streak(home.couple, "Morning")
    alex_line = next(p.figures for p in view.partners if p.partner == "alex")
    assert alex_line.done == 1 and alex_line.last_done == home.clock.now
