"""Page tests: the whole WSGI app (feeds and pages) over an in-memory Engine, driven by
Werkzeug's test client, on a fixed clock.

The couple was set up five days before ``NOW`` (Wednesday 2026-11-25 17:30 UTC, 18:30 in
Berlin), so that today's 18:00 evening ritual has already happened and can be logged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from werkzeug.test import Client, TestResponse

from engine import Engine, FixedClock, MemoryEventStore
from engine.web import create_app
from tests.moments import CLI_NOW

if TYPE_CHECKING:
    from engine.views.couples import CoupleView
    from engine.views.rituals import RitualView

NOW = CLI_NOW
BASE = "https://rituals.example.org"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Home:
    """A couple with rituals, an Engine, and the app serving them."""

    eng: Engine
    clock: FixedClock
    couple: CoupleView
    evening: RitualView  # both, daily at 18:00 Berlin
    sams_walk: RitualView  # sam alone, daily at 07:00
    journal: RitualView  # a quota ritual, 3 a week, each on their own
    app: object

    def client(self) -> Client:
        return Client(self.app)  # type: ignore[arg-type]

    def invite(self, partner: str = "alex") -> str:
        return self.eng.invite_partner(self.couple, partner=partner, base_url=BASE).url

    def signed_in(self, partner: str = "alex") -> Page:
        client = self.client()
        joined = client.get(self.invite(partner).removeprefix(BASE))
        assert joined.status_code == 303, joined.get_data(as_text=True)
        return Page(client, self)

    def events(self) -> list[str]:
        return [r.event.type_name for r in self.eng.store.read_all(limit=100_000)]


@dataclass
class Page:
    """A browser holding a partner's session."""

    client: Client
    home: Home

    def get(self, path: str) -> TestResponse:
        return self.client.get(path)

    def csrf(self, path: str = "/me") -> str:
        found = CSRF.search(self.get(path).get_data(as_text=True))
        assert found, "the page carries no CSRF token"
        return found.group(1)

    def post(self, form: str, data: dict[str, str], *, csrf: str | None = "") -> TestResponse:
        body = dict(data)
        if csrf is not None:
            body["csrf"] = csrf or self.csrf(body.get("back", "/me"))
        return self.client.post(f"/me/do/{form}", data=body)


def stamp(ritual: RitualView, home: Home) -> str:
    """Today's occurrence stamp of a ritual, as the page shows it."""
    item = next(i for i in home.eng.status(home.couple).today if i.ritual_id == ritual.id)
    assert item.at is not None
    return f"{item.at:%Y%m%dT%H%M%SZ}"


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def home() -> Home:
    clock = FixedClock(NOW - timedelta(days=5))
    eng = Engine(MemoryEventStore(clock), clock)
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    evening = eng.add_ritual(
        couple, "Evening one-thing", cron="0 18 * * *", duration=timedelta(minutes=5)
    )
    walk = eng.add_ritual(couple, "Solo walk", cron="0 7 * * *", participants=["sam"])
    journal = eng.add_ritual(couple, "Appreciation journal", per_week=3, together=False)
    clock.advance(timedelta(days=5))
    return Home(eng, clock, couple, evening, walk, journal, create_app(eng))


Count = Callable[[], int]


@pytest.fixture
def count(home: Home) -> Count:
    return lambda: len(home.events())
