"""Which schema revision a database is at, told with one cheap query and no Alembic.

The engine is a guest in whatever database it is given: every table it owns is named
``ritual_...`` (:data:`TABLE_PREFIX`), and its Alembic revision lives in its own
``ritual_alembic_version`` table (:data:`VERSION_TABLE`), so a host application's
tables and its own ``alembic_version`` are never touched.
"""

from __future__ import annotations

from engine.sql.statements import Conn, Sql

TABLE_PREFIX = "ritual_"
VERSION_TABLE = "ritual_alembic_version"
"""Where the engine's own Alembic revision is kept (a host keeps ``alembic_version``)."""

HEAD_REVISION = "0014"
"""The newest migration in ``alembic/versions``, known without importing Alembic, so that
opening a store checks the schema with one query (a test holds it equal to Alembic's head:
a new migration updates it)."""

_REVISIONS = Sql(f"SELECT version_num FROM {VERSION_TABLE}", columns=("version_num",))


def at_head(conn: Conn) -> bool:
    """Whether the database's version table says :data:`HEAD_REVISION`. False for an
    older or an unknown revision; the caller treats a missing table as False too."""
    return [row[0] for row in conn.rows(_REVISIONS)] == [HEAD_REVISION]
