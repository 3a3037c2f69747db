"""A couple's name and a ritual's title are claimed with the events that make them, and
let go when the ritual is retired or retitled, or the couple erased."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import Engine, FixedClock, NotAllowed


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


def test_retiring_a_ritual_frees_its_title_for_a_new_one(eng: Engine) -> None:
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(couple, "Evening walk", cron="0 19 * * *")
    eng.retire_ritual(couple, "Evening walk")

    again = eng.add_ritual(couple, "evening walk", cron="0 20 * * *")

    assert again.title == "evening walk"


def test_retitling_a_ritual_frees_its_old_title_and_takes_the_new_one(eng: Engine) -> None:
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(couple, "Evening walk", cron="0 19 * * *")
    eng.add_ritual(couple, "Morning tea", cron="0 7 * * *")

    eng.edit_ritual(couple, "Evening walk", title="Night walk")
    eng.add_ritual(couple, "Evening walk", cron="0 18 * * 6")
    with pytest.raises(NotAllowed, match="title already exists"):
        eng.edit_ritual(couple, "Morning tea", title="NIGHT WALK")

    assert sorted(r.title for r in eng.rituals(couple)) == [
        "Evening walk",
        "Morning tea",
        "Night walk",
    ]


def test_erasing_a_couple_frees_its_name(eng: Engine) -> None:
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.erase_couple(couple)

    again = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")

    assert again.id != couple.id
