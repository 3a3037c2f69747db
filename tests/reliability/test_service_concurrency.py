"""Many threads writing to one couple through one Engine: every write lands, none leaks a
ConcurrencyError, and the couple's stream stays dense."""

from __future__ import annotations

from collections import Counter

from engine import AppreciationGiven, Engine, RitualError
from tests.moments import cli_clock
from tests.threads import at_once

THREADS = 8
WRITES = 200


def test_eight_threads_of_two_hundred_writes_on_one_couple_all_land(db_url: str) -> None:
    with Engine.open(db_url, clock=cli_clock()) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        failures: list[BaseException] = []

        def writer(n: int) -> None:
            for i in range(WRITES):
                by, to = ("sam", "alex") if (n + i) % 2 else ("alex", "sam")
                try:
                    eng.appreciate(couple.id, by=by, to=to, text=f"thank you, {n}.{i}")
                except RitualError as exc:  # a leaked ConcurrencyError lands here
                    failures.append(exc)

        assert at_once(writer, THREADS) == [None] * THREADS
        assert failures == []
        stream = eng.store.read_stream(f"couple-{couple.id}")
        given = [r.event for r in stream if isinstance(r.event, AppreciationGiven)]
        assert len(given) == THREADS * WRITES
        assert Counter(g.text.split(".")[0] for g in given) == {
            f"thank you, {n}": WRITES for n in range(THREADS)
        }
        assert [r.version for r in stream] == list(range(1, len(stream) + 1))
