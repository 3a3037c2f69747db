"""A public follower of the log: every event once, in order, sealed fields redacted.

The ``store`` fixture runs each test on the in-memory store, SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from engine import Engine, FixedClock, InvalidInput
from engine.events import ERASED, SEALED, EventStore
from engine.events.base import secret_fields
from engine.events.codec import event_class

if TYPE_CHECKING:
    from engine.events.follow import LogRecord

NOTE = "we talked about the garden"
THANKS = "thank you for the soup"
SECRETS = ("Sam & Alex", "Evening walk", NOTE, THANKS, "Samantha")


def history(eng: Engine) -> None:
    couple = eng.create_couple(
        "Sam & Alex", ["sam", "alex"], "Europe/Berlin", display_names={"sam": "Samantha"}
    )
    eng.add_ritual(couple, "Evening walk", cron="0 19 * * *")
    eng.check_in(couple, "Evening walk", by="sam", note=NOTE)
    eng.appreciate(couple, by="alex", to="sam", text=THANKS)


@pytest.fixture
def eng(store: EventStore, fixed_clock: FixedClock) -> Engine:
    engine = Engine(store, fixed_clock)
    history(engine)
    return engine


def everything(records: list[LogRecord]) -> str:
    return repr([(r, dict(r.fields)) for r in records])


def test_sealed_fields_are_redacted_unless_the_caller_asks_to_reveal_them(eng: Engine) -> None:
    records = eng.events()

    assert records and not any(secret in everything(records) for secret in SECRETS)
    for record in records:
        for name in secret_fields(event_class(record.type)):
            assert record.fields[name] == SEALED
    revealed = everything(eng.events(reveal=True))
    assert all(secret in revealed for secret in SECRETS)


def test_records_name_the_type_schema_couple_and_acting_partner(eng: Engine) -> None:
    couple = eng.couples()[0]
    sam = next(p.id for p in couple.partners if p.handle == "sam")

    (check_in,) = [r for r in eng.events() if r.type == "ritual.checked_in"]

    assert (check_in.couple_id, check_in.actor, check_in.schema) == (couple.id, sam, 1)
    assert check_in.stream_id.startswith("ritual-") and check_in.fields["partner_id"] == sam
    with pytest.raises(TypeError):
        check_in.fields["partner_id"] = "someone else"  # type: ignore[index]


def test_an_erased_partners_words_stay_unreadable_even_when_revealing(eng: Engine) -> None:
    eng.erase_partner(eng.couples()[0], "sam")

    revealed = everything(eng.events(reveal=True))

    assert NOTE not in revealed and "Samantha" not in revealed and ERASED in revealed


def test_following_from_a_checkpoint_sees_every_event_once_and_in_order(eng: Engine) -> None:
    follower = eng.follow(limit=2)
    seen = [r.position for r in follower.poll()]
    checkpoint = follower.position
    couple = eng.couples()[0]
    eng.appreciate(couple, by="sam", to="alex", text="for the music")  # commits mid-way
    seen += [r.position for r in follower.poll()]

    resumed = eng.follow(after=checkpoint, limit=3)  # another process, from the saved point
    eng.check_in(couple, "Evening walk", by="alex")
    seen_again = seen[:2] + [r.position for r in resumed]

    everything_stored = [r.position for r in eng.store.read_all(limit=1000)]
    assert seen_again == everything_stored
    assert seen == everything_stored[: len(seen)] and len(set(seen)) == len(seen)
    assert resumed.position == eng.store.last_position() and resumed.poll() == []


@pytest.mark.parametrize("after, limit", [(-1, 10), (0, 0), (0, 10_001), (True, 10), ("3", 10)])
def test_a_bad_position_or_page_size_is_refused_clearly(
    eng: Engine, after: object, limit: object
) -> None:
    with pytest.raises(InvalidInput, match=r"after must|limit must"):
        eng.events(after=after, limit=limit)  # type: ignore[arg-type]
