"""Invites on the page: exchanging a token for a session cookie, and what ends a session."""

from __future__ import annotations

from datetime import timedelta

from werkzeug.test import Client

from engine.web.page_session import COOKIE, FREE_MISSES
from tests.web.conftest import BASE, Home, text

UNKNOWN = "/join/" + "A" * 43


def test_an_invite_link_sets_a_strict_http_only_cookie_and_leaves_the_token_behind(
    home: Home,
) -> None:
    url = home.invite("alex")
    client = home.client()
    joined = client.get(url.removeprefix(BASE))
    assert joined.status_code == 303
    assert joined.headers["Location"] == "/me?done=welcome"
    cookie = joined.headers["Set-Cookie"]
    assert cookie.startswith(COOKIE + "=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # served over plain http here
    assert url.rsplit("/", 1)[1] not in cookie
    assert joined.headers["Referrer-Policy"] == "no-referrer"
    page = client.get("/me?done=welcome")
    assert page.status_code == 200
    assert "Hi Alex" in text(page) and "Welcome" in text(page)


def test_over_https_the_cookie_is_marked_secure(home: Home) -> None:
    url = home.invite("alex")
    joined = home.client().get(url.removeprefix(BASE), base_url="https://rituals.example.org")
    assert "Secure" in joined.headers["Set-Cookie"]


def test_unknown_revoked_and_erased_invites_get_one_identical_404(home: Home) -> None:
    unknown = home.client().get(UNKNOWN)
    assert unknown.status_code == 404
    url = home.invite("alex").removeprefix(BASE)
    home.eng.revoke_invite(home.couple, home.eng.invites(home.couple)[0].id)
    revoked = home.client().get(url)
    sams = home.invite("sam").removeprefix(BASE)
    home.eng.erase_partner(home.couple, "sam")
    departed = home.client().get(sams)
    for other in (revoked, departed):
        assert (other.status_code, other.data) == (unknown.status_code, unknown.data)
        assert "Set-Cookie" not in other.headers


def test_revoking_the_invite_ends_the_session_on_every_device(home: Home) -> None:
    page = home.signed_in("alex")
    assert page.get("/me").status_code == 200
    home.eng.revoke_invite(home.couple, home.eng.invites(home.couple)[0].id)
    assert page.get("/me?again=1").status_code == 403
    assert "invite" in text(page.get("/me?again=1"))


def test_erasing_the_couple_ends_the_session(home: Home) -> None:
    page = home.signed_in("alex")
    home.eng.erase_couple(home.couple)
    assert page.get("/me?again=1").status_code == 403


def test_a_forged_or_foreign_cookie_opens_nothing(home: Home) -> None:
    page = home.signed_in("alex")
    cookie = page.client.get_cookie(COOKIE)
    assert cookie is not None
    invite_id, nonce, _signature = cookie.value.split(".")
    forged = Client(home.app)  # type: ignore[arg-type]
    forged.set_cookie(COOKIE, f"{invite_id}.{nonce}.{'x' * 43}")
    assert forged.get("/me?again=1").status_code == 403
    other = home.signed_in("sam").client.get_cookie(COOKIE)
    assert other is not None
    swapped = Client(home.app)  # type: ignore[arg-type]
    swapped.set_cookie(COOKIE, f"{invite_id}.{other.value.split('.', 1)[1]}")
    assert swapped.get("/me?again=1").status_code == 403


def test_without_a_session_the_page_reloads_once_from_its_own_site_then_explains(
    home: Home,
) -> None:
    first = home.client().get("/me")
    assert first.status_code == 200
    assert '<meta http-equiv="refresh" content="0; url=/me?again=1">' in text(first)
    second = home.client().get("/me?again=1")
    assert second.status_code == 403
    assert "phone where you opened your invite link" in text(second)


def test_repeated_bad_tokens_from_one_address_are_asked_to_wait(home: Home) -> None:
    client = home.client()
    for _ in range(FREE_MISSES):
        assert client.get(UNKNOWN).status_code == 404
    slowed = client.get(home.invite("alex").removeprefix(BASE))
    assert slowed.status_code == 429
    assert int(slowed.headers["Retry-After"]) >= 1
    other_address = home.client().get(UNKNOWN, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_address.status_code == 404
    home.clock.advance(timedelta(seconds=2))
    assert client.get(home.invite("alex").removeprefix(BASE)).status_code == 303


def test_the_backoff_remembers_a_bounded_number_of_addresses(home: Home) -> None:
    from engine.web.page_session import Backoff

    backoff = Backoff(size=100)
    for n in range(1000):
        backoff.missed(f"10.0.{n // 256}.{n % 256}", home.clock())
    assert len(backoff) == 100


def test_leaving_signs_this_device_out(home: Home) -> None:
    page = home.signed_in("alex")
    left = page.client.post("/me/leave", data={"csrf": page.csrf()})
    assert left.status_code == 200
    assert page.get("/me?again=1").status_code == 403
