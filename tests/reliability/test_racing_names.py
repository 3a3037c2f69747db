"""Racing creators of one name: exactly one success and clear refusals, on both backends.

Eight threads share one Engine (as a web app's request threads do) and start together at
a barrier; the claim on the name is taken inside the append, so the read-then-write gap
that let eight couples share one name is closed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from engine import Engine, NotAllowed
from tests.moments import cli_clock
from tests.threads import at_once

RACERS = 8


def race(attempt: Callable[[int], object]) -> list[str]:
    """Run ``attempt(n)`` in RACERS threads at once; 'won' or the refusal of each."""
    outcomes = []
    for outcome in at_once(attempt, RACERS):
        if isinstance(outcome, Exception) and not isinstance(outcome, NotAllowed):
            raise outcome
        outcomes.append(str(outcome) if isinstance(outcome, NotAllowed) else "won")
    return outcomes


def test_eight_racing_create_couple_with_one_name_make_one_couple(db_url: str) -> None:
    with Engine.open(db_url, clock=cli_clock()) as eng:
        eng.store  # noqa: B018 - open the store before the race

        outcomes = race(lambda n: eng.create_couple("Sam & Alex", [f"p{n}"], "Europe/Berlin"))

        assert outcomes.count("won") == 1
        refusals = [o for o in outcomes if o != "won"]
        assert len(refusals) == RACERS - 1
        assert all(o.startswith("a couple with that name already exists") for o in refusals)
        assert [c.name for c in eng.couples()] == ["Sam & Alex"]


def test_eight_racing_add_ritual_with_one_title_make_one_ritual(db_url: str) -> None:
    with Engine.open(db_url, clock=cli_clock()) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        walk = timedelta(minutes=20)

        outcomes = race(
            lambda n: eng.add_ritual(couple, "Evening walk", cron="0 19 * * *", duration=walk)
        )

        assert outcomes.count("won") == 1
        assert all(o.startswith("a ritual with that title") for o in outcomes if o != "won")
        assert [r.title for r in eng.rituals(couple)] == ["Evening walk"]
        eng.check_in(couple, "Evening walk", by="sam")  # the title names one ritual
