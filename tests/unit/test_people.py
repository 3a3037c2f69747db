"""People: handles in any script, suggestions for near misses, short ids, relative times."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from engine import Engine, FixedClock
from engine.cli.parsing import parse_moment
from engine.cli.resolve import resolve_couple, resolve_ritual
from engine.domain.text import clean_handle
from engine.errors import InvalidInput, NotFound

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # 18:30 in Berlin


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("jürgen", "jürgen"),
        ("Zoë", "zoë"),
        ("zoe\u0308", "zoë"),
        ("ŝan", "ŝan"),
        ("алекс", "алекс"),
    ],
)
def test_handles_may_use_letters_of_any_script_normalised(typed: str, kept: str) -> None:
    assert clean_handle(typed) == kept


@pytest.mark.parametrize(
    "typed",
    ["s\u0430m", "ab\u200bc", "sam\u0007", "1sam", "a b", "sam!", "\u202esam"],
)
def test_handles_refuse_mixed_scripts_invisible_and_control_characters(typed: str) -> None:
    with pytest.raises(InvalidInput, match="partner handle"):
        clean_handle(typed)


def test_a_couple_with_accented_handles_logs_under_either_spelling(eng: Engine) -> None:
    couple = eng.create_couple("Jürgen & Zoë", ["jürgen", "zoë"], "Europe/Berlin")
    assert [p.handle for p in couple.partners] == ["jürgen", "zoë"]
    eng.add_ritual(couple, "Walk", cron="0 18 * * *")
    assert eng.check_in(couple, "Walk", by="zoe\u0308").partner == "zoë"


def test_a_mistyped_ritual_partner_or_couple_gets_one_suggestion(eng: Engine) -> None:
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(couple, "Morning check", cron="0 7 * * *")
    with pytest.raises(NotFound, match="did you mean 'Morning check'"):
        eng.check_in(couple, "morning chek", by="sam")
    with pytest.raises(NotFound, match="did you mean 'alex'"):
        eng.check_in(couple, "Morning check", by="alx")
    with pytest.raises(NotFound, match="did you mean 'Sam & Alex'"):
        resolve_couple(eng, "Sam & Alx")  # names are the CLI's: the library takes ids


def test_no_couple_name_is_suggested_when_the_store_holds_several(eng: Engine) -> None:
    eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.create_couple("Kim & Jo", ["kim", "jo"], "Europe/Berlin")
    with pytest.raises(NotFound) as refused:
        resolve_couple(eng, "Sam & Alx")
    assert "did you mean" not in str(refused.value) and "Kim" not in str(refused.value)


def test_an_id_shorter_than_four_characters_asks_for_more(eng: Engine) -> None:
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(couple, "Morning check", cron="0 7 * * *")
    with pytest.raises(InvalidInput, match="give at least 4 characters of the id"):
        resolve_ritual(eng, couple.id, "ab1")  # prefixes are the CLI's: the library takes ids
    with pytest.raises(InvalidInput, match="give at least 4 characters of the id"):
        eng.respond_to_repair(couple, "ab", by="alex", answer="accepted")


@pytest.mark.parametrize(
    ("typed", "local"),
    [
        ("yesterday 21:30", datetime(2026, 11, 24, 21, 30)),
        ("today 7:30", datetime(2026, 11, 25, 7, 30)),
        ("18:00", datetime(2026, 11, 25, 18, 0)),
        ("21:30", datetime(2026, 11, 24, 21, 30)),  # not 21:30 yet today: last night's
        ("tomorrow 07:00", datetime(2026, 11, 26, 7, 0)),
        ("now", datetime(2026, 11, 25, 18, 30)),
    ],
)
def test_relative_times_read_in_the_couples_zone_from_the_clock_passed_in(
    typed: str, local: datetime
) -> None:
    assert parse_moment(typed, BERLIN, NOW) == local.replace(tzinfo=BERLIN)


def test_a_relative_time_without_a_clock_is_not_guessed() -> None:
    with pytest.raises(InvalidInput, match="not a time"):
        parse_moment("yesterday 21:30", BERLIN)
