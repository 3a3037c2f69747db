"""`--idempotency-key` (or RITUAL_IDEMPOTENCY_KEY): a script that retries a whole command
after a lost reply stores it once; the key with another command is a one-line conflict."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

    from tests.cli.conftest import Run


def test_a_command_run_again_with_its_key_stores_nothing_twice_and_says_the_same(
    couple: Run, event_count: Callable[[], int]
) -> None:
    args = ("--idempotency-key", "k-1", "appreciate", "Thanks", "--from", "sam", "--to", "alex")
    args += ("--private",)
    first = couple(*args)
    assert first.exit_code == 0, first.output
    stored = event_count()

    again = couple(*args)

    assert again.exit_code == 0, again.output
    assert again.output == first.output  # the same journal id, shown the same way
    assert event_count() == stored
    journal = couple("--as", "sam", "journal", "list").output
    assert journal.count("Thanks") == 1


def test_the_key_comes_from_the_environment_too(
    couple: Run, event_count: Callable[[], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RITUAL_IDEMPOTENCY_KEY", "nightly-42")
    assert couple("checkin", "Hourly hello", "--by", "sam").exit_code == 0
    stored = event_count()
    again = couple("checkin", "Hourly hello", "--by", "sam")
    assert again.exit_code == 0, again.output  # not "already checked in"
    assert event_count() == stored


def test_the_key_with_another_command_is_a_one_line_conflict_with_its_own_exit_code(
    couple: Run, event_count: Callable[[], int]
) -> None:
    assert (
        couple("--idempotency-key", "k-2", "checkin", "Hourly hello", "--by", "sam").exit_code == 0
    )
    stored = event_count()

    other = couple("--idempotency-key", "k-2", "checkin", "Hourly hello", "--by", "alex")

    assert other.exit_code == 3
    assert other.output.strip().splitlines() == [
        "Error: that idempotency key was already used for another command or other "
        "arguments; use a new key for a new command"
    ]
    assert event_count() == stored


def test_without_a_key_each_run_is_its_own_command(
    couple: Run, event_count: Callable[[], int]
) -> None:
    stored = event_count()
    for _ in range(2):
        assert couple("appreciate", "Thanks", "--from", "sam", "--to", "alex").exit_code == 0
    assert event_count() == stored + 2


def test_a_blank_or_unprintable_key_is_refused_in_one_line(couple: Run) -> None:
    for key in ("  ", "a\nb", "k" * 201):
        result = couple("--idempotency-key", key, "checkin", "Hourly hello", "--by", "sam")
        assert result.exit_code == 2
        assert len(result.output.strip().splitlines()) == 1
        assert "idempotency key" in result.output
