"""``@frozen``: the decorator for the engine's immutable value classes (events, views, states).

A ``@frozen`` class is a standard frozen dataclass (``dataclasses.fields``, ``replace``
and ``asdict`` work on it; its fields are typed and immutable), made for less. Python
3.11's ``dataclasses`` writes and compiles the source of six methods for each class,
and the engine has about 150 of them, so a command spent about 0.6 ms a class (over a
third of its start) before doing any work. Here the dataclass writes only the three
methods that depend on the fields' names (``__init__``, ``__setattr__`` and
``__delattr__``); equality, hashing and ``repr`` are written once below and read each
class's fields from one getter made at decoration time. They behave as the generated
ones do: equal when of the same class with equal fields (``compare=False`` fields left
out), a hash of those fields, and a ``repr`` that leaves out ``repr=False`` fields.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")


@overload
def frozen(cls: type[T], /) -> type[T]: ...


@overload
def frozen(*, kw_only: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(
    cls: type[T] | None = None, /, *, kw_only: bool = False
) -> type[T] | Callable[[type[T]], type[T]]:
    """Make ``cls`` a frozen dataclass, with keyword-only fields when asked."""

    def make(cls: type[T]) -> type[T]:
        made: Any = dataclasses.dataclass(frozen=True, eq=False, repr=False, kw_only=kw_only)(cls)
        fields = dataclasses.fields(made)
        made._frozen_key = staticmethod(_getter([f.name for f in fields if f.compare]))
        made._frozen_shown = tuple(f.name for f in fields if f.repr)
        for name, method in _METHODS.items():
            if name not in made.__dict__:  # a class's own method stays, as with dataclass
                setattr(made, name, method)
        return cls  # the same class object, now a dataclass

    return make if cls is None else make(cls)


def _getter(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    if not names:
        return lambda _: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda value: (one(value),)
    return attrgetter(*names)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key: Callable[[Any], tuple[Any, ...]] = self._frozen_key
        return key(self) == key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self._frozen_key(self))


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._frozen_shown)
    return f"{self.__class__.__qualname__}({shown})"


_METHODS: dict[str, Callable[..., Any]] = {"__eq__": _eq, "__hash__": _hash, "__repr__": _repr}
