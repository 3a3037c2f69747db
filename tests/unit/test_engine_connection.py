"""Appreciations, repairs, time-outs, ground rules and capsules through the Engine."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from engine import Engine, FixedClock, InvalidInput, MemoryEventStore, NotAllowed, NotFound
from engine.events import AppreciationGiven


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 18, 0, tzinfo=UTC))


@pytest.fixture
def eng(clock: FixedClock) -> Engine:
    return Engine(MemoryEventStore(clock), clock)


@pytest.fixture
def couple(eng: Engine) -> str:
    return eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin").id


def test_a_private_appreciation_stays_out_of_the_shared_history_until_shared(
    eng: Engine, couple: str
) -> None:
    aid = eng.appreciate(couple, by="sam", to="alex", text="you listened so well", private=True)
    assert all(h.type != "appreciation.given" for h in eng.history(couple))
    with pytest.raises(NotAllowed, match="only the partner who wrote"):
        eng.share_appreciation(couple, aid[:6], by="alex")
    eng.share_appreciation(couple, aid[:6], by="sam")
    assert eng.history(couple, limit=1)[0].summary == "shared an appreciation from the journal"
    with pytest.raises(NotAllowed, match="already shared"):
        eng.share_appreciation(couple, aid, by="sam")


def test_appreciation_texts_are_stored_sealed(eng: Engine, couple: str) -> None:
    eng.appreciate(couple, by="sam", to="alex", text="the way you laugh")
    store = eng.store
    assert isinstance(store, MemoryEventStore)
    raw = store.raw_rows()[-1].payload
    assert raw["text"].startswith("s1:") and "laugh" not in raw["text"]
    (given,) = [r.event for r in store.read_types(("appreciation.given",))]
    assert isinstance(given, AppreciationGiven) and given.text == "the way you laugh"


def test_a_repair_is_answered_by_the_other_partner_only(eng: Engine, couple: str) -> None:
    rid = eng.repair(couple, by="sam", kind="apology")
    with pytest.raises(NotAllowed, match="other partner"):
        eng.respond_to_repair(couple, rid, by="sam", answer="accepted")
    with pytest.raises(InvalidInput):
        eng.respond_to_repair(couple, rid, by="alex", answer="maybe")
    assert eng.respond_to_repair(couple, rid[:8], by="alex", answer="not-yet") == rid


def test_a_repair_attempt_needs_a_partner_to_answer(clock: FixedClock) -> None:
    solo = Engine(MemoryEventStore(clock), clock)
    robin = solo.create_couple("Robin", ["robin"], "UTC")
    with pytest.raises(NotAllowed, match="two partners"):
        solo.repair(robin, by="robin", kind="apology")


def test_time_outs_open_and_close(eng: Engine, couple: str) -> None:
    first = eng.call_timeout(couple, by="alex")
    with pytest.raises(NotAllowed):
        eng.call_timeout(couple, by="sam")
    assert eng.end_timeout(couple, by="sam") == first
    with pytest.raises(NotAllowed):
        eng.end_timeout(couple, by="sam")


def test_ground_rules_are_replaced_as_a_whole(eng: Engine, couple: str) -> None:
    eng.agree_ground_rules(couple, ["No name-calling", "Twenty minutes at most"])
    eng.agree_ground_rules(couple, ["No name-calling"])
    assert eng.ground_rules(couple) == ("No name-calling",)
    with pytest.raises(InvalidInput):
        eng.agree_ground_rules(couple, [])


def test_a_capsule_opens_three_months_later_by_default_and_not_before(
    eng: Engine, clock: FixedClock, couple: str
) -> None:
    sealed = eng.seal_capsule(couple, by="sam", message="Right now I feel hopeful.")
    assert sealed.opens_on == date(2026, 6, 2)
    assert eng.capsules(couple)[0].message is None
    with pytest.raises(NotAllowed, match="sealed until 2026-06-02"):
        eng.open_capsule(couple, sealed.id, by="alex")
    clock.advance(timedelta(days=92))
    opened = eng.open_capsule(couple, sealed.id[:8], by="alex")
    assert opened.message == "Right now I feel hopeful." and opened.opened
    assert eng.open_capsule(couple, sealed.id, by="sam").opened  # opening twice is harmless


def test_capsule_months_clamp_to_the_end_of_the_month(clock: FixedClock) -> None:
    clock.now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    e = Engine(MemoryEventStore(clock), clock)
    couple = e.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
    assert e.seal_capsule(couple, by="sam", message="hello").opens_on == date(2027, 2, 28)


def test_couples_are_found_by_id_or_view_only_and_names_are_unique(
    eng: Engine, couple: str
) -> None:
    (view,) = eng.couples()
    assert eng.couple(couple) == eng.couple(view) == view
    for guess in ("sam & alex", "Sam & Alex", couple[:6], "nobody"):
        with pytest.raises(NotFound, match="no couple has that id"):
            eng.couple(guess)
    with pytest.raises(NotAllowed):
        eng.create_couple("SAM & ALEX", ["kim"], "UTC")


def test_handles_are_checked(eng: Engine) -> None:
    with pytest.raises(InvalidInput, match="handle"):
        eng.create_couple("Other", ["Kim Lee"], "UTC")
    with pytest.raises(InvalidInput, match="different handle"):
        eng.create_couple("Other", ["kim", "KIM"], "UTC")
