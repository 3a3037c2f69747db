"""The feed server's WSGI application, called with plain environ dicts: no sockets, an
in-memory store and a fixed clock in Berlin."""

from __future__ import annotations

import gzip
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from engine import Engine, FixedClock, MemoryEventStore, StoreUnavailable
from engine.web import FeedApp, create_app
from engine.web.http import http_date, parse_http_date

if TYPE_CHECKING:
    from engine.events import RecordedEvent
    from engine.views.couples import CoupleView

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 10:00 in Berlin
BASE = "https://cal.example.org"


class FlakyStore(MemoryEventStore):
    """A memory store whose reads fail while ``down`` is set, like a database that is."""

    down = False

    def _check(self) -> None:
        if self.down:
            raise StoreUnavailable("cannot reach the database; please try again in a moment")

    def last_position(self) -> int:
        self._check()
        return super().last_position()

    def read_stream(self, stream_id: str, *, decrypt: bool = True) -> list[RecordedEvent]:
        self._check()
        return super().read_stream(stream_id, decrypt=decrypt)

    def read_types(self, types: Collection[str], *, decrypt: bool = True) -> list[RecordedEvent]:
        self._check()
        return super().read_types(types, decrypt=decrypt)


def only(eng: Engine) -> str:
    """The id of the one couple this engine holds (the library takes ids, never guesses)."""
    (couple,) = eng.couples()
    return couple.id


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def store(clock: FixedClock) -> FlakyStore:
    return FlakyStore(clock)


@pytest.fixture
def eng(store: FlakyStore, clock: FixedClock) -> Engine:
    return Engine(store, clock)


@pytest.fixture
def couple(eng: Engine) -> CoupleView:
    c = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(c, "Morning check", cron="30 7 * * *", duration=timedelta(minutes=2))
    eng.add_ritual(c, "Solo walk", cron="0 18 * * *", participants=["alex"])
    return c


@pytest.fixture
def app(eng: Engine) -> FeedApp:
    return create_app(eng)


def path_of(eng: Engine, couple: CoupleView, **kwargs: Any) -> str:
    return "/" + eng.share_feed(couple, base_url=BASE, **kwargs).url.split("/", 3)[3]


@pytest.fixture
def path(eng: Engine, couple: CoupleView) -> str:
    return path_of(eng, couple, label="Sam's phone")


def modified(answer: Answer) -> datetime:
    moment = parse_http_date(answer.headers["Last-Modified"])
    assert moment is not None
    return moment


def call(app: FeedApp, path: str, method: str = "GET", **headers: str) -> Answer:
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "wsgi.url_scheme": "http"}
    environ |= {"HTTP_" + name.upper(): value for name, value in headers.items()}
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen["status"], seen["headers"] = status, headers
        return lambda data: None

    body = b"".join(app(environ, start_response))
    names = [name.lower() for name, _ in seen["headers"]]
    assert len(names) == len(set(names)), "no header is sent twice"
    return Answer(int(seen["status"][:3]), dict(seen["headers"]), body)


def test_a_feed_is_served_as_a_private_calendar_with_strong_validators(
    app: FeedApp, path: str
) -> None:
    got = call(app, path)
    assert got.status == 200
    assert got.body.startswith(b"BEGIN:VCALENDAR")
    assert got.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert got.headers["Content-Length"] == str(len(got.body))
    assert got.headers["ETag"].startswith('"') and not got.headers["ETag"].startswith("W/")
    assert got.headers["Cache-Control"].startswith("private")
    assert got.headers["Referrer-Policy"] == "no-referrer"
    assert got.headers["Last-Modified"].endswith(" GMT")
    assert "Content-Disposition" not in got.headers and "Content-Encoding" not in got.headers
    assert got.headers["Vary"] == "Accept-Encoding"


def test_odd_accept_headers_change_nothing(app: FeedApp, path: str) -> None:
    plain = call(app, path)
    odd = call(app, path, accept="application/json", accept_encoding="br;q=1", user_agent="x")
    assert (odd.status, odd.headers, odd.body) == (plain.status, plain.headers, plain.body)


@pytest.mark.parametrize(
    "accept_encoding", ["gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*", "x-gzip"]
)
def test_a_client_that_accepts_gzip_gets_the_feed_compressed_with_its_own_etag(
    app: FeedApp, path: str, accept_encoding: str
) -> None:
    plain = call(app, path)
    packed = call(app, path, accept_encoding=accept_encoding)
    assert packed.status == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert packed.headers["Content-Length"] == str(len(packed.body))
    assert gzip.decompress(packed.body) == plain.body
    assert len(packed.body) < len(plain.body) / 3
    etag = packed.headers["ETag"]
    assert etag.startswith('"') and etag != plain.headers["ETag"]
    assert packed.headers["Last-Modified"] == plain.headers["Last-Modified"]


@pytest.mark.parametrize("accept_encoding", ["identity", "gzip;q=0", "*;q=0", "gzip;q=0, *", ""])
def test_a_client_that_refuses_gzip_gets_the_feed_as_it_is(
    app: FeedApp, path: str, accept_encoding: str
) -> None:
    got = call(app, path, accept_encoding=accept_encoding)
    assert "Content-Encoding" not in got.headers
    assert got.body.startswith(b"BEGIN:VCALENDAR")


def test_a_compressed_feed_revalidates_to_304_with_its_own_etag_and_compresses_the_same(
    eng: Engine, path: str
) -> None:
    first = call(create_app(eng), path, accept_encoding="gzip")
    again = call(create_app(eng), path, accept_encoding="gzip")  # a restarted server
    assert again.body == first.body and again.headers["ETag"] == first.headers["ETag"]
    app = create_app(eng)
    etag = first.headers["ETag"]
    unchanged = call(app, path, accept_encoding="gzip", if_none_match=etag)
    assert (unchanged.status, unchanged.body) == (304, b"")
    assert unchanged.headers["ETag"] == etag and unchanged.headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in unchanged.headers
    plain = call(app, path, if_none_match=etag)  # the other representation: sent in full
    assert plain.status == 200 and "Content-Encoding" not in plain.headers
    since = call(
        app, path, accept_encoding="gzip", if_modified_since=first.headers["Last-Modified"]
    )
    assert since.status == 304


def test_head_with_gzip_sends_the_compressed_headers_without_a_body(
    app: FeedApp, path: str
) -> None:
    got, head = (
        call(app, path, accept_encoding="gzip"),
        call(app, path, "HEAD", accept_encoding="gzip"),
    )
    assert head.status == 200 and head.body == b""
    assert head.headers == got.headers


def test_head_sends_the_headers_of_get_without_a_body(app: FeedApp, path: str) -> None:
    got, head = call(app, path), call(app, path, "HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers == got.headers


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", "W/{etag}", '"other", {etag}', "*", ' "x" ,W/{etag} '],
)
def test_a_matching_if_none_match_gets_304(app: FeedApp, path: str, if_none_match: str) -> None:
    etag = call(app, path).headers["ETag"]
    got = call(app, path, if_none_match=if_none_match.format(etag=etag))
    assert got.status == 304 and got.body == b""
    assert got.headers["ETag"] == etag
    assert got.headers["Referrer-Policy"] == "no-referrer"
    assert "Content-Length" not in got.headers


def test_if_modified_since_counts_only_without_if_none_match(app: FeedApp, path: str) -> None:
    last_modified = call(app, path).headers["Last-Modified"]
    assert call(app, path, if_modified_since=last_modified).status == 304
    later = http_date(NOW + timedelta(days=1))
    assert call(app, path, if_modified_since=later).status == 304
    earlier = http_date(NOW - timedelta(days=30))
    assert call(app, path, if_modified_since=earlier).status == 200
    assert call(app, path, if_modified_since="yesterday-ish").status == 200
    stale = call(app, path, if_none_match='"stale"', if_modified_since=later)
    assert stale.status == 200


def test_a_repeat_fetch_does_not_render_again(app: FeedApp, path: str) -> None:
    first = call(app, path)
    for _ in range(5):
        assert call(app, path).body == first.body
    assert app.feeds.renders == 1


def test_an_edit_changes_the_etag_on_the_next_fetch(
    app: FeedApp, eng: Engine, couple: CoupleView, path: str, clock: FixedClock
) -> None:
    before = call(app, path)
    clock.advance(timedelta(minutes=5))
    eng.edit_ritual(couple, "Morning check", cron="0 8 * * *")
    after = call(app, path)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert modified(after) > modified(before)
    assert call(app, path, if_none_match=before.headers["ETag"]).status == 200


def test_news_elsewhere_does_not_render_this_feed_again(
    app: FeedApp, eng: Engine, couple: CoupleView, path: str
) -> None:
    call(app, path)
    other = eng.create_couple("Robin & Kim", ["robin", "kim"], "America/New_York")
    eng.add_ritual(other, "Evening walk", cron="0 19 * * *")
    eng.appreciate(couple, by="sam", to="alex", text="Thank you for the coffee.")
    call(app, path)
    assert app.feeds.renders == 1


def test_a_new_local_day_renders_again_and_last_modified_never_goes_back(
    app: FeedApp, path: str, clock: FixedClock
) -> None:
    first = call(app, path)
    clock.advance(timedelta(days=1))
    second = call(app, path)
    assert app.feeds.renders == 2
    assert modified(second) > modified(first)
    assert call(app, path, if_modified_since=first.headers["Last-Modified"]).status == 200


def test_a_partner_link_serves_only_that_partners_rituals(
    app: FeedApp, eng: Engine, couple: CoupleView, path: str
) -> None:
    sams = call(app, path_of(eng, couple, partner="sam")).body
    both = call(app, path).body
    assert b"Solo walk" in both and b"Solo walk" not in sams


def test_unknown_revoked_and_erased_links_and_other_paths_get_one_identical_404(
    app: FeedApp, eng: Engine, couple: CoupleView, path: str
) -> None:
    assert call(app, path).status == 200
    unknown = call(app, "/feeds/" + "A" * 43 + ".ics")
    assert unknown.status == 404
    eng.revoke_feed_link(couple, eng.feed_links(couple)[0].id)
    revoked = call(app, path)
    for other in (revoked, call(app, "/"), call(app, "/feeds/"), call(app, "/feeds/x.ics/")):
        assert (other.status, other.headers, other.body) == (
            unknown.status,
            unknown.headers,
            unknown.body,
        )


def test_a_couple_that_is_gone_gets_the_same_404(app: FeedApp, eng: Engine, path: str) -> None:
    unknown = call(app, "/feeds/" + "A" * 43 + ".ics")
    assert call(app, path).status == 200
    eng.erase_couple(only(eng))
    gone = call(app, path)
    assert (gone.status, gone.headers, gone.body) == (404, unknown.headers, unknown.body)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_get_405_with_allow(app: FeedApp, path: str, method: str) -> None:
    for target in (path, "/healthz"):
        got = call(app, target, method)
        assert got.status == 405
        assert got.headers["Allow"] == "GET, HEAD"
        assert got.headers["Referrer-Policy"] == "no-referrer"


def test_healthz_checks_the_store(app: FeedApp, store: FlakyStore) -> None:
    assert call(app, "/healthz").status == 200
    store.down = True
    down = call(app, "/healthz")
    assert down.status == 503 and down.headers["Retry-After"].isdigit()


def test_a_store_that_is_down_gets_503_and_serving_resumes_after(
    app: FeedApp, path: str, store: FlakyStore
) -> None:
    store.down = True
    down = call(app, path)
    assert down.status == 503
    assert int(down.headers["Retry-After"]) > 0
    assert b"Traceback" not in down.body
    store.down = False
    assert call(app, path).status == 200


def test_a_fetch_is_noted_as_last_fetched_at_most_once_a_minute(
    app: FeedApp, eng: Engine, couple: CoupleView, path: str, clock: FixedClock
) -> None:
    call(app, path)
    assert eng.feed_links(couple)[0].last_fetched_at == NOW
    clock.advance(timedelta(seconds=30))
    call(app, path, "HEAD")
    assert eng.feed_links(couple)[0].last_fetched_at == NOW
    clock.advance(timedelta(seconds=31))
    call(app, path)
    assert eng.feed_links(couple)[0].last_fetched_at == NOW + timedelta(seconds=61)


def test_the_access_log_names_the_link_and_never_the_token(
    app: FeedApp, eng: Engine, couple: CoupleView, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    token = path.removeprefix("/feeds/").removesuffix(".ics")
    caplog.set_level(logging.INFO, logger="engine.web")
    call(app, path)
    call(app, path, "POST")
    call(app, "/feed/" + token)  # a mistyped path still hides the token
    call(app, "/feeds/" + token[::-1] + ".ics")
    link_id = eng.feed_links(couple)[0].id
    lines = [r.getMessage() for r in caplog.records if r.name == "engine.web.access"]
    assert len(lines) == 4
    assert lines[0].startswith(f"GET /feeds/<link {link_id[:8]}>.ics 200 ")
    assert lines[1].startswith("POST /feeds/<token>.ics 405 ")
    assert lines[2].startswith("GET /feed/<token> 404 ")
    assert lines[3].startswith("GET /feeds/<token>.ics 404 ")
    assert all(line.endswith("ms") for line in lines)
    assert token not in caplog.text and token[::-1] not in caplog.text


def test_an_unexpected_failure_is_a_plain_500_and_logged_without_the_token(
    app: FeedApp, eng: Engine, path: str, caplog: pytest.LogCaptureFixture, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("renderer tripped")

    monkeypatch.setattr(eng, "calendar_feed", broken)
    got = call(app, path)
    assert got.status == 500 and b"Traceback" not in got.body
    assert "renderer tripped" in caplog.text
    assert path.removeprefix("/feeds/").removesuffix(".ics") not in caplog.text
