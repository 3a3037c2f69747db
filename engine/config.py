"""Settings, read from arguments or the environment when asked (never at import time)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from engine.errors import StoreUnavailable
from engine.frozen import frozen

ENV_DB = "RITUAL_DB"
ENV_COUPLE = "RITUAL_COUPLE"
ENV_BASE_URL = "RITUAL_BASE_URL"
DEFAULT_BASE_URL = "http://127.0.0.1:8080"


def default_db_url() -> str:
    """A SQLite file in the platform's user data directory."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("ritual-engine", appauthor=False))
    return f"sqlite:///{folder / 'rituals.db'}"


@frozen
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


SQLITE_SCHEMES = ("sqlite", "sqlite+pysqlite")


@frozen
class LiteTarget:
    """A SQLite database named by a URL: a file path, or a ``file:`` URI (``uri``)."""

    database: str
    uri: bool = False


def lite_target(url: str) -> LiteTarget | None:
    """The database a plain SQLite URL names (``sqlite:///path``, or a URI with
    ``?uri=true``), or None for anything else: another backend, an in-memory database,
    driver options, or escapes this reader does not undo (SQLAlchemy reads those)."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in SQLITE_SCHEMES or not rest.startswith("/") or "%" in rest:
        return None
    path, _, query = rest[1:].partition("?")
    if path in ("", ":memory:"):
        return None
    options = parse_qsl(query, keep_blank_values=True)
    if not options:
        return None if path.startswith("file:") else LiteTarget(path)
    if ("uri", "true") not in options or not path.startswith("file:"):
        return None
    rest_options = [(k, v) for k, v in options if k != "uri"]
    return LiteTarget(f"{path}?{urlencode(rest_options)}" if rest_options else path, uri=True)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None (another backend, or an in-memory database)."""
    plain = lite_target(url)
    if plain is not None:  # the embedded default: read without loading SQLAlchemy
        return None if plain.uri else Path(plain.database).expanduser()
    from sqlalchemy import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.query.get("uri") == "true" or parsed.database.startswith("file:"):
        return None  # a SQLite URI (``file:...?mode=ro``) names a file that must exist already
    return Path(parsed.database).expanduser()


def prepare_sqlite_file(url: str, *, create: bool = True) -> None:
    """Make sure a SQLite file URL points at a database file that only its owner reads.

    With ``create``, a missing folder is made 0700 and a missing file 0600 (SQLite gives
    its -wal and -shm files the mode of the database file); existing folders and files
    keep the modes their owner gave them. Without it, a missing file is an error: a
    mistyped path names no database, and a read must not leave a new one behind.
    """
    path = sqlite_path(url)
    if path is None or path.exists():
        return
    if not create:
        raise StoreUnavailable(
            f"there is no ritual database at {path}; check --db or RITUAL_DB "
            "(`ritual init` creates one)"
        )
    missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # another process made it first
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder (0700) and the file (0600) of a SQLite file URL."""
    prepare_sqlite_file(url, create=True)
