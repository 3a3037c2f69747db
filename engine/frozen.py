"""``@frozen``: the decorator for the engine's immutable value classes (events, views, states).

A ``@frozen`` class is a standard dataclass (``dataclasses.fields``, ``replace`` and
``asdict`` work on it) whose instances cannot change: assigning or deleting any
attribute raises ``dataclasses.FrozenInstanceError``, as on a frozen dataclass.

It is made for less. Python 3.11's ``dataclasses`` writes and compiles the source of
six methods for each frozen class, and a command makes about a hundred classes before
doing any work, so it spent over a third of its start there (about 0.5 ms a class
here). Here ``dataclasses`` only collects the fields; one ``__init__`` is compiled per
class (it must name the fields), and everything else is written once below: the
refusal to assign or delete, equality and hash over the compared fields, and a
``repr`` that leaves out ``repr=False`` fields, all behaving as the generated ones do.
"""

from __future__ import annotations

import dataclasses
import inspect
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
        documented = bool(cls.__dict__.get("__doc__"))
        made: Any = dataclasses.dataclass(init=False, repr=False, eq=False, kw_only=kw_only)(cls)
        fields = dataclasses.fields(made)
        if "__init__" not in made.__dict__:
            made.__init__ = _init(made, fields)
        if not documented:  # as dataclasses does, from the signature (now with its __init__)
            made.__doc__ = made.__name__ + str(inspect.signature(made)).replace(" -> None", "")
        made._frozen_key = staticmethod(_getter([f.name for f in fields if f.compare]))
        made._frozen_shown = tuple(f.name for f in fields if f.repr)
        for name, method in _METHODS.items():
            if name not in made.__dict__:  # a class's own method stays, as with dataclass
                setattr(made, name, method)
        return cls  # the same class object, now a dataclass

    return make if cls is None else make(cls)


class _Factory:
    """The default of a parameter whose field has a ``default_factory``."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """The ``__init__`` a frozen dataclass would have: positional fields in order, then the
    keyword-only ones; each value set with ``object.__setattr__``; then ``__post_init__``."""
    scope: dict[str, Any] = {"_set": object.__setattr__, "_FACTORY": _FACTORY}
    params: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for f in fields:
        value = f.name
        if f.default_factory is not dataclasses.MISSING:
            scope[f"_make_{f.name}"] = f.default_factory
            value = f"_make_{f.name}() if {f.name} is _FACTORY else {f.name}"
            default = "=_FACTORY"
        elif f.default is not dataclasses.MISSING:
            scope[f"_default_{f.name}"] = f.default
            default = f"=_default_{f.name}"
        else:
            default = ""
        if not f.init:
            if f.default_factory is not dataclasses.MISSING:
                body.append(f"_set(self, {f.name!r}, _make_{f.name}())")
            continue
        (keyword if f.kw_only else params).append(f"{f.name}{default}")
        body.append(f"_set(self, {f.name!r}, {value})")
    if keyword:
        params += ["*", *keyword]
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + "".join(
        f"    {line}\n" for line in body or ["pass"]
    )
    exec(source, scope)  # built from the field names alone, as dataclasses does
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {f.name: f.type for f in fields if f.init} | {"return": None}
    return init


def _getter(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    if not names:
        return lambda _: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda value: (one(value),)
    return attrgetter(*names)


def _setattr(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


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


_METHODS: dict[str, Callable[..., Any]] = {
    "__setattr__": _setattr,
    "__delattr__": _delattr,
    "__eq__": _eq,
    "__hash__": _hash,
    "__repr__": _repr,
}
