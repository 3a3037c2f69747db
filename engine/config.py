"""Settings, read from arguments or the environment when asked (never at import time)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_DB = "RITUAL_DB"
ENV_COUPLE = "RITUAL_COUPLE"
ENV_BASE_URL = "RITUAL_BASE_URL"
DEFAULT_BASE_URL = "http://127.0.0.1:8080"


def default_db_url() -> str:
    """A SQLite file in the platform's user data directory."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("ritual-engine", appauthor=False))
    return f"sqlite:///{folder / 'rituals.db'}"


@dataclass(frozen=True)
class Settings:
    """Where the data lives, which couple a command is about, and where feeds are served."""

    db_url: str
    couple: str | None = None
    base_url: str = DEFAULT_BASE_URL  # scheme and host printed in sharing links

    @classmethod
    def from_env(
        cls,
        db_url: str | None = None,
        couple: str | None = None,
        environ: Mapping[str, str] | None = None,
        base_url: str | None = None,
    ) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            db_url=db_url or env.get(ENV_DB) or default_db_url(),
            couple=couple or env.get(ENV_COUPLE) or None,
            base_url=base_url or env.get(ENV_BASE_URL) or DEFAULT_BASE_URL,
        )


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite file URL, so a first run just works."""
    from sqlalchemy import make_url

    parsed = make_url(url)
    if parsed.query.get("uri") == "true" or (parsed.database or "").startswith("file:"):
        return  # a SQLite URI (``file:...?mode=ro``) names a file that must exist already
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
