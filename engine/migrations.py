"""Creating and upgrading the schema with Alembic, configured in code.

The migration scripts live in ``alembic/`` in a source checkout and are installed as
``engine/_alembic`` in a wheel, so an installed engine can create its own schema.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from alembic import command
from engine.sqlite import WRITE


def script_location() -> Path:
    """Where the migration scripts are: installed beside the package, or in the checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_alembic", here.parent / "alembic"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("the migration scripts are missing from this installation")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    return config


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(sa_engine: sa.Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with sa_engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(sa_engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database up to ``revision``; two processes doing it at once take turns."""
    config = _config()
    with sa_engine.connect() as conn:
        config.attributes["connection"] = conn.execution_options(**{WRITE: True})
        command.upgrade(config, revision)
        conn.commit()


def ensure_current(sa_engine: sa.Engine) -> None:
    """Upgrade only when the database is behind the code."""
    if current_revision(sa_engine) != head_revision():
        upgrade(sa_engine)
