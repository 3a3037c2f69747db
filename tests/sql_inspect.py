"""A SQLAlchemy engine on a store's own database, for tests that look at its tables
with the table objects of ``engine.sql.tables``, whichever driver the store runs on."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from engine.sql.lite import LiteAccess
from engine.sql.tables import create_sa_engine

if TYPE_CHECKING:
    import sqlalchemy as sa

    from engine.sql.event_store import SqlEventStore


@functools.cache
def _engine_for(database: str, uri: bool) -> sa.Engine:
    url = f"sqlite:///{database}" + ("&uri=true" if "?" in database else "?uri=true") * uri
    return create_sa_engine(url)


def inspector(store: SqlEventStore) -> sa.Engine:
    """The store's database through SQLAlchemy (the store's own engine when it has one)."""
    db = store.db
    if isinstance(db, LiteAccess):
        return _engine_for(db.target.database, db.target.uri)
    engine: sa.Engine = db.sa_engine  # type: ignore[attr-defined]
    return engine
