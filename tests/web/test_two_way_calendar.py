"""The two-way calendar: each event of a partner's feed leads to that occurrence on the
partner's page, and the link grants nothing without that partner's session."""

from __future__ import annotations

import re

from icalendar import Calendar

from engine.events.base import upcast
from tests.web.conftest import BASE, Home, Page, text


def _events(home: Home, partner: str | None) -> list[dict[str, str]]:
    issued = home.eng.share_feed(home.couple, base_url=BASE, partner=partner)
    body = home.client().get(issued.url.removeprefix(BASE)).data
    return [{k: str(v) for k, v in e.items()} for e in Calendar.from_ical(body).walk("VEVENT")]


def test_each_event_of_a_partners_feed_links_to_that_occurrence_on_their_page(
    home: Home,
) -> None:
    events = _events(home, "alex")
    evening = [e for e in events if e["SUMMARY"] == "Evening one-thing"]
    assert evening
    for e in evening:  # the URL carries the occurrence's own UTC time, nothing secret
        assert re.fullmatch(
            rf"{re.escape(BASE)}/me/at/{home.evening.id}/\d{{8}}T\d{{6}}Z", e["URL"]
        ), e["URL"]
        assert f"from your page: {e['URL']}" in e["DESCRIPTION"]


def test_the_couples_whole_calendar_carries_no_page_links(home: Home) -> None:
    assert all("URL" not in e for e in _events(home, None))


def test_a_link_issued_before_base_urls_were_kept_reads_back_without_one() -> None:
    old = {"link_id": "l1", "partner_id": "p1", "label": None, "token_hash": "0" * 64, "at": "x"}
    assert upcast("sharing.link_issued", 1, old)["base_url"] is None


def _url(home: Home) -> str:
    events = _events(home, "alex")
    today = next(
        e for e in events if e["SUMMARY"] == "Evening one-thing" and "20261125" in e["URL"]
    )
    return today["URL"].removeprefix(BASE)


def test_the_link_grants_nothing_without_the_session(home: Home) -> None:
    path = _url(home)
    before = home.events()
    stranger = home.client()
    assert "refresh" in text(stranger.get(path))
    assert stranger.get(path + "?again=1").status_code == 403
    assert stranger.post("/me/do/checkin", data={"ritual": home.evening.id}).status_code == 403
    assert home.events() == before


def test_with_the_session_the_link_opens_that_occurrence_and_checks_it_in(home: Home) -> None:
    path = _url(home)
    page = home.signed_in("alex")
    shown = page.get(path)
    assert shown.status_code == 200
    assert "Evening one-thing" in text(shown) and "Wednesday 25 November" in text(shown)
    answer = page.post("checkin", {"ritual": home.evening.id, "at": path[-16:], "back": path})
    assert answer.status_code == 303 and answer.headers["Location"].startswith(path)
    assert home.events()[-1] == "ritual.checked_in"
    assert "You checked in" in text(page.get(path))


def test_a_link_to_another_partners_ritual_or_a_time_with_no_occurrence_is_404(
    home: Home,
) -> None:
    page: Page = home.signed_in("alex")
    assert page.get(f"/me/at/{home.sams_walk.id}/20261125T060000Z").status_code == 404
    assert page.get(f"/me/at/{home.evening.id}/20261125T061500Z").status_code == 404
