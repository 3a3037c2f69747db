"""Turning events into JSON payloads and back.

Pure: the codec never touches a database. Secret fields are sealed with a
:class:`Cipher` handed in by the caller; decoding without one (projections need no
text) leaves :data:`SEALED` in their place, and decoding after a key was destroyed
leaves :data:`ERASED`.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from engine.events.base import COUPLE_KEY, Event, Payload, event_class, upcast
from engine.events.sealing import TOKEN_PREFIX as _TOKEN_PREFIX
from engine.frozen import frozen

SEALED = "[sealed]"
"""Stands in for a secret text that was decoded without a cipher."""

ERASED = "[erased]"
"""Stands in for a secret text whose key has been destroyed."""


class Cipher(Protocol):
    """Seals and opens secret texts under a couple's or a partner's key."""

    def seal(self, couple_id: str, owner: str, context: tuple[str, ...], plain: bytes) -> str:
        """Encrypt ``plain``; ``context`` is authenticated but not stored."""
        ...

    def open(
        self, couple_id: str, owner: str, context: tuple[str, ...], token: str
    ) -> bytes | None:
        """Decrypt ``token``, or return ``None`` when the key no longer exists."""
        ...


@frozen
class _Field:
    """How one field of an event class is written to and read from a stored payload."""

    name: str
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]
    secret_owner: str | None  # None: not secret; "" the couple key; else the owner field name
    is_tuple: bool


def _dt_out(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("event datetimes must be timezone-aware")
    return value.astimezone(UTC).isoformat()


def _dt_in(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _td_out(value: timedelta) -> float | int:
    seconds = value.total_seconds()
    return int(seconds) if seconds.is_integer() else seconds


def _identity(value: Any) -> Any:
    return value


def _tuple_in(value: Any) -> tuple[Any, ...]:
    return tuple(value)


def _optional(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        return None if value is None else fn(value)

    return convert


_CONVERTERS: dict[Any, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    datetime: (_dt_out, _dt_in),
    date: (date.isoformat, date.fromisoformat),
    timedelta: (_td_out, lambda s: timedelta(seconds=s)),
}


def _converters(hint: Any) -> tuple[Callable[[Any], Any], Callable[[Any], Any], bool]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in args if a is not type(None)]
        enc, dec, is_tuple = (
            _converters(inner[0]) if len(inner) == 1 else (_identity, _identity, False)
        )
        return _optional(enc), _optional(dec), is_tuple
    if origin is tuple:
        return list, _tuple_in, True
    if hint in _CONVERTERS:
        enc, dec = _CONVERTERS[hint]
        return enc, dec, False
    return _identity, _identity, False


_SPECS: dict[type[Event], tuple[_Field, ...]] = {}


def _spec(cls: type[Event]) -> tuple[_Field, ...]:
    spec = _SPECS.get(cls)
    if spec is None:
        hints = typing.get_type_hints(cls)
        fields = []
        for f in dataclasses.fields(cls):
            enc, dec, is_tuple = _converters(hints[f.name])
            secret_owner = (
                (f.metadata["secret_owner"] or COUPLE_KEY) if "secret_owner" in f.metadata else None
            )
            fields.append(_Field(f.name, enc, dec, secret_owner, is_tuple))
        spec = _SPECS[cls] = tuple(fields)
    return spec


def _owner_of(field: _Field, values: dict[str, Any]) -> str:
    if not field.secret_owner:
        return COUPLE_KEY
    return str(values[field.secret_owner])


def encode(event: Event, *, couple_id: str, event_id: str, cipher: Cipher | None) -> Payload:
    """The JSON-ready payload of ``event``, with secret fields sealed."""
    values = {f.name: getattr(event, f.name) for f in _spec(type(event))}
    payload: Payload = {}
    for f in _spec(type(event)):
        value = f.encode(values[f.name])
        if f.secret_owner is not None and value is not None:
            if cipher is None:
                raise ValueError("a cipher is needed to store secret fields")
            plain = json.dumps(value, ensure_ascii=False).encode()
            context = (event.type_name, event_id, f.name)
            value = cipher.seal(couple_id, _owner_of(f, values), context, plain)
        payload[f.name] = value
    return payload


def to_plain(event: Event) -> Payload:
    """The JSON-ready payload of ``event`` with every field in the clear (for exports)."""
    return {f.name: f.encode(getattr(event, f.name)) for f in _spec(type(event))}


def from_plain(type_name: str, schema: int, payload: Payload) -> Event:
    """Rebuild an event from :func:`to_plain` output, upcasting old schemas first.

    Raises ``ValueError`` (or ``TypeError``) when the payload does not fit the event.
    """
    cls = event_class(type_name)
    if schema != cls.schema:
        payload = upcast(type_name, schema, dict(payload))
    kwargs = {f.name: f.decode(payload[f.name]) for f in _spec(cls) if f.name in payload}
    event = cls(**kwargs)
    hints = typing.get_type_hints(cls)
    for name, value in kwargs.items():
        if not _fits(hints[name], value):
            raise ValueError(f"field {name} of {type_name} has the wrong type")
    return event


def _fits(hint: Any, value: Any) -> bool:
    """Whether a decoded value has the type its field declares (datetimes must be aware)."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return any(_fits(arg, value) for arg in typing.get_args(hint))
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return isinstance(value, tuple) and all(_fits(item, v) for v in value)
    if hint is type(None):
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is datetime:
        return isinstance(value, datetime) and value.tzinfo is not None
    return isinstance(value, hint)


def decode(
    type_name: str,
    schema: int,
    payload: Payload,
    *,
    couple_id: str,
    event_id: str,
    cipher: Cipher | None,
) -> Event:
    """Rebuild an event from its stored payload, upcasting old schemas first."""
    cls = event_class(type_name)
    if schema != cls.schema:
        payload = upcast(type_name, schema, dict(payload))
    kwargs: dict[str, Any] = {}
    for f in _spec(cls):
        value = payload.get(f.name)
        if f.secret_owner is not None and value is not None:
            value = _open(f, value, payload, cls, couple_id, event_id, cipher)
            if value is None:
                kwargs[f.name] = () if f.is_tuple else ERASED
                continue
            if isinstance(value, str) and value == SEALED:
                kwargs[f.name] = () if f.is_tuple else SEALED
                continue
        kwargs[f.name] = f.decode(value)
    return cls(**kwargs)


def _open(
    f: _Field,
    token: Any,
    payload: Payload,
    cls: type[Event],
    couple_id: str,
    event_id: str,
    cipher: Cipher | None,
) -> Any:
    if cipher is None:
        return SEALED
    if not isinstance(token, str) or not token.startswith(_TOKEN_PREFIX):
        raise ValueError(f"field {f.name} of {cls.type_name} is not sealed")
    plain = cipher.open(couple_id, _owner_of(f, payload), (cls.type_name, event_id, f.name), token)
    if plain is None:
        return None
    return json.loads(plain)


def is_sealed_token(value: object) -> bool:
    """True for a value produced by a cipher's ``seal``."""
    return isinstance(value, str) and value.startswith(_TOKEN_PREFIX)
