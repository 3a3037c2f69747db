"""Exports as a viewer, full exports, and importing them back."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from engine import Engine, FixedClock, InvalidInput, MemoryEventStore, NotAllowed
from engine.errors import StoreUnavailable
from engine.events import ERASED

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PRIVATE = {
    "sam_note": "sam's own slow coffee",
    "sam_journal": "sam quietly thanks alex",
    "alex_note": "alex's own tired morning",
    "alex_journal": "alex quietly thanks sam",
    "capsule": "a letter for February",
    "alex_repair": "alex is sorry for the tone",
    "alex_reason": "alex is away travelling",
}
SHARED = {
    "shared_note": "we both laughed",
    "shared_thanks": "thank you for dinner",
    "rule": "we pause when it gets loud",
}


def only(eng: Engine) -> str:
    """The id of the one couple this engine holds (the library takes ids, never guesses)."""
    (couple,) = eng.couples()
    return couple.id


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def new_engine(clock: FixedClock) -> Engine:
    return Engine(MemoryEventStore(clock), clock)


@pytest.fixture
def eng(clock: FixedClock) -> Engine:
    eng = new_engine(clock)
    c = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin", proxy_checkins=True)
    eng.add_ritual(c, "Morning check", cron="30 7 * * *", duration=timedelta(minutes=2))
    eng.add_ritual(c, "Weekly check", cron="0 19 * * 0", prompts=["What went well?"])
    eng.add_ritual(c, "Evening walk", cron="0 19 * * *")
    eng.check_in(c, "Morning check", by="sam", note=PRIVATE["sam_note"], closeness=4)
    eng.check_in(c, "Morning check", by="alex", note=PRIVATE["alex_note"])
    eng.appreciate(c, by="sam", to="alex", text=PRIVATE["sam_journal"], private=True)
    eng.appreciate(c, by="alex", to="sam", text=PRIVATE["alex_journal"], private=True)
    eng.appreciate(c, by="alex", to="sam", text=SHARED["shared_thanks"])
    eng.seal_capsule(c, by="sam", message=PRIVATE["capsule"], opens_on=date(2027, 2, 1))
    eng.agree_ground_rules(c, [SHARED["rule"]])
    rid = eng.repair(c, by="alex", kind="apology", note=PRIVATE["alex_repair"])
    eng.respond_to_repair(c, rid, by="sam", answer="accepted")
    eng.call_timeout(c, by="sam")
    eng.end_timeout(c, by="alex")
    clock.advance(timedelta(days=2))
    eng.check_in(c, "Morning check", by="sam", note=SHARED["shared_note"], note_shared=True)
    eng.skip(c, "Evening walk", by="alex", reason=PRIVATE["alex_reason"])
    eng.edit_ritual(c, "Weekly check", cron="0 18 * * 0")
    eng.pause_ritual(c, "Morning check", until=date(2026, 12, 1))
    return eng


def roundtrip(doc: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(doc))
    return loaded


def test_a_json_export_says_what_it_is_and_holds_the_documented_keys(eng: Engine) -> None:
    doc = eng.export_data(only(eng), viewer="sam")

    assert (doc["format"], doc["version"], doc["viewer"], doc["full"]) == (
        "ritual-engine-export",
        1,
        "sam",
        False,
    )
    assert set(doc) == {
        "format", "version", "exported_at", "viewer", "full", "couple", "summary",
        "rituals", "ground_rules", "journal", "notes", "capsules", "events",
    }  # fmt: skip
    assert doc["summary"]["check_ins"] == {"total": 3, "by_partner": {"alex": 1, "sam": 2}}
    assert doc["summary"]["repairs"] == {"attempted": 1, "accepted": 1, "not_yet": 0}
    weekly = next(r for r in doc["rituals"] if r["title"] == "Weekly check")
    assert [d["cron"] for d in weekly["definitions"]] == ["0 19 * * 0", "0 18 * * 0"]
    morning = next(r for r in doc["rituals"] if r["title"] == "Morning check")
    assert morning["status"] == "paused" and len(morning["pauses"]) == 1
    assert doc["summary"]["rituals"] == {"active": 2, "paused": 1, "retired": 0}
    assert [e["position"] for e in doc["events"]] == sorted(e["position"] for e in doc["events"])
    assert json.loads(json.dumps(doc)) == doc


@pytest.mark.parametrize(
    ("viewer", "readable"),
    [
        (None, set()),
        ("sam", {"sam_note", "sam_journal"}),
        ("alex", {"alex_note", "alex_journal", "alex_repair", "alex_reason"}),
    ],
)
def test_an_export_holds_exactly_the_private_texts_its_viewer_may_read(
    eng: Engine, viewer: str | None, readable: set[str]
) -> None:
    text = json.dumps(eng.export_data(only(eng), viewer=viewer), ensure_ascii=False)
    keepsake = eng.export_markdown(only(eng), viewer=viewer)

    for output in (text, keepsake):
        assert {k for k, v in PRIVATE.items() if v in output} == readable
        assert all(v in output for v in SHARED.values())


def test_a_per_viewer_export_hides_a_private_event_entirely_and_names_hidden_fields(
    eng: Engine,
) -> None:
    doc = eng.export_data(only(eng), viewer="alex")

    given = [e for e in doc["events"] if e["type"] == "appreciation.given"]
    assert len(given) == 2  # sam's journal entry is not even listed
    capsule = next(e for e in doc["events"] if e["type"] == "capsule.sealed")
    assert capsule["hidden"] == ["message"] and "message" not in capsule["data"]
    assert doc["capsules"][0]["message"] is None


def test_a_full_export_holds_every_text_and_takes_no_viewer(eng: Engine) -> None:
    text = json.dumps(eng.export_data(only(eng), full=True), ensure_ascii=False)

    assert all(v in text for v in (*PRIVATE.values(), *SHARED.values()))
    with pytest.raises(InvalidInput, match="full export"):
        eng.export_data(only(eng), viewer="sam", full=True)


def views_of(eng: Engine) -> dict[str, Any]:
    """Everything a couple can read, for comparing two databases."""
    views: dict[str, Any] = {
        "couple": eng.couple(only(eng)),
        "rituals": eng.rituals(only(eng), include_retired=True),
        "rules": eng.ground_rules(only(eng)),
    }
    for viewer in (None, *eng.couple(only(eng)).handles):
        views[f"history {viewer}"] = [
            replace(h, recorded_at=START) for h in eng.history(only(eng), limit=1000, viewer=viewer)
        ]
        views[f"journal {viewer}"] = eng.journal(only(eng), viewer=viewer)
        views[f"notes {viewer}"] = eng.notes(only(eng), viewer=viewer)
        views[f"capsules {viewer}"] = eng.capsules(only(eng), viewer=viewer)
    return views


def test_a_full_export_imported_elsewhere_gives_back_the_same_couple(
    eng: Engine, clock: FixedClock
) -> None:
    copy = new_engine(clock)

    copy.import_data(roundtrip(eng.export_data(only(eng), full=True)))

    def events(e: Engine) -> list[dict[str, Any]]:
        return [{**x, "recorded_at": None} for x in e.export_data(only(e), full=True)["events"]]

    assert views_of(copy) == views_of(eng)
    assert events(copy) == events(eng)


def test_an_import_keeps_event_ids_streams_order_times_and_metadata(
    eng: Engine, clock: FixedClock
) -> None:
    copy = new_engine(clock)
    copy.import_data(roundtrip(eng.export_data(only(eng), full=True)))

    def identity(e: Engine) -> list[tuple[object, ...]]:
        return [
            (r.event_id, r.stream_id, r.version, r.occurred_at, r.metadata, r.event)
            for r in e.store.read_all(decrypt=True)
        ]

    assert identity(copy) == identity(eng)


def test_the_copy_opens_a_capsule_on_its_date_like_the_original(
    eng: Engine, clock: FixedClock
) -> None:
    copy = new_engine(clock)
    copy.import_data(roundtrip(eng.export_data(only(eng), full=True)))

    clock.advance(timedelta(days=80))

    assert [c.message for c in copy.capsules(only(copy), viewer="alex")] == [PRIVATE["capsule"]]


def test_an_import_refuses_an_export_made_for_one_viewer(eng: Engine, clock: FixedClock) -> None:
    copy = new_engine(clock)

    with pytest.raises(InvalidInput, match="--full"):
        copy.import_data(roundtrip(eng.export_data(only(eng), viewer="sam")))
    assert copy.store.count() == 0


def test_an_import_refuses_a_database_that_already_holds_the_couple(eng: Engine) -> None:
    count = eng.store.count()

    with pytest.raises(NotAllowed, match="already holds that couple"):
        eng.import_data(roundtrip(eng.export_data(only(eng), full=True)))
    assert eng.store.count() == count


def test_an_import_refuses_a_second_couple_of_the_same_name(eng: Engine, clock: FixedClock) -> None:
    copy = new_engine(clock)
    copy.create_couple("sam & alex", ["kim"], "Europe/Berlin")
    count = copy.store.count()

    with pytest.raises(NotAllowed, match="couple of that name"):
        copy.import_data(roundtrip(eng.export_data(only(eng), full=True)))
    assert copy.store.count() == count


class FailingStore(MemoryEventStore):
    """A store whose next appends fail, like a lost connection."""

    def __init__(self, clock: FixedClock, failures: int) -> None:
        super().__init__(clock)
        self.failures = failures

    def append_batches(self, *args: Any, **kwargs: Any) -> list[list[int]]:
        if self.failures:
            self.failures -= 1
            raise StoreUnavailable("cannot reach the database; please try again in a moment")
        return super().append_batches(*args, **kwargs)


def test_an_import_that_fails_leaves_nothing_and_a_rerun_brings_everything(
    eng: Engine, clock: FixedClock
) -> None:
    store = FailingStore(clock, failures=1)
    copy = Engine(store, clock)
    doc = roundtrip(eng.export_data(only(eng), full=True))
    with pytest.raises(StoreUnavailable):
        copy.import_data(doc)
    assert store.count() == 0

    copy.import_data(doc)

    assert views_of(copy) == views_of(eng)


def test_a_partner_who_left_stays_erased_in_the_copy(eng: Engine, clock: FixedClock) -> None:
    eng.erase_partner(only(eng), "alex")
    copy = new_engine(clock)

    view = copy.import_data(roundtrip(eng.export_data(only(eng), full=True)))

    assert views_of(copy) == views_of(eng)
    assert [j.text for j in copy.journal(only(copy), viewer="sam")] == [
        PRIVATE["sam_journal"],
        ERASED,
    ]
    alex = copy.store.read_couple(view.id, types=("couple.partner_erased",))[0].event
    assert copy.store.cipher.keyring.get(view.id, alex.partner_id) is None  # type: ignore[attr-defined]


Damage = Callable[[dict[str, Any]], Any]


def on_event(index: int, change: Callable[[dict[str, Any]], object]) -> Damage:
    def damage(doc: dict[str, Any]) -> dict[str, Any]:
        change(doc["events"][index])
        return doc

    return damage


DAMAGES: dict[str, Damage] = {
    "a list, not an export": lambda d: [d],
    "another format": lambda d: {**d, "format": "calendar"},
    "a newer version": lambda d: {**d, "version": 2},
    "no events": lambda d: {**d, "events": []},
    "an unknown event type": on_event(3, lambda e: e.update(type="ritual.danced")),
    "a missing field": on_event(3, lambda e: e["data"].pop("title")),
    "a field of the wrong type": on_event(3, lambda e: e["data"].update(kind=7)),
    "a time without offset": on_event(3, lambda e: e.update(occurred_at="2026-11-23T10:00")),
    "a gap in versions": on_event(3, lambda e: e.update(version=3)),
    "an event id used twice": lambda d: on_event(
        4, lambda e: e.update(event_id=d["events"][3]["event_id"])
    )(d),
    "another couple's stream": on_event(1, lambda e: e.update(stream_id="couple-abc")),
    "a stream of no known shape": on_event(3, lambda e: e.update(stream_id="Ritual 1")),
    "a newer schema": on_event(3, lambda e: e.update(schema=9)),
}


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_an_import_refuses_a_damaged_file_and_writes_nothing(
    eng: Engine, clock: FixedClock, damage: str
) -> None:
    doc = DAMAGES[damage](roundtrip(eng.export_data(only(eng), full=True)))
    copy = new_engine(clock)

    with pytest.raises(InvalidInput) as caught:
        copy.import_data(doc)

    assert copy.store.count() == 0
    assert not any(v in str(caught.value) for v in (*PRIVATE.values(), *SHARED.values()))
