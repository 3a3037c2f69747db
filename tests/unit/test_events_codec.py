"""The event codec: upcasting old payloads, the registry, and a round trip for every type."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

import engine.events  # noqa: F401  (registers every event type)
from engine.events import ERASED, SEALED, Event, event_type, registered_types, upcaster
from engine.events import base as events_base
from engine.events.codec import decode, encode, is_sealed_token
from engine.events.sealing import KeyringCipher, MemoryKeyring
from engine.frozen import frozen

COUPLE = "couple-1"
EVENT_ID = "7d3c1f9e-0000-4000-8000-000000000001"
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def private_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register test-only event types in copies of the registries, undone afterwards."""
    monkeypatch.setattr(events_base, "_REGISTRY", dict(events_base._REGISTRY))
    monkeypatch.setattr(events_base, "_UPCASTERS", dict(events_base._UPCASTERS))


@pytest.fixture
def greeted(private_registry: None) -> type[Event]:
    """``test.greeted`` at schema 3: schema 1 said ``who``, schema 2 added ``warmly``."""

    @event_type("test.greeted", schema=3)
    @frozen(kw_only=True)
    class Greeted(Event):
        name: str
        warmly: bool
        at: datetime

    @upcaster("test.greeted", from_schema=1)
    def rename_who(payload: dict[str, Any]) -> dict[str, Any]:
        payload = dict(payload)
        payload["name"] = payload.pop("who")
        return payload

    @upcaster("test.greeted", from_schema=2)
    def add_warmly(payload: dict[str, Any]) -> dict[str, Any]:
        return {**payload, "warmly": False}

    return Greeted


def test_a_schema_1_payload_is_upcast_into_the_current_class(greeted: type[Event]) -> None:
    old = {"who": "Alex", "at": "2026-03-02T09:00:00+00:00"}

    event = decode("test.greeted", 1, old, couple_id=COUPLE, event_id=EVENT_ID, cipher=None)

    assert event == greeted(name="Alex", warmly=False, at=AT)  # type: ignore[call-arg]
    assert old == {"who": "Alex", "at": "2026-03-02T09:00:00+00:00"}  # not mutated


def test_a_current_payload_is_decoded_without_upcasting(greeted: type[Event]) -> None:
    current = {"name": "Sam", "warmly": True, "at": "2026-03-02T09:00:00+00:00"}

    event = decode("test.greeted", 3, current, couple_id=COUPLE, event_id=EVENT_ID, cipher=None)

    assert event == greeted(name="Sam", warmly=True, at=AT)  # type: ignore[call-arg]


def test_a_schema_without_an_upcaster_cannot_be_decoded(greeted: type[Event]) -> None:
    with pytest.raises(ValueError, match="no upcaster"):
        decode("test.greeted", 0, {}, couple_id=COUPLE, event_id=EVENT_ID, cipher=None)


def test_test_only_types_do_not_leak_into_the_real_registry() -> None:
    assert "test.greeted" not in registered_types()


def test_decoding_an_unknown_type_raises_value_error() -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        decode("no.such_type", 1, {}, couple_id=COUPLE, event_id=EVENT_ID, cipher=None)


def test_registering_a_name_twice_with_another_class_raises(greeted: type[Event]) -> None:
    @frozen(kw_only=True)
    class Impostor(Event):
        name: str

    with pytest.raises(ValueError, match="registered twice"):
        event_type("test.greeted")(Impostor)
    assert registered_types()["test.greeted"] is greeted


def test_registering_the_same_class_again_is_allowed(greeted: type[Event]) -> None:
    assert event_type("test.greeted", schema=3)(greeted) is greeted


# -- every registered type round-trips ----------------------------------------------------


def sample(hint: Any, name: str) -> Any:
    """A sample value for a field, derived from its type hint."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return sample(inner[0], name)
    if origin is tuple:
        return (f"{name} één", f"{name} two ❤")
    if hint is str:
        return f'{name}: Grüße, "quoted" ❤'
    if hint is bool:
        return True
    if hint is int:
        return 3
    if hint is datetime:
        return datetime(2026, 3, 2, 9, 30, 15, 250_000, tzinfo=UTC)
    if hint is date:
        return date(2027, 2, 14)
    if hint is timedelta:
        return timedelta(minutes=20)
    raise AssertionError(f"no sample for {hint!r} (field {name}); extend sample()")


def sample_event(cls: type[Event]) -> Event:
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: sample(hints[f.name], f.name) for f in dataclasses.fields(cls)})


def secret_fields(cls: type[Event]) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if "secret_owner" in f.metadata]


REGISTERED = sorted(registered_types())


def test_every_registered_type_is_covered_by_the_round_trip() -> None:
    assert sorted(registered_types()) == REGISTERED  # nothing registered after collection
    assert len(REGISTERED) >= 20


@pytest.mark.parametrize("name", REGISTERED)
def test_every_registered_type_round_trips_through_the_codec(name: str) -> None:
    cls = registered_types()[name]
    event = sample_event(cls)
    cipher = KeyringCipher(MemoryKeyring())

    payload = encode(event, couple_id=COUPLE, event_id=EVENT_ID, cipher=cipher)
    stored = json.loads(json.dumps(payload))  # what a database hands back
    decoded = decode(name, cls.schema, stored, couple_id=COUPLE, event_id=EVENT_ID, cipher=cipher)

    assert decoded == event
    assert type(decoded) is cls
    for field in secret_fields(cls):
        assert is_sealed_token(payload[field]), field
        assert "Grüße" not in payload[field]


@pytest.mark.parametrize("name", [n for n in REGISTERED if secret_fields(registered_types()[n])])
def test_secret_fields_decode_as_sealed_without_a_cipher(name: str) -> None:
    cls = registered_types()[name]
    event = sample_event(cls)
    payload = encode(
        event, couple_id=COUPLE, event_id=EVENT_ID, cipher=KeyringCipher(MemoryKeyring())
    )

    decoded = decode(name, cls.schema, payload, couple_id=COUPLE, event_id=EVENT_ID, cipher=None)

    for field in secret_fields(cls):
        value = getattr(decoded, field)
        assert value in (SEALED, ()), (field, value)


def test_a_secret_field_sealed_for_one_event_does_not_open_for_another() -> None:
    cls = registered_types()["appreciation.given"]
    cipher = KeyringCipher(MemoryKeyring())
    payload = encode(sample_event(cls), couple_id=COUPLE, event_id=EVENT_ID, cipher=cipher)

    moved = decode(
        "appreciation.given", cls.schema, payload, couple_id=COUPLE, event_id="other", cipher=cipher
    )

    assert moved.text == ERASED  # type: ignore[attr-defined]


def test_encoding_a_naive_datetime_raises_value_error() -> None:
    cls = registered_types()["timeout.called"]
    naive = cls(timeout_id="t", by="sam", at=datetime(2026, 3, 2, 9, 0))  # type: ignore[call-arg]

    with pytest.raises(ValueError, match="timezone-aware"):
        encode(naive, couple_id=COUPLE, event_id=EVENT_ID, cipher=None)


def test_secret_fields_cannot_be_encoded_without_a_cipher() -> None:
    event = sample_event(registered_types()["appreciation.given"])

    with pytest.raises(ValueError, match="cipher"):
        encode(event, couple_id=COUPLE, event_id=EVENT_ID, cipher=None)
