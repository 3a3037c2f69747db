"""How long the engine waits on the database before it gives up: the ``Waits`` every
connection and transaction is bounded by, read from the environment or given in code.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from engine.frozen import frozen

ENV_LOCK_TIMEOUT = "RITUAL_LOCK_TIMEOUT"
ENV_STATEMENT_TIMEOUT = "RITUAL_STATEMENT_TIMEOUT"


@frozen
class Waits:
    """How long the engine waits on the database before it gives up with
    ``StoreUnavailable`` ("the database is busy; please try again in a moment"), so that
    one stuck writer never freezes the others or the feed server.

    ``lock``: seconds to wait for a lock (the append lock and table locks on PostgreSQL,
    the write lock on SQLite, where it is the busy timeout). ``statement``: seconds one
    PostgreSQL statement may run. Migrations wait longer (see ``alembic/env.py``).
    """

    lock: float = 5.0
    statement: float = 15.0

    def __post_init__(self) -> None:
        from engine.errors import InvalidInput

        for name, value, most in (("lock", self.lock, 600), ("statement", self.statement, 3600)):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidInput(f"the {name} timeout must be a number of seconds")
            if not 0 < value <= most:
                raise InvalidInput(f"the {name} timeout must be more than 0 and at most {most} s")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Waits:
        """The waits from ``RITUAL_LOCK_TIMEOUT`` and ``RITUAL_STATEMENT_TIMEOUT``
        (seconds), or the defaults."""
        from engine.errors import InvalidInput

        env = os.environ if environ is None else environ
        values: dict[str, float] = {}
        for field, name in (("lock", ENV_LOCK_TIMEOUT), ("statement", ENV_STATEMENT_TIMEOUT)):
            raw = env.get(name, "").strip()
            if raw:
                try:
                    values[field] = float(raw)
                except ValueError:
                    raise InvalidInput(f"{name} must be a number of seconds") from None
        return cls(**values)


def milliseconds(seconds: float) -> int:
    return max(1, round(seconds * 1000))
