"""Database URLs: plain PostgreSQL spellings get the psycopg 3 driver the extra installs."""

from __future__ import annotations

import pytest

from engine.sql.tables import normalise_url


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ritual:pw@db.example:5432/rituals",
        "postgres://ritual:pw@db.example:5432/rituals",
        "postgresql+psycopg://ritual:pw@db.example:5432/rituals",
    ],
)
def test_every_postgresql_spelling_uses_psycopg_3(url: str) -> None:
    parsed = normalise_url(url)
    assert parsed.drivername == "postgresql+psycopg"
    assert (parsed.host, parsed.port, parsed.database) == ("db.example", 5432, "rituals")


def test_other_urls_are_left_as_they_are() -> None:
    assert normalise_url("sqlite:///rituals.db").drivername == "sqlite"
    assert normalise_url("postgresql+pg8000://u@h/d").drivername == "postgresql+pg8000"
