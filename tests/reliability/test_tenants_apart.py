"""One database, many couples: a crafted full export can never reach another couple.

The attacker exports their own couple in full, then edits the file so that it reuses
the victim couple's ritual id, sharing link id and link token hash, and revokes that
link. Importing it is refused with one line and nothing written; and even with that
refusal switched off, the read models and the sharing-link table are keyed by couple,
so the victim's streak (before and after a rebuild), calendar feed, served link and
link list stay exactly as they were when a file reusing only a link id gets through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from engine import Engine, FixedClock, NotAllowed, RitualError
from engine.domain.sharing import token_hash
from engine.services.portability import Portability

if TYPE_CHECKING:
    from engine.views.couples import CoupleView

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
BASE = "https://cal.example.org"
DAYS = 5


def practise(eng: Engine, clock: FixedClock, couple: CoupleView) -> str:
    """A daily walk at 07:00 UTC that both did DAYS days running; returns the ritual id."""
    ritual = eng.add_ritual(couple, "Walk", cron="0 7 * * *")
    for _ in range(DAYS):
        clock.advance(timedelta(hours=1, minutes=30))
        for partner in couple.partners:
            eng.check_in(couple, "Walk", by=partner.handle)
        clock.advance(timedelta(hours=22, minutes=30))
    return ritual.id


@dataclass
class Victim:
    eng: Engine
    couple: CoupleView
    ritual_id: str
    link_id: str
    token: str

    def snapshot(self) -> dict[str, Any]:
        target = self.eng.feed_target(self.token)
        return {
            "streaks": self.eng.streaks(self.couple),
            "feed": self.eng.calendar_feed(self.couple),
            "links": self.eng.feed_links(self.couple, include_revoked=True),
            "served": None if target is None else (target.couple_id, target.link_id),
        }


@pytest.fixture
def victim(db_url: str) -> Iterator[Victim]:
    clock = FixedClock(START)
    with Engine.open(db_url, clock=clock) as eng:
        couple = eng.create_couple("Kim & Lee", ["kim", "lee"], "UTC")
        ritual_id = practise(eng, clock, couple)
        issued = eng.share_feed(couple, base_url=BASE, label="Kim's phone")
        token = issued.url.rsplit("/", 1)[1].removesuffix(".ics")
        yield Victim(eng, couple, ritual_id, issued.link.id, token)


def crafted_export(folder: Path, victim: Victim, *, keep_streams: bool) -> dict[str, Any]:
    """A full export of another couple whose ritual id, link id and token hash are the
    victim's, with that link revoked at the end."""
    clock = FixedClock(START)
    with Engine.open(f"sqlite:///{folder / 'attacker.db'}", clock=clock) as eng:
        couple = eng.create_couple("Mal & Eve", ["mal", "eve"], "UTC")
        ritual_id = practise(eng, clock, couple)
        issued = eng.share_feed(couple, base_url=BASE)
        own_hash = token_hash(issued.url.rsplit("/", 1)[1].removesuffix(".ics"))
        eng.revoke_feed_link(couple, issued.link.id)
        text = json.dumps(eng.export_data(couple, full=True))
    text = text.replace(ritual_id, victim.ritual_id).replace(issued.link.id, victim.link_id)
    doc: dict[str, Any] = json.loads(text.replace(own_hash, token_hash(victim.token)))
    if keep_streams:  # only the ids inside the events are the victim's
        for event in doc["events"]:
            event["stream_id"] = event["stream_id"].replace(victim.ritual_id, ritual_id)
    return doc


@pytest.mark.parametrize("keep_streams", [False, True], ids=["same-streams", "own-streams"])
def test_an_import_reusing_another_couples_ids_is_refused_and_writes_nothing(
    victim: Victim, tmp_path: Path, keep_streams: bool
) -> None:
    doc = crafted_export(tmp_path, victim, keep_streams=keep_streams)
    before, events = victim.snapshot(), victim.eng.store.count()

    with pytest.raises(RitualError) as refused:  # another couple's ids, or a ritual of no one
        victim.eng.import_data(doc)

    assert "\n" not in str(refused.value) and "nothing was imported" in str(refused.value)
    assert victim.eng.store.count() == events
    assert victim.snapshot() == before
    victim.eng.rebuild()
    assert victim.snapshot() == before


def link_only_export(folder: Path, victim: Victim) -> dict[str, Any]:
    """A consistent export whose rituals are its own but whose link id and token hash
    are the victim's."""
    doc = crafted_export(folder, victim, keep_streams=False)
    text = json.dumps(doc).replace(victim.ritual_id, "ab" * 16)
    result: dict[str, Any] = json.loads(text)
    return result


def test_reusing_only_a_link_id_is_refused_too(victim: Victim, tmp_path: Path) -> None:
    doc = link_only_export(tmp_path, victim)
    with pytest.raises(NotAllowed, match="another couple in this database already has"):
        victim.eng.import_data(doc)


def test_even_unchecked_the_victims_streak_feed_and_links_stay_as_they_were(
    victim: Victim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The storage itself keeps couples apart, whatever gets past the import's check."""
    doc = link_only_export(tmp_path, victim)
    token = "t" * 43
    doc = json.loads(json.dumps(doc).replace(token_hash(victim.token), token_hash(token)))
    before = victim.snapshot()
    assert before["streaks"][0].couple.current == DAYS
    monkeypatch.setattr(Portability, "_refuse_foreign_ids", lambda self, plan: None)

    events = victim.eng.store.count()

    intruder = victim.eng.import_data(doc)

    assert victim.eng.store.count() == events + len(doc["events"])
    assert intruder.id != victim.couple.id
    assert victim.snapshot() == before
    victim.eng.rebuild()
    assert victim.snapshot() == before
    assert before["served"] == (victim.couple.id, victim.link_id)
