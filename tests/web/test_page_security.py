"""What every answer of the page promises: a strict CSP, no referrer, no caching, bounded
bodies, and no private text or token in a URL or a log line."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from engine.web.page_app import BODY_MAX, CSP
from tests.web.conftest import BASE, Home, stamp, text

if TYPE_CHECKING:
    import pytest


def test_every_page_answer_carries_the_strict_policy(home: Home) -> None:
    page = home.signed_in("alex")
    for path in ("/me", "/me/words", "/me/together", "/me/plan", "/me/progress", "/join/x"):
        answer = page.get(path)
        assert answer.headers["Content-Security-Policy"] == CSP
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in CSP and "frame-ancestors 'none'" in CSP


def test_the_html_has_no_script_and_no_inline_style(home: Home) -> None:
    page = home.signed_in("alex")
    for path in ("/me", "/me/words", "/me/together", "/me/plan", "/me/progress"):
        body = text(page.get(path))
        assert "<script" not in body and "style=" not in body and "<style" not in body


def test_the_stylesheet_is_a_static_file(home: Home) -> None:
    css = home.client().get("/static/page.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert b"@media" in css.data or b".card" in css.data
    assert home.client().get("/static/../app.py").status_code == 404


def test_a_body_over_the_bound_gets_413_and_writes_nothing(home: Home) -> None:
    page = home.signed_in("alex")
    before = home.events()
    answer = page.client.post(
        "/me/do/appreciate", data={"csrf": page.csrf(), "text": "x" * (BODY_MAX + 1)}
    )
    assert answer.status_code == 413
    assert home.events() == before


def test_typed_text_escapes_as_text(home: Home) -> None:
    page = home.signed_in("alex")
    page.post("appreciate", {"text": "<b>bold</b> & <script>x</script>", "back": "/me/words"})
    sams = home.signed_in("sam")
    body = text(sams.get("/me/words"))
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;" in body and "<b>bold" not in body


def test_no_token_or_private_text_reaches_a_url_or_a_log_line(
    home: Home, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="engine.web")
    url = home.invite("alex")
    token = url.rsplit("/", 1)[1]
    client = home.client()
    joined = client.get(url.removeprefix(BASE))
    from tests.web.conftest import Page

    page = Page(client, home)
    done = page.post(
        "checkin",
        {"ritual": home.evening.id, "at": stamp(home.evening, home), "note": "secret tea"},
    )
    refused = page.post("appreciate", {"text": "   ", "back": "/me/words"})
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("GET /join/<token> 303") for line in lines)
    assert token not in caplog.text and "secret tea" not in caplog.text
    for answer in (joined, done, refused):
        assert token not in answer.headers.get("Location", "")
        assert "secret" not in answer.headers.get("Location", "")


def test_unknown_page_paths_get_404_and_wrong_methods_405(home: Home) -> None:
    page = home.signed_in("alex")
    assert page.get("/me/nothing-here").status_code == 404
    assert page.get("/me/at/abc/notastamp").status_code == 404
    put = page.client.put("/me")
    assert put.status_code == 405 and "GET" in put.headers["Allow"]
    assert page.client.get("/me/do/checkin").status_code == 405


def test_the_feeds_still_answer_beside_the_page(home: Home) -> None:
    issued = home.eng.share_feed(home.couple, base_url=BASE, partner="alex")
    feed = home.client().get(issued.url.removeprefix(BASE))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert home.client().get("/").status_code == 404
