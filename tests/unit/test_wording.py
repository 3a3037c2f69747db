"""Plural-correct English and occurrence names, used by every message."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.views.wording import count_of, occurrence_phrase, plural, times


@pytest.mark.parametrize(
    ("word", "count", "expected"),
    [
        ("was", 1, "was"),
        ("was", 2, "were"),
        ("was", 0, "were"),
        ("entry", 3, "entries"),
        ("day", 2, "days"),
        ("week", 1, "week"),
        ("match", 2, "matches"),
    ],
)
def test_a_word_agrees_with_its_count(word: str, count: int, expected: str) -> None:
    assert plural(word, count) == expected


def test_counts_and_times_read_as_english() -> None:
    assert count_of(1, "check-in") == "1 check-in"
    assert count_of(0, "week") == "0 weeks"
    assert [times(n) for n in (1, 2, 3)] == ["once", "twice", "3 times"]


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 11, 25, 7, 0), "this morning's 07:00"),
        (datetime(2026, 11, 25, 19, 0), "this evening's 19:00"),
        (datetime(2026, 11, 25, 23, 30), "tonight's 23:30"),
        (datetime(2026, 11, 26, 7, 0), "tomorrow morning's 07:00"),
        (datetime(2026, 11, 24, 21, 0), "yesterday evening's 21:00"),
        (datetime(2026, 11, 20, 7, 0), "Fri 20 Nov 07:00"),
    ],
)
def test_an_occurrence_is_named_as_people_say_it(local: datetime, expected: str) -> None:
    assert occurrence_phrase(local, date(2026, 11, 25)) == expected
