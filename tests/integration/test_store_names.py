"""Unique names claimed inside the append (part of the store contract).

The ``store`` fixture runs each test on the in-memory store, SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from engine.errors import NotAllowed
from engine.events import CoupleErased, EventStore, MemoryEventStore, NewEvent, TimeoutCalled
from engine.events.names import (
    couple_name,
    ritual_title,
    title_release,
)
from engine.sql.event_store import SqlEventStore
from engine.sql.tables import names
from tests.sql_inspect import inspector
from tests.threads import at_once

AT = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
NAME = "Sam & Alex"


def event(n: int = 0) -> list[NewEvent]:
    return [NewEvent(TimeoutCalled(timeout_id=f"t{n}", by="alex", at=AT), occurred_at=AT)]


def stored_keys(store: EventStore) -> list[tuple[str, str, str, str]]:
    if isinstance(store, MemoryEventStore):
        return [(s, k, c, o) for (s, k), (c, o) in store._names.items()]
    assert isinstance(store, SqlEventStore)
    with inspector(store).connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(names))]  # type: ignore[misc]


def test_a_name_held_by_one_couple_is_refused_to_another_and_nothing_is_stored(
    store: EventStore,
) -> None:
    store.append("c1", "couple-c1", event(), expected_version=0, claims=[couple_name("c1", NAME)])

    with pytest.raises(NotAllowed, match="already exists"):
        store.append(
            "c2", "couple-c2", event(1), expected_version=0, claims=[couple_name("c2", NAME)]
        )

    assert store.read_stream("couple-c2") == []


def test_names_compare_without_case_spaces_or_unicode_form(store: EventStore) -> None:
    claim = couple_name("c1", "Café Évenings")
    store.append("c1", "couple-c1", event(), expected_version=0, claims=[claim])

    for spelling in ("  CAFÉ ÉVENINGS ", "Cafe\u0301 E\u0301venings"):
        with pytest.raises(NotAllowed):
            store.append(
                "c2",
                "couple-c2",
                event(1),
                expected_version=0,
                claims=[couple_name("c2", spelling)],
            )


def test_an_owner_may_claim_its_own_name_again(store: EventStore) -> None:
    claim = ritual_title("c1", "r1", "Evening walk")
    store.append("c1", "ritual-r1", event(), expected_version=0, claims=[claim])

    store.append("c1", "ritual-r1", event(1), expected_version=1, claims=[claim])

    assert len(store.read_stream("ritual-r1")) == 2


def test_titles_are_unique_within_a_couple_only(store: EventStore) -> None:
    store.append(
        "c1",
        "ritual-r1",
        event(),
        expected_version=0,
        claims=[ritual_title("c1", "r1", "Evening walk")],
    )
    store.append(
        "c2",
        "ritual-r2",
        event(1),
        expected_version=0,
        claims=[ritual_title("c2", "r2", "Evening walk")],
    )

    with pytest.raises(NotAllowed, match="title"):
        store.append(
            "c1",
            "ritual-r3",
            event(2),
            expected_version=0,
            claims=[ritual_title("c1", "r3", "evening WALK")],
        )


def test_a_released_title_can_be_taken_by_another_ritual(store: EventStore) -> None:
    store.append(
        "c1",
        "ritual-r1",
        event(),
        expected_version=0,
        claims=[ritual_title("c1", "r1", "Evening walk")],
    )
    store.append(
        "c1", "ritual-r1", event(1), expected_version=1, releases=[title_release("c1", "r1")]
    )

    store.append(
        "c1",
        "ritual-r2",
        event(2),
        expected_version=0,
        claims=[ritual_title("c1", "r2", "Evening walk")],
    )

    assert [owner for *_, owner in stored_keys(store)] == ["r2"]


def test_a_refused_claim_keeps_the_names_the_same_append_would_have_released(
    store: EventStore,
) -> None:
    store.append(
        "c1", "ritual-r1", event(), expected_version=0, claims=[ritual_title("c1", "r1", "Walk")]
    )
    store.append(
        "c1", "ritual-r2", event(1), expected_version=0, claims=[ritual_title("c1", "r2", "Tea")]
    )

    with pytest.raises(NotAllowed):  # r2 renamed to r1's title: refused, and keeps "Tea"
        store.append(
            "c1",
            "ritual-r2",
            event(2),
            expected_version=1,
            claims=[ritual_title("c1", "r2", "Walk")],
            releases=[title_release("c1", "r2")],
        )

    assert sorted(owner for *_, owner in stored_keys(store)) == ["r1", "r2"]


def test_erasing_a_couple_releases_every_name_it_held(store: EventStore) -> None:
    store.append("c1", "couple-c1", event(), expected_version=0, claims=[couple_name("c1", NAME)])
    store.append(
        "c1",
        "ritual-r1",
        event(1),
        expected_version=0,
        claims=[ritual_title("c1", "r1", "Evening walk")],
    )

    erased = [NewEvent(CoupleErased(at=AT), occurred_at=AT)]
    store.append("c1", "couple-c1", erased, expected_version=1)

    assert stored_keys(store) == []
    store.append("c2", "couple-c2", event(2), expected_version=0, claims=[couple_name("c2", NAME)])


def test_names_are_stored_as_keyed_hashes_never_as_text(store: EventStore) -> None:
    store.append("c1", "couple-c1", event(), expected_version=0, claims=[couple_name("c1", NAME)])

    ((scope, key, couple, owner),) = stored_keys(store)
    assert (scope, couple, owner) == ("couple-name", "c1", "c1")
    assert len(key) == 64 and NAME.casefold() not in key.casefold()
    other = MemoryEventStore()  # another database, another secret, another key
    other.append("c1", "couple-c1", event(), expected_version=0, claims=[couple_name("c1", NAME)])
    assert [k for _, k, *_ in stored_keys(other)] != [key]


def test_of_eight_racing_claimants_of_one_name_exactly_one_wins(store: EventStore) -> None:
    def claim(n: int) -> list[int]:
        return store.append(
            f"c{n}",
            f"couple-c{n}",
            event(n),
            expected_version=0,
            claims=[couple_name(f"c{n}", NAME)],
        )

    outcomes = at_once(claim)

    assert len([o for o in outcomes if isinstance(o, list)]) == 1
    assert len([o for o in outcomes if isinstance(o, NotAllowed)]) == 7
    assert store.count() == 1


def test_a_refused_claim_in_one_batch_stores_none_of_the_batches(store: EventStore) -> None:
    from engine.events import Batch

    store.append("c1", "couple-c1", event(), expected_version=0, claims=[couple_name("c1", NAME)])
    batches = [
        Batch("ritual-r9", event(1), 0, claims=[ritual_title("c2", "r9", "Evening walk")]),
        Batch("couple-c2", event(2), 0, claims=[couple_name("c2", NAME)]),
    ]

    with pytest.raises(NotAllowed):
        store.append_batches("c2", batches)

    assert store.read_stream("ritual-r9") == [] and store.read_stream("couple-c2") == []
    assert [owner for *_, owner in stored_keys(store)] == ["c1"]  # r9's claim went back too
