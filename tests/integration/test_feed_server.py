"""The feed server for real: waitress on a free loopback port in a thread, a SQLite file,
and http.client as the calendar app."""

from __future__ import annotations

import gzip
import http.client
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from engine import Engine
from engine.sql.event_store import SqlEventStore
from engine.web import create_app
from engine.web.serve import RunningServer, start_in_thread
from tests.moments import cli_clock

if TYPE_CHECKING:
    from engine.views.couples import CoupleView


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Served:
    eng: Engine
    couple: CoupleView
    server: RunningServer
    folder: Path

    def share(self, **kwargs: str) -> str:
        """A new link's path on this server (the token is in it)."""
        return urlsplit(
            self.eng.share_feed(self.couple, base_url=self.server.url, **kwargs).url
        ).path

    def request(self, path: str, method: str = "GET", **headers: str) -> Reply:
        parts = urlsplit(self.server.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            conn.request(method, path, headers={k.replace("_", "-"): v for k, v in headers.items()})
            response = conn.getresponse()
            body = response.read()
            return Reply(response.status, dict(response.getheaders()), body)
        finally:
            conn.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    folder = tmp_path / "data"
    folder.mkdir()
    with Engine.open(f"sqlite:///{folder / 'rituals.db'}", via="server", clock=cli_clock()) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        eng.add_ritual(couple, "Morning check", cron="30 7 * * *", duration=timedelta(minutes=2))
        # every request reads the log here (the real clock cannot be held still); the
        # one-second reading window is covered with a fixed clock in tests/unit
        server = start_in_thread(create_app(eng, recheck=timedelta(0)), threads=2)
        try:
            yield Served(eng, couple, server, folder)
        finally:
            server.stop()


def without_date(reply: Reply) -> tuple[int, dict[str, str], bytes]:
    return reply.status, {k: v for k, v in reply.headers.items() if k != "Date"}, reply.body


def test_a_feed_comes_back_with_the_right_headers(served: Served) -> None:
    got = served.request(served.share())
    assert got.status == 200 and got.body.startswith(b"BEGIN:VCALENDAR")
    assert got.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert int(got.headers["Content-Length"]) == len(got.body)
    assert got.headers["Etag"].startswith('"')
    assert got.headers["Cache-Control"] == "private, max-age=300"
    assert got.headers["Referrer-Policy"] == "no-referrer"
    assert "Last-Modified" in got.headers and "Content-Disposition" not in got.headers


def test_a_calendar_app_that_asks_for_gzip_gets_it_through_a_real_server(
    served: Served,
) -> None:
    path = served.share()
    plain = served.request(path)
    packed = served.request(path, Accept_Encoding="gzip")
    assert packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) == len(packed.body)
    assert gzip.decompress(packed.body) == plain.body
    again = served.request(path, Accept_Encoding="gzip", If_None_Match=packed.headers["Etag"])
    assert (again.status, again.body) == (304, b"")


def test_validators_give_304_and_head_gives_no_body(served: Served) -> None:
    path = served.share()
    got = served.request(path)
    assert served.request(path, If_None_Match=got.headers["Etag"]).status == 304
    assert served.request(path, If_Modified_Since=got.headers["Last-Modified"]).status == 304
    head = served.request(path, "HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Length"] == got.headers["Content-Length"]


def test_a_revoked_link_gets_exactly_the_unknown_link_response(served: Served) -> None:
    path = served.share()
    assert served.request(path).status == 200
    served.eng.revoke_feed_link(served.couple, served.eng.feed_links(served.couple)[0].id)
    revoked = served.request(path)
    unknown = served.request("/feeds/" + "Z" * 43 + ".ics")
    assert revoked.status == 404
    assert without_date(revoked) == without_date(unknown)


def test_a_new_event_changes_the_etag(served: Served) -> None:
    path = served.share()
    before = served.request(path).headers["Etag"]
    served.eng.add_ritual(served.couple, "Shared joy", cron="0 19 * * 6")
    after = served.request(path)
    assert after.headers["Etag"] != before and b"Shared joy" in after.body


def test_other_methods_and_paths_and_the_health_check(served: Served) -> None:
    path = served.share()
    refused = served.request(path, "POST")
    assert refused.status == 405 and refused.headers["Allow"] == "GET, HEAD"
    assert served.request("/calendar.ics").status == 404
    health = served.request("/healthz")
    assert health.status == 200 and health.headers["Referrer-Policy"] == "no-referrer"


def test_a_vanished_database_gets_503_and_serving_resumes_when_it_is_back(
    served: Served,
) -> None:
    path = served.share()
    assert served.request(path).status == 200
    away = served.folder.with_name("away")
    served.folder.rename(away)  # the volume is gone ...
    store = served.eng.store
    assert isinstance(store, SqlEventStore)
    store.db.dispose()  # ... and so are the connections that were open on it
    for target in (path, "/healthz"):
        down = served.request(target)
        assert down.status == 503
        assert int(down.headers["Retry-After"]) > 0
        assert b"Traceback" not in down.body and b"sqlite" not in down.body.lower()
    away.rename(served.folder)
    assert served.request(path).status == 200
    assert served.request("/healthz").status == 200


def test_the_log_never_holds_a_token(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    path = served.share()
    token = path.removeprefix("/feeds/").removesuffix(".ics")
    served.request(path)
    served.request(path, "DELETE")
    served.request("/feeds/" + token + ".ics.bak")
    served.eng.revoke_feed_link(served.couple, served.eng.feed_links(served.couple)[0].id)
    served.request(path)
    access = [r.getMessage() for r in caplog.records if r.name == "engine.web.access"]
    assert len(access) == 4
    assert token not in caplog.text


def test_an_erased_couple_and_a_departed_partner_get_the_unknown_link_response(
    served: Served,
) -> None:
    served.eng.add_partner(served.couple, "kim")
    kims = served.share(partner="kim")
    couples = served.share()
    unknown = served.request("/feeds/" + "Z" * 43 + ".ics")
    assert served.request(kims).status == 200
    served.eng.erase_partner(served.couple, "kim")
    assert without_date(served.request(kims)) == without_date(unknown)
    assert served.request(couples).status == 200
    served.eng.erase_couple(served.couple)
    assert without_date(served.request(couples)) == without_date(unknown)
