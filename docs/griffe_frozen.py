"""Lets the API reference read ``@frozen`` classes as the dataclasses they are.

The reference is built from the source, without importing it, and the reader knows a
dataclass only by the ``dataclasses.dataclass`` decorator: it writes each one's
``__init__`` signature from its fields. ``engine.frozen.frozen`` makes standard frozen
dataclasses, so before the reader's own dataclass pass this names it as one.
"""

from __future__ import annotations

from typing import Any

from griffe import Class, ExprCall, ExprName, Extension, Module

FROZEN = "engine.frozen.frozen"


class FrozenDataclasses(Extension):
    """Reads ``@frozen`` and ``@frozen(kw_only=True)`` as ``@dataclass(...)``."""

    def on_package(self, *, pkg: Module, **kwargs: Any) -> None:
        _rename(pkg, set())


def _rename(obj: Module | Class, seen: set[str]) -> None:
    if obj.path in seen:
        return
    seen.add(obj.path)
    if isinstance(obj, Class):
        for decorator in obj.decorators:
            if decorator.callable_path == FROZEN:
                dataclass = ExprName("dataclass", parent="dataclasses")
                value = decorator.value
                arguments = value.arguments if isinstance(value, ExprCall) else []
                decorator.value = ExprCall(function=dataclass, arguments=arguments)
                obj.labels.add("dataclass")
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, Module | Class):
            _rename(member, seen)
