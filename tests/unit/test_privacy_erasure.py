"""Erasure on an append-only log, through the API on the in-memory store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from engine import Engine, FixedClock, MemoryEventStore, NotAllowed, NotFound
from engine.domain import couple as couple_domain
from engine.domain import ritual as ritual_domain
from engine.events import ERASED, CoupleErased, PartnerErased
from engine.events.base import secret_fields
from engine.events.sealing import KeyringCipher, MemoryKeyring

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def eng() -> Engine:
    clock = FixedClock(START)
    eng = Engine(MemoryEventStore(clock), clock)
    for name, handles in (("Sam & Alex", ["sam", "alex"]), ("Kim & Lou", ["kim", "lou"])):
        couple = eng.create_couple(name, handles, "Europe/Berlin")
        eng.add_ritual(couple, "Morning check", cron="30 7 * * *", duration=timedelta(minutes=2))
    sam_and_alex(eng)
    return eng


def named(eng: Engine, name: str) -> str:
    """The id of the listed couple of that name (the library takes ids, not names)."""
    return next(c.id for c in eng.couples() if c.name == name)


def sam_and_alex(eng: Engine) -> None:
    c = named(eng, "Sam & Alex")
    eng.check_in(c, "Morning check", by="sam", note="sam's note")
    eng.check_in(c, "Morning check", by="alex", note="alex's note", note_shared=True)
    eng.appreciate(c, by="sam", to="alex", text="sam thanks alex", private=True)
    eng.appreciate(c, by="alex", to="sam", text="alex thanks sam")
    eng.seal_capsule(c, by="alex", message="alex's letter", opens_on=date(2026, 12, 1))
    eng.agree_ground_rules(c, ["we pause when it gets loud"])


def secret_values(eng: Engine, couple_id: str) -> list[object]:
    return [
        getattr(r.event, name)
        for r in eng.store.read_couple(couple_id)
        for name in secret_fields(type(r.event))
        if getattr(r.event, name) not in (None, ())
    ]


def test_erasing_a_couple_leaves_no_readable_text_in_their_events(eng: Engine) -> None:
    couple_id = eng.couple(named(eng, "Sam & Alex")).id

    done = eng.erase_couple(named(eng, "Sam & Alex"))

    assert done.keys_destroyed == 3  # the couple's key and one for each partner
    values = secret_values(eng, couple_id)
    assert values and set(values) == {ERASED}
    assert eng.store.read_couple(couple_id)[-1].event == CoupleErased(at=START)


def test_an_erased_couple_no_longer_resolves_and_is_not_listed(eng: Engine) -> None:
    couple_id = eng.couple(named(eng, "Sam & Alex")).id
    eng.erase_couple(named(eng, "Sam & Alex"))

    with pytest.raises(NotFound, match="erased at their request"):
        eng.couple(couple_id)
    with pytest.raises(NotFound, match="erased at their request"):
        eng.rituals(couple_id)
    assert [c.name for c in eng.couples()] == ["Kim & Lou"]


def test_other_couples_keep_working_after_one_is_erased(eng: Engine) -> None:
    eng.erase_couple(named(eng, "Sam & Alex"))

    eng.check_in(named(eng, "Kim & Lou"), "Morning check", by="kim", note="still here")
    eng.appreciate(named(eng, "Kim & Lou"), by="lou", to="kim", text="thank you")

    assert [n.text for n in eng.notes(named(eng, "Kim & Lou"), viewer="kim")] == ["still here"]
    assert [j.text for j in eng.journal(named(eng, "Kim & Lou"))] == ["thank you"]
    eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")  # the name is free again


def test_replaying_the_whole_log_after_an_erasure_does_not_fail(eng: Engine) -> None:
    couple_id = eng.couple(named(eng, "Sam & Alex")).id
    eng.erase_couple(named(eng, "Sam & Alex"))

    recorded = eng.store.read_all(decrypt=True)
    streams: dict[str, list[object]] = {}
    for r in recorded:
        streams.setdefault(r.stream_id, []).append(r.event)
    for stream_id, events in streams.items():
        fold = couple_domain.fold if stream_id.startswith("couple-") else ritual_domain.fold
        fold(events)  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="erased at their request"):
        eng.couple(couple_id)
    assert eng.couple(named(eng, "Kim & Lou")).name == "Kim & Lou"


def test_erasing_a_partner_erases_their_words_and_keeps_everyone_else_s(eng: Engine) -> None:
    c = named(eng, "Sam & Alex")

    done = eng.erase_partner(c, "alex")

    assert (done.partner, done.keys_destroyed) == ("alex", 1)
    assert [j.text for j in eng.journal(c, viewer="sam")] == ["sam thanks alex", ERASED]
    assert [n.text for n in eng.notes(c, viewer="sam")] == ["sam's note", ERASED]
    assert eng.ground_rules(c) == ("we pause when it gets loud",)
    assert [p.handle for p in eng.couple(c).partners] == ["sam"]
    assert eng.ritual(c, "Morning check").participants == ("sam",)
    assert "alex left, and their own words were erased" in [
        h.summary for h in eng.history(c, viewer="sam")
    ]
    assert isinstance(eng.store.read_couple(done.couple_id)[-1].event, PartnerErased)


def test_the_partner_who_stays_keeps_practising(eng: Engine) -> None:
    c = named(eng, "Sam & Alex")
    eng.erase_partner(c, "alex")

    eng.add_ritual(c, "Evening walk", cron="0 19 * * *")
    eng.check_in(c, "Evening walk", by="sam", note="a slow walk", note_shared=True)

    assert eng.ritual(c, "Evening walk").participants == ("sam",)
    assert "a slow walk" in [n.text for n in eng.notes(c)]


def test_a_partner_who_left_can_no_longer_write_or_be_read_as(eng: Engine) -> None:
    c = named(eng, "Sam & Alex")
    eng.erase_partner(c, "alex")

    with pytest.raises(NotAllowed, match="no longer part of this couple"):
        eng.check_in(c, "Morning check", by="alex", at=START + timedelta(days=1))
    with pytest.raises(NotAllowed, match="no longer part of this couple"):
        eng.journal(c, viewer="alex")
    with pytest.raises(NotAllowed, match="no longer part of this couple"):
        eng.rename_partner(c, "alex", "Al")


def test_erasing_a_partner_again_finishes_the_job_without_a_second_tombstone(eng: Engine) -> None:
    c = named(eng, "Sam & Alex")
    first = eng.erase_partner(c, "alex")
    count = eng.store.count()

    again = eng.erase_partner(c, "alex")

    assert (again.partner, again.keys_destroyed) == ("alex", 0)
    assert eng.store.count() == count
    assert first.couple_id == again.couple_id


def test_the_only_partner_left_is_erased_with_the_couple_not_alone(eng: Engine) -> None:
    c = named(eng, "Sam & Alex")
    eng.erase_partner(c, "alex")
    count = eng.store.count()

    with pytest.raises(NotAllowed, match="only partner here"):
        eng.erase_partner(c, "sam")
    assert eng.store.count() == count


def test_a_new_partner_may_join_under_the_handle_of_one_who_left(eng: Engine) -> None:
    c = named(eng, "Sam & Alex")
    eng.erase_partner(c, "alex")

    eng.add_partner(c, "alex", "Alexis")
    eng.appreciate(c, by="alex", to="sam", text="glad to be here")

    assert [p.display_name for p in eng.couple(c).partners] == ["Sam", "Alexis"]
    assert [j.text for j in eng.journal(c)][-1] == "glad to be here"


class CountingKeyring(MemoryKeyring):
    def __init__(self, keys: MemoryKeyring) -> None:
        super().__init__()
        self._keys = keys._keys
        self.asked: list[str] = []

    def get(self, couple_id: str, owner: str) -> bytes | None:
        self.asked.append(couple_id)
        return super().get(couple_id, owner)


def test_listing_couples_no_longer_looks_up_keys_of_erased_couples(eng: Engine) -> None:
    erased = eng.erase_couple(named(eng, "Sam & Alex")).couple_id
    store = eng.store
    assert isinstance(store.cipher.keyring, MemoryKeyring)
    keyring = CountingKeyring(store.cipher.keyring)
    store.cipher = KeyringCipher(keyring)  # as a fresh process would start

    assert [c.name for c in eng.couples()] == ["Kim & Lou"]
    eng.couples()

    assert keyring.asked and erased not in keyring.asked
