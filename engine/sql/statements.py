"""SQL written once for every driver: a statement's text with ``:name`` parameters, the
columns it gives back, and which of its values are JSON, moments or flags.

The store and its side tables speak only these statements and :class:`Conn`, so the same
text runs on SQLAlchemy (PostgreSQL, a host's engine, migrations) and on the standard
library's ``sqlite3`` (``engine.sql.lite``, the embedded default, which then never loads
SQLAlchemy). Each driver stores the marked values alike: SQLAlchemy through its JSON,
DateTime and Boolean types; ``sqlite3`` as SQLAlchemy's SQLite dialect writes them (JSON
text, ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC, 0 and 1), so a file written by either reads
the same through the other. Moments always come back aware, in UTC.
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import field
from typing import Any, Literal, Protocol

from engine.frozen import frozen

Kind = Literal["json", "moment", "flag"]
Params = Mapping[str, Any]


@frozen
class Sql:
    """One statement. ``columns`` names what a SELECT (or RETURNING) gives, in order, so
    rows read by name on every driver; ``lists`` are parameters given as a sequence and
    written ``IN (:name)``, expanded to one parameter per value when the statement runs."""

    text: str
    columns: tuple[str, ...] = ()
    json: tuple[str, ...] = ()
    moments: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    _kinds: dict[str, Kind] = field(init=False, repr=False, compare=False)
    """What each parameter or column that is not a plain value holds: asked for every
    value of every row read, so worked out once per statement."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_kinds", _kinds(self))

    def kind(self, name: str) -> Kind | None:
        """What the parameter or column ``name`` holds, when it is not a plain value."""
        return self._kinds.get(name)

    def expanded(self, params: Params) -> tuple[str, dict[str, Any]]:
        """The text and parameters with each list parameter spelt out, one per value."""
        if not self.lists:
            return self.text, dict(params)
        text, flat = self.text, {k: v for k, v in params.items() if k not in self.lists}
        for name in self.lists:
            values = list(params[name])
            names = [f"{name}_{i}" for i in range(len(values))] or [f"{name}_none"]
            flat.update(zip(names, values, strict=False))
            if not values:
                flat[names[0]] = None  # ``IN (NULL)`` matches nothing, on every database
            text = text.replace(f":{name})", ", ".join(f":{n}" for n in names) + ")")
        return text, flat

    def record(self, values: Sequence[Any]) -> Any:
        """A row read by column name (``row.position``) or by index."""
        if not self.columns:
            return tuple(values)
        return _record_type(self.columns)._make(values)


def _kinds(sql: Sql) -> dict[str, Kind]:
    found: dict[str, Kind] = {}
    found.update(dict.fromkeys(sql.json, "json"))
    found.update(dict.fromkeys(sql.moments, "moment"))
    found.update(dict.fromkeys(sql.flags, "flag"))
    return found


@functools.cache
def _record_type(columns: tuple[str, ...]) -> Any:
    return collections.namedtuple("Record", columns, rename=True)


class Conn(Protocol):
    """One open transaction on either driver. Rows read by column name; driver errors
    come out as the engine's (``StoreUnavailable``) or as :class:`Conflict`."""

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        ...

    def rows(self, sql: Sql, params: Params | None = None) -> list[Any]:
        """Every row the statement gives."""
        ...

    def first(self, sql: Sql, params: Params | None = None) -> Any | None:
        """The first row, or None."""
        ...

    def scalar(self, sql: Sql, params: Params | None = None) -> Any:
        """The first column of the first row, or None."""
        ...

    def run(self, sql: Sql, params: Params | Sequence[Params] | None = None) -> int:
        """Run a statement once, or once per parameter set; how many rows it changed."""
        ...


class Access(Protocol):
    """Transactions on one database, whichever the driver (``SqlEngineAccess`` on
    SQLAlchemy, ``LiteAccess`` on ``sqlite3``)."""

    @property
    def is_postgres(self) -> bool:
        """Whether the database is PostgreSQL (else SQLite)."""
        ...

    @property
    def driver_errors(self) -> tuple[type[Exception], ...]:
        """The driver's own exceptions, for the few checks that expect a failure."""
        ...

    def read(self) -> AbstractContextManager[Conn]:
        """A read transaction."""
        ...

    def write(
        self, *, wait: float | None = None, derived: bool = False
    ) -> AbstractContextManager[Conn]:
        """A write transaction that holds the append lock from its first statement."""
        ...

    def checkpoint_wal(self) -> bool:
        """SQLite: fold the write-ahead log into the file (False when a reader held it)."""
        ...

    def dispose(self) -> None:
        """Close the connections this access keeps."""
        ...


class Conflict(Exception):
    """A unique or primary key refused a row: in an append, another writer came first."""


EVENT_COLUMNS = (
    "position",
    "stream_id",
    "version",
    "couple_id",
    "event_id",
    "type",
    "schema",
    "payload",
    "metadata",
    "occurred_at",
    "recorded_at",
)
"""The columns of ``ritual_events``, in the order every read of whole rows names them."""


def select_events(
    where: str, *, lists: tuple[str, ...] = (), moments: tuple[str, ...] = (), tail: str = ""
) -> Sql:
    """A statement reading whole rows of the log; ``moments`` names its parameters that
    are moments (compared with the stored ones, so they must be written alike)."""
    return Sql(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM ritual_events WHERE {where} {tail}".strip(),
        columns=EVENT_COLUMNS,
        json=("payload", "metadata"),
        moments=("occurred_at", "recorded_at", *moments),
        lists=lists,
    )
