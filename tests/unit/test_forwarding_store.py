"""The views of a store (an undo honoured, a replay's events out of sight) stand on one
forwarding base: every call of the store contract reaches the wrapped store."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.events import CoupleCreated, EventStore, MemoryEventStore, NewEvent
from engine.events.forwarding import ForwardingStore
from engine.events.honouring import HonouringStore

AT = datetime(2026, 3, 1, 9, tzinfo=UTC)


def test_the_forwarding_store_defines_every_call_of_the_contract() -> None:
    contract = {
        name for name, value in vars(EventStore).items() if callable(value) and name[0] != "_"
    }
    assert contract
    assert contract <= set(vars(ForwardingStore))


def test_a_view_forwards_what_it_does_not_change() -> None:
    inner = MemoryEventStore()
    lived = HonouringStore(inner)
    event = CoupleCreated(couple_id="c1", name="Sam & Alex", time_zone="Europe/Berlin")
    positions = lived.append("c1", "couple-c1", [NewEvent(event, AT)], expected_version=0)
    assert positions == [1]
    assert lived.stream_version("couple-c1") == inner.stream_version("couple-c1") == 1
    assert lived.count() == lived.last_position() == 1
    assert [r.event for r in lived.read_stream("couple-c1")] == [event]
    assert lived.cipher is inner.cipher
