"""Reading as someone: who sees which intimate text, through the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from engine import Engine, FixedClock, InvalidInput, MemoryEventStore, NotAllowed, NotFound
from engine.domain.couple import fold
from engine.domain.visibility import EVERYONE, hidden_fields, is_listed, texts_readable
from engine.events import AppreciationGiven, CapsuleSealed, CheckedIn

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def only(eng: Engine) -> str:
    """The id of the one couple this engine holds (the library takes ids, never guesses)."""
    (couple,) = eng.couples()
    return couple.id


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def eng(clock: FixedClock) -> Engine:
    eng = Engine(MemoryEventStore(clock), clock)
    eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(only(eng), "Morning check", cron="30 7 * * *", duration=timedelta(minutes=2))
    return eng


def test_a_private_appreciation_is_read_only_by_its_writer(eng: Engine) -> None:
    eng.appreciate(only(eng), by="sam", to="alex", text="you held me up today", private=True)

    assert [j.text for j in eng.journal(only(eng), viewer="sam")] == ["you held me up today"]
    assert eng.journal(only(eng), viewer="alex") == []
    assert eng.journal(only(eng)) == []


def test_a_journal_entry_once_shared_is_read_by_everyone(eng: Engine) -> None:
    aid = eng.appreciate(
        only(eng), by="sam", to="alex", text="thank you for the walk", private=True
    )
    eng.share_appreciation(only(eng), aid, by="sam")

    for viewer in (None, "sam", "alex"):
        (entry,) = eng.journal(only(eng), viewer=viewer)
        assert (entry.text, entry.shared, entry.author) == ("thank you for the walk", True, "sam")


def test_a_check_in_note_is_read_only_by_its_writer_unless_shared(eng: Engine) -> None:
    eng.check_in(only(eng), "Morning check", by="sam", note="slow coffee")
    eng.check_in(only(eng), "Morning check", by="alex", note="good start", note_shared=True)

    assert [n.text for n in eng.notes(only(eng), viewer="sam")] == ["slow coffee", "good start"]
    assert [n.text for n in eng.notes(only(eng), viewer="alex")] == ["good start"]
    assert [n.text for n in eng.notes(only(eng))] == ["good start"]
    assert eng.notes(only(eng), viewer="sam")[0].ritual == "Morning check"


def test_repair_notes_are_read_only_by_their_writer(eng: Engine) -> None:
    rid = eng.repair(only(eng), by="alex", kind="apology", note="I was short with you")
    eng.respond_to_repair(only(eng), rid, by="sam", answer="accepted", note="it helped")

    assert [n.text for n in eng.notes(only(eng), viewer="alex")] == ["I was short with you"]
    assert [(n.kind, n.text) for n in eng.notes(only(eng), viewer="sam")] == [
        ("repair-answer", "it helped")
    ]
    assert eng.notes(only(eng)) == []


def test_a_skip_reason_is_read_only_by_the_partner_who_gave_it(eng: Engine) -> None:
    eng.skip(only(eng), "Morning check", by="alex", reason="travel")

    assert [(n.kind, n.text, n.shared) for n in eng.notes(only(eng), viewer="alex")] == [
        ("skip", "travel", False)
    ]
    assert eng.notes(only(eng), viewer="sam") == [] and eng.notes(only(eng)) == []


def test_a_skip_reason_needs_a_partner_to_belong_to(eng: Engine) -> None:
    with pytest.raises(InvalidInput, match="--by"):
        eng.skip(only(eng), "Morning check", reason="travel")
    assert eng.skip(only(eng), "Morning check").title == "Morning check"  # no reason: fine


def test_a_capsule_stays_sealed_for_everyone_until_its_date_then_opens_for_both(
    eng: Engine, clock: FixedClock
) -> None:
    sealed = eng.seal_capsule(
        only(eng), by="sam", message="where I am now", opens_on=date(2027, 2, 1)
    )

    for viewer in (None, "sam", "alex"):
        assert [c.message for c in eng.capsules(only(eng), viewer=viewer)] == [None]
    with pytest.raises(NotAllowed, match="sealed until 2027-02-01"):
        eng.open_capsule(only(eng), sealed.id, by="sam")

    clock.advance(timedelta(days=69, hours=13))  # 2027-01-31 23:00 in Berlin: not yet
    assert [c.message for c in eng.capsules(only(eng), viewer="sam")] == [None]
    clock.advance(timedelta(hours=1))  # midnight in Berlin: the opening date

    for viewer in (None, "sam", "alex"):
        assert [c.message for c in eng.capsules(only(eng), viewer=viewer)] == ["where I am now"]
    assert eng.open_capsule(only(eng), sealed.id, by="alex").message == "where I am now"


def test_the_shared_history_leaves_out_a_private_entry_that_its_writer_still_sees(
    eng: Engine,
) -> None:
    eng.appreciate(only(eng), by="sam", to="alex", text="quietly grateful", private=True)

    def types(viewer: str | None) -> list[str]:
        return [h.type for h in eng.history(only(eng), viewer=viewer)]

    assert "appreciation.given" in types("sam")
    assert "appreciation.given" not in types("alex")
    assert "appreciation.given" not in types(None)


def test_reading_as_someone_outside_the_couple_is_refused(eng: Engine) -> None:
    with pytest.raises(NotFound, match="unknown partner"):
        eng.journal(only(eng), viewer="zoe")
    with pytest.raises(NotFound):
        eng.history(only(eng), viewer="zoe")


def test_a_full_view_reads_every_text_and_hides_no_field(eng: Engine) -> None:
    eng.appreciate(only(eng), by="sam", to="alex", text="only mine", private=True)
    eng.check_in(only(eng), "Morning check", by="alex", note="only alex's")
    eng.seal_capsule(only(eng), by="sam", message="later", opens_on=date(2027, 2, 1))
    recorded = eng.store.read_couple(eng.couple(only(eng)).id)
    state = fold([r.event for r in recorded if r.stream_id.startswith("couple-")])
    today = date(2026, 11, 23)

    for r in recorded:
        assert is_listed(r.event, EVERYONE, state)
        assert hidden_fields(r.event, EVERYONE, state, today) == ()
    private = [r.event for r in recorded if isinstance(r.event, AppreciationGiven)]
    note = [r.event for r in recorded if isinstance(r.event, CheckedIn)]
    capsule = [r.event for r in recorded if isinstance(r.event, CapsuleSealed)]
    assert not is_listed(private[0], None, state)
    assert hidden_fields(note[0], None, state, today) == ("note",)
    assert not texts_readable(capsule[0], private[0].author, state, today)
