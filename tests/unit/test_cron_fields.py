"""The plain reading of cron fields agrees with croniter's: the same expanded fields for
every expression it reads, and nothing read that croniter refuses."""

from __future__ import annotations

from datetime import datetime

import pytest
from croniter import CroniterBadDateError, croniter
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar.cron_fields import can_happen, expand_plain

BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
NAMES = ([], [], [], MONTHS, ["sun", "mon", "wed", "fri", "sat"])
ODD = st.sampled_from(["L", "", "x", "1L", "2#3", "15W", "-1"])


def atom(index: int) -> st.SearchStrategy[str]:
    low, high = BOUNDS[index]
    numbers = st.integers(min_value=low - 1, max_value=high + 1).map(str)
    names = st.sampled_from(NAMES[index]) if NAMES[index] else numbers
    return st.one_of(numbers, numbers, numbers, names, st.just("*"), ODD)


def item(index: int) -> st.SearchStrategy[str]:
    single = atom(index)
    ranged = st.tuples(atom(index), atom(index)).map(lambda ab: f"{ab[0]}-{ab[1]}")
    steps = st.integers(min_value=0, max_value=35).map(lambda n: f"/{n}")
    step = st.one_of(st.just(""), st.just(""), st.just(""), steps)
    return st.tuples(st.one_of(single, ranged), step).map(lambda rs: rs[0] + rs[1])


def field(index: int) -> st.SearchStrategy[str]:
    listed = st.lists(item(index), min_size=1, max_size=3).map(",".join)
    return st.one_of(st.just("*"), st.just("*"), listed)


EXPRESSIONS = st.tuples(*(field(i) for i in range(5))).map(" ".join)


def croniters(expr: str) -> list[list[int | str]] | None:
    try:
        fields, _ = croniter.expand(expr)
    except Exception:
        return None
    return [list(f) for f in fields]


@settings(max_examples=3000, deadline=None)
@given(EXPRESSIONS)
def test_what_the_plain_reading_reads_croniter_reads_alike(expr: str) -> None:
    plain = expand_plain(expr)
    if plain is not None:
        assert plain == croniters(expr)


@settings(max_examples=1500, deadline=None)
@given(EXPRESSIONS)
def test_a_plain_schedule_can_happen_when_croniter_finds_a_time(expr: str) -> None:
    plain = expand_plain(expr)
    if plain is None:
        return
    try:
        croniter(expr, datetime(2000, 1, 1), datetime, max_years_between_matches=60).get_next(
            datetime
        )
        found = True
    except CroniterBadDateError:
        found = False
    assert can_happen(plain) is found


def test_the_plain_forms_rituals_use_are_read_without_croniter() -> None:
    for expr in ("30 7 * * *", "0 19 * * 0", "0 8 1,15 * mon-fri", "*/15 9-17 * * 1-5"):
        assert expand_plain(expr) == croniters(expr)
    for expr in ("0 8 L * *", "0 18 * * 0#1", "0 8 * * L5", "0 8 15W * *"):
        assert expand_plain(expr) is None


def test_a_schedule_whose_day_never_comes_cannot_happen() -> None:
    assert not can_happen(_fields("0 0 30 2 *"))
    assert not can_happen(_fields("0 0 31 4,6,9,11 *"))
    assert can_happen(_fields("0 0 29 2 *"))
    assert can_happen(_fields("0 0 30 2 1"))  # any Monday in February will do


def _fields(expr: str) -> list[list[int | str]]:
    found = expand_plain(expr)
    assert found is not None
    return found


def test_month_names_and_lengths_are_croniters_whatever_the_locale() -> None:
    for number, name in enumerate(MONTHS, 1):
        assert expand_plain(f"0 9 1 {name} *") == croniters(f"0 9 1 {number} *")
    assert can_happen(plain("0 9 29 2 *"))  # in a leap year
    assert not can_happen(plain("0 9 31 4,6,9,11 *"))
    assert can_happen(plain("0 9 31 4,6,9,12 *"))


@pytest.mark.parametrize(
    "expr", ["0 9 1 * 0-6", "0 9 1 * 0-7", "0 9 1-31 * 0", "0 9 2-1 * 0", "0 9 1-31 * 0-6"]
)
def test_a_day_field_naming_every_day_stays_listed_when_both_day_fields_are_written(
    expr: str,
) -> None:
    """Either day field matches a day (cron's either-day rule), so ``0 9 1 * 0-6`` fires
    every day: the full field must not read as ``*``, which would leave only the 1st."""
    assert expand_plain(expr) == croniters(expr)
    assert "*" not in plain(expr)[2] and "*" not in plain(expr)[4]


def plain(expr: str) -> list[list[int | str]]:
    found = expand_plain(expr)
    assert found is not None
    return found
