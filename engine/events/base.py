"""Events: frozen dataclasses with a stable dotted name and a schema version.

An event class is registered once with :func:`event_type`. Its storage name never
changes; a changed payload bumps ``schema`` and registers an :func:`upcaster` that
turns the old payload shape into the next one. Fields holding intimate text are
declared with :func:`secret` so that the codec stores them encrypted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from engine.frozen import frozen

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]

E = TypeVar("E", bound="Event")

_REGISTRY: dict[str, type[Event]] = {}
_UPCASTERS: dict[tuple[str, int], Upcaster] = {}

COUPLE_KEY = ""
"""The owner name of a couple's shared data key (partner keys use the partner id)."""


@frozen(kw_only=True)
class Event:
    """Base class of every domain event."""

    type_name: ClassVar[str] = ""
    schema: ClassVar[int] = 1


def event_type(name: str, *, schema: int = 1) -> Callable[[type[E]], type[E]]:
    """Register an event class under its stable storage ``name``."""

    def register(cls: type[E]) -> type[E]:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ValueError(f"event type {name!r} is registered twice")
        cls.type_name = name
        cls.schema = schema
        _REGISTRY[name] = cls
        return cls

    return register


def secret(*, owner: str | None = None, default: Any = dataclasses.MISSING) -> Any:
    """Declare a field that holds intimate text, stored encrypted.

    ``owner`` names the field holding the partner id whose personal key encrypts the
    value (so that one partner's words can be erased on their own); without it the
    couple's shared key is used.
    """
    metadata = {"secret_owner": owner}
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def secret_fields(cls: type[Event]) -> tuple[str, ...]:
    """The names of the fields of ``cls`` declared with :func:`secret`."""
    return tuple(f.name for f in dataclasses.fields(cls) if "secret_owner" in f.metadata)


def upcaster(name: str, *, from_schema: int) -> Callable[[Upcaster], Upcaster]:
    """Register a function turning payloads of ``name`` at ``from_schema`` into the next schema."""

    def register(fn: Upcaster) -> Upcaster:
        _UPCASTERS[(name, from_schema)] = fn
        return fn

    return register


def upcast(name: str, schema: int, payload: Payload) -> Payload:
    """Bring a stored payload up to the registered schema of its event type."""
    target = event_class(name).schema
    while schema < target:
        step = _UPCASTERS.get((name, schema))
        if step is None:
            raise ValueError(f"no upcaster for {name} schema {schema}")
        payload = step(payload)
        schema += 1
    return payload


def event_class(name: str) -> type[Event]:
    """The class registered under ``name``."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown event type {name!r}") from None


def registered_types() -> dict[str, type[Event]]:
    """A copy of the registry, for tests and documentation."""
    return dict(_REGISTRY)
