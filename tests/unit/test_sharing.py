"""Sharing links through the Engine: issuing, listing, revoking, and finding a link by
its token. In memory, with a fixed clock."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from engine import Engine, FixedClock, InvalidInput, MemoryEventStore, NotAllowed, NotFound
from engine.domain.sharing import clean_base_url, feed_urls, token_hash

if TYPE_CHECKING:
    from engine.views.couples import CoupleView

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
BASE = "https://cal.example.org"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def store(clock: FixedClock) -> MemoryEventStore:
    return MemoryEventStore(clock)


@pytest.fixture
def eng(store: MemoryEventStore, clock: FixedClock) -> Engine:
    return Engine(store, clock)


@pytest.fixture
def couple(eng: Engine) -> CoupleView:
    return eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")


def token_of(url: str) -> str:
    match = re.fullmatch(r"https://cal\.example\.org/feeds/([A-Za-z0-9_-]+)\.ics", url)
    assert match, url
    return match.group(1)


def test_a_link_carries_a_256_bit_token_in_its_https_and_webcal_urls(
    eng: Engine, couple: CoupleView
) -> None:
    issued = eng.share_feed(couple, base_url=BASE + "/", label="Sam's phone")
    token = token_of(issued.url)
    assert len(token) == 43  # 32 random bytes, URL-safe base64 without padding
    assert issued.webcal_url == issued.url.replace("https://", "webcal://")
    assert issued.link.label == "Sam's phone" and issued.link.partner is None
    assert token not in repr(issued)


def test_only_a_sealed_hash_of_the_token_is_stored(
    eng: Engine, couple: CoupleView, store: MemoryEventStore
) -> None:
    token = token_of(eng.share_feed(couple, base_url=BASE, label="Kitchen tablet").url)
    stored = json.dumps([r.payload for r in store.raw_rows()])
    assert token not in stored
    assert token_hash(token) not in stored
    assert "Kitchen tablet" not in stored


def test_a_live_token_opens_its_couple_and_partner(eng: Engine, couple: CoupleView) -> None:
    issued = eng.share_feed(couple, base_url=BASE, partner="alex")
    target = eng.feed_target(token_of(issued.url))
    assert target is not None
    assert target.couple_id == couple.id and target.link_id == issued.link.id
    assert target.partner_id is not None
    assert issued.link.partner == "alex"


def test_unknown_and_revoked_tokens_open_nothing(eng: Engine, couple: CoupleView) -> None:
    issued = eng.share_feed(couple, base_url=BASE)
    eng.revoke_feed_link(couple, issued.link.short_id)
    assert eng.feed_target(token_of(issued.url)) is None
    assert eng.feed_target("not-a-token") is None
    assert eng.feed_target("") is None


def test_the_list_hides_revoked_links_unless_asked(eng: Engine, couple: CoupleView) -> None:
    kept = eng.share_feed(couple, base_url=BASE, label="Kept")
    gone = eng.share_feed(couple, base_url=BASE, label="Gone")
    revoked = eng.revoke_feed_link(couple, gone.link.id)
    assert revoked.revoked_at == NOW
    assert [link.label for link in eng.feed_links(couple)] == ["Kept"]
    everything = eng.feed_links(couple, include_revoked=True)
    assert [(link.id, link.revoked_at) for link in everything] == [
        (kept.link.id, None),
        (gone.link.id, NOW),
    ]


def test_a_fetch_shows_as_the_last_fetched_time(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    issued = eng.share_feed(couple, base_url=BASE)
    target = eng.feed_target(token_of(issued.url))
    assert target is not None
    eng.record_feed_fetch(target.couple_id, target.link_id, NOW + timedelta(hours=1))
    (link,) = eng.feed_links(couple)
    assert link.last_fetched_at == NOW + timedelta(hours=1)
    again = eng.feed_target(token_of(issued.url))
    assert again is not None and again.last_fetched_at == NOW + timedelta(hours=1)


def test_a_link_is_revoked_once(eng: Engine, couple: CoupleView) -> None:
    issued = eng.share_feed(couple, base_url=BASE)
    eng.revoke_feed_link(couple, issued.link.id)
    with pytest.raises(NotAllowed, match="already revoked"):
        eng.revoke_feed_link(couple, issued.link.id)
    with pytest.raises(NotFound, match="unknown link"):
        eng.revoke_feed_link(couple, "abcdef")


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("ftp://cal.example.org", "http"),
        ("cal.example.org", "http"),
        ("https://", "host"),
        ("https://cal.example.org/?x=1", "query"),
        ("https://user:pw@cal.example.org", "login"),
        ("https://cal.example.org:99999", "not valid"),
    ],
)
def test_a_base_url_needs_a_scheme_and_host_and_nothing_else(base_url: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        clean_base_url(base_url)


def test_a_base_url_may_carry_a_port_and_a_path_prefix() -> None:
    url, webcal = feed_urls("http://127.0.0.1:8080/rituals/", "tok")
    assert url == "http://127.0.0.1:8080/rituals/feeds/tok.ics"
    assert webcal == "webcal://127.0.0.1:8080/rituals/feeds/tok.ics"


def test_refused_links_write_nothing(
    eng: Engine, couple: CoupleView, store: MemoryEventStore
) -> None:
    before = store.count()
    with pytest.raises(NotFound, match="unknown partner"):
        eng.share_feed(couple, base_url=BASE, partner="kim")
    with pytest.raises(InvalidInput, match="label"):
        eng.share_feed(couple, base_url=BASE, label="phone\nBEGIN:VEVENT")
    with pytest.raises(InvalidInput, match="base URL"):
        eng.share_feed(couple, base_url="javascript:alert(1)")
    assert store.count() == before


def test_the_history_names_links_without_labels_or_hashes(eng: Engine, couple: CoupleView) -> None:
    issued = eng.share_feed(couple, base_url=BASE, partner="sam", label="Secret spot")
    eng.revoke_feed_link(couple, issued.link.id)
    revoked, shared = eng.history(couple, limit=2)
    assert shared.summary == "shared sam's calendar through a new link"
    assert revoked.summary == "revoked a calendar link"
    text = json.dumps([shared.data, revoked.data])
    assert "Secret spot" not in text and "token" not in text


def test_a_link_opens_nothing_once_its_couple_is_gone(eng: Engine, couple: CoupleView) -> None:
    token = token_of(eng.share_feed(couple, base_url=BASE).url)
    assert eng.feed_target(token) is not None
    eng.erase_couple(couple)
    assert eng.feed_target(token) is None
