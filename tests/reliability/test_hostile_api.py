"""Hostile input through the embedding API, on both backends: a typed one-line error,
and not a single event written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from engine import Engine, InvalidInput, NotAllowed, RitualError

if TYPE_CHECKING:
    from tests.reliability.conftest import CoupleDb

FAR_PAST = datetime.min.replace(tzinfo=UTC)
FAR_FUTURE = datetime.max.replace(tzinfo=UTC)

API_REFUSED: list[tuple[str, Callable[[Engine], Any], type[RitualError], str]] = [
    (
        "a naive time",
        lambda e: e.check_in(only(e), "Hourly hello", by="sam", at=datetime(2026, 1, 1)),
        InvalidInput,
        "zone",
    ),
    (
        "the first instant of year 1",
        lambda e: e.check_in(only(e), "Hourly hello", by="sam", at=FAR_PAST),
        InvalidInput,
        "far",
    ),
    (
        "the last instant of year 9999",
        lambda e: e.check_in(only(e), "Quota walk", by="sam", at=FAR_FUTURE),
        InvalidInput,
        "far",
    ),
    (
        "an occurrence in year 9999",
        lambda e: e.check_in(only(e), "Hourly hello", by="sam", occurrence=FAR_FUTURE),
        InvalidInput,
        "far",
    ),
    (
        "a skip in year 1",
        lambda e: e.skip(only(e), "Hourly hello", at=FAR_PAST),
        InvalidInput,
        "far",
    ),
    (
        "a pause until date.max",
        lambda e: e.pause_ritual(only(e), "Hourly hello", until=date.max),
        InvalidInput,
        "far",
    ),
    (
        "a capsule opening on date.max",
        lambda e: e.seal_capsule(only(e), by="sam", message="hi", opens_on=date.max),
        InvalidInput,
        "25 years",
    ),
    (
        "a closeness of 2.5",
        lambda e: e.check_in(only(e), "Quota walk", by="sam", closeness=2.5),  # type: ignore[arg-type]
        InvalidInput,
        "whole number",
    ),
    (
        "a closeness of True",
        lambda e: e.check_in(only(e), "Quota walk", by="sam", closeness=True),
        InvalidInput,
        "whole number",
    ),
    (
        "a negative duration",
        lambda e: e.add_ritual(only(e), "W", cron="0 8 * * *", duration=timedelta(-1)),
        InvalidInput,
        "duration",
    ),
    (
        "timedelta.max as reminder",
        lambda e: e.add_ritual(only(e), "W", cron="0 8 * * *", reminder=timedelta.max),
        InvalidInput,
        "reminder",
    ),
    (
        "a cron that is not text",
        lambda e: e.add_ritual(only(e), "W", cron=5),  # type: ignore[arg-type]
        InvalidInput,
        "schedule",
    ),
    (
        "a zone that is None",
        lambda e: e.create_couple("Kim & Lee", ["kim"], None),  # type: ignore[arg-type]
        InvalidInput,
        "time zone",
    ),
    (
        "a thousand partners",
        lambda e: e.create_couple("Many", [f"p{i}" for i in range(1000)], "UTC"),
        InvalidInput,
        "partners",
    ),
    (
        "a megabyte couple name",
        lambda e: e.create_couple("Z" * 10**6, ["zed"], "UTC"),
        InvalidInput,
        "longer",
    ),
    (
        "a megabyte ground rule",
        lambda e: e.agree_ground_rules(only(e), ["x" * 10**6]),
        InvalidInput,
        "longer",
    ),
    (
        "31 prompts",
        lambda e: e.add_ritual(only(e), "W", cron="0 8 * * *", prompts=["p"] * 31),
        InvalidInput,
        "prompts",
    ),
    (
        "a duplicate title",
        lambda e: e.add_ritual(only(e), "HOURLY HELLO", cron="0 8 * * *"),
        NotAllowed,
        "already exists",
    ),
]


def only(eng: Engine) -> str:
    """The id of the one couple this engine holds (the library takes ids, never guesses)."""
    (couple,) = eng.couples()
    return couple.id


@pytest.mark.parametrize(
    ("call", "error", "fragment"), [c[1:] for c in API_REFUSED], ids=[c[0] for c in API_REFUSED]
)
def test_hostile_api_input_raises_a_typed_one_line_error_and_writes_nothing(
    couple_db: CoupleDb, call: Callable[[Engine], Any], error: type[RitualError], fragment: str
) -> None:
    with couple_db.engine() as eng:
        before = eng.store.count()
        with pytest.raises(error) as raised:
            call(eng)
        assert eng.store.count() == before
    message = str(raised.value)
    assert "\n" not in message
    assert fragment.lower() in message.lower()
