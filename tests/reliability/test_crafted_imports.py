"""Crafted export files against `ritual import`, in a database that holds another couple.

Every crafted file either comes back exactly as it was exported, or is refused with one
line on stderr, a usage exit code, not one event written, and the other couple's rituals,
streaks, calendar and links exactly as before (after a rebuild of the read models too).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli import cli
from engine import CoupleView, Engine, FixedClock
from tests.moments import cli_at

NOW = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)
Doc = dict[str, Any]
Craft = Callable[[Doc, "Victim"], Doc | bytes]


@dataclass(frozen=True)
class Victim:
    couple: CoupleView
    ritual_id: str
    link_id: str
    token: str


def _clock() -> FixedClock:
    return FixedClock(NOW)


def _attacker_export(tmp_path: Path) -> Doc:
    """A full export of a lively couple, written in a database of its own."""
    start = NOW - timedelta(days=20)
    clock = FixedClock(start)
    with Engine.open(f"sqlite:///{tmp_path / 'attacker.db'}", clock=clock) as eng:
        couple = eng.create_couple("Kim & Lee", ["kim", "lee"], "America/New_York")
        eng.add_ritual(couple, "Evening walk", cron="0 19 * * *", duration=timedelta(minutes=20))
        eng.add_ritual(couple, "Journal", per_week=3, together=False)
        for day in range(1, 8):
            clock.now = start + timedelta(days=day, hours=2)
            eng.check_in(couple, "Evening walk", by="kim", closeness=4, note="warm evening")
        eng.appreciate(couple, by="lee", to="kim", text="You listened so well.")
        eng.seal_capsule(couple, by="kim", message="Where I stand today.")
        eng.start_plan(couple)
        eng.share_feed(couple, base_url="https://cal.example.org", partner="kim")
        clock.now = NOW
        return eng.export_data(couple, full=True)


@dataclass
class Setting:
    url: str
    folder: Path
    victim: Victim
    export: Doc

    def engine(self) -> Engine:
        return Engine.open(self.url, clock=_clock())

    def fingerprint(self) -> tuple[Any, ...]:
        """What the victim couple sees: rituals, streaks, calendar, links, history length."""
        with self.engine() as eng:
            couple = self.victim.couple
            return (
                eng.rituals(couple),
                eng.streaks(couple),
                eng.calendar_feed(couple),
                eng.feed_links(couple),
                len(eng.history(couple, limit=10_000)),
                eng.feed_target(self.victim.token) is not None,
            )

    def count(self) -> int:
        with self.engine() as eng:
            return eng.store.count()

    def rebuild(self) -> None:
        with self.engine() as eng:
            eng.rebuild()


@pytest.fixture
def setting(tmp_path: Path) -> Iterator[Setting]:
    url = f"sqlite:///{tmp_path / 'victim.db'}"
    clock = FixedClock(NOW - timedelta(days=6))
    with Engine.open(url, clock=clock) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        ritual = eng.add_ritual(couple, "Morning check", cron="0 7 * * *")
        for day in range(6):
            clock.now = NOW - timedelta(days=5 - day, hours=9)
            eng.check_in(couple, ritual.id, by="sam")
        link = eng.share_feed(couple, base_url="https://cal.example.org")
        token = link.url.rsplit("/", 1)[-1].removesuffix(".ics")
        victim = Victim(couple=couple, ritual_id=ritual.id, link_id=link.link.id, token=token)
    yield Setting(url, tmp_path, victim, _attacker_export(tmp_path))


# -- crafting ----------------------------------------------------------------------------


def _events(doc: Doc, type_name: str) -> list[dict[str, Any]]:
    return [e for e in doc["events"] if e["type"] == type_name]


def _first(doc: Doc, type_name: str) -> dict[str, Any]:
    return _events(doc, type_name)[0]


def _set(type_name: str, field: str, value: Any) -> Craft:
    def craft(doc: Doc, victim: Victim) -> Doc:
        _first(doc, type_name)["data"][field] = value
        return doc

    return craft


def _set_event(type_name: str, key: str, value: Any) -> Craft:
    def craft(doc: Doc, victim: Victim) -> Doc:
        _first(doc, type_name)[key] = value
        return doc

    return craft


def _victims_ritual(doc: Doc, victim: Victim) -> Doc:
    """Move the attacker's ritual onto the victim's ritual id and stream."""
    mine = _first(doc, "ritual.added")["data"]["ritual_id"]
    text = json.dumps(doc).replace(mine, victim.ritual_id)
    return dict(json.loads(text))


def _victims_link(doc: Doc, victim: Victim) -> Doc:
    mine = _first(doc, "sharing.link_issued")["data"]["link_id"]
    return dict(json.loads(json.dumps(doc).replace(mine, victim.link_id)))


def _victims_couple_id(doc: Doc, victim: Victim) -> Doc:
    mine = _first(doc, "couple.created")["data"]["couple_id"]
    return dict(json.loads(json.dumps(doc).replace(mine, victim.couple.id)))


def _victims_name(doc: Doc, victim: Victim) -> Doc:
    _first(doc, "couple.created")["data"]["name"] = "sam & ALEX"
    return doc


def _foreign_partner(doc: Doc, victim: Victim) -> Doc:
    _first(doc, "ritual.checked_in")["data"]["partner_id"] = "f" * 32
    return doc


def _ritual_on_another_stream(doc: Doc, victim: Victim) -> Doc:
    _first(doc, "ritual.checked_in")["data"]["ritual_id"] = "e" * 32
    return doc


def _plan_names_unknown_ritual(doc: Doc, victim: Victim) -> Doc:
    _first(doc, "plan.week_started")["data"]["rituals"] = ["d" * 32]
    return doc


def _version_gap(doc: Doc, victim: Victim) -> Doc:
    _events(doc, "ritual.checked_in")[1]["version"] += 5
    return doc


def _repeated_event_id(doc: Doc, victim: Victim) -> Doc:
    checkins = _events(doc, "ritual.checked_in")
    checkins[1]["event_id"] = checkins[0]["event_id"]
    return doc


def _unknown_type(doc: Doc, victim: Victim) -> Doc:
    _first(doc, "ritual.checked_in")["type"] = "ritual.teleported"
    return doc


def _missing_field(doc: Doc, victim: Victim) -> Doc:
    del _first(doc, "ritual.checked_in")["data"]["done_at"]
    return doc


def _erasure_inside(doc: Doc, victim: Victim) -> Doc:
    last = doc["events"][0]
    doc["events"].append(
        {
            **copy.deepcopy(last),
            "type": "couple.erased",
            "event_id": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
            "version": sum(1 for e in doc["events"] if e["stream_id"] == last["stream_id"]) + 1,
            "data": {"at": NOW.isoformat()},
        }
    )
    return doc


def _second_creation(doc: Doc, victim: Victim) -> Doc:
    created = copy.deepcopy(doc["events"][0])
    created["event_id"] = "1" * 8 + "-1111-1111-1111-" + "1" * 12
    created["version"] = 2
    doc["events"].insert(1, created)
    for e in doc["events"][2:]:
        if e["stream_id"] == created["stream_id"]:
            e["version"] += 1
    return doc


def _events_of_another_couple_stream(doc: Doc, victim: Victim) -> Doc:
    _first(doc, "couple.partner_added")["stream_id"] = f"couple-{victim.couple.id}"
    return doc


def _not_full(doc: Doc, victim: Victim) -> Doc:
    doc["full"] = False
    return doc


def _newer_version(doc: Doc, victim: Victim) -> Doc:
    doc["version"] = 99
    return doc


def _no_events(doc: Doc, victim: Victim) -> Doc:
    doc["events"] = []
    return doc


def _raw(data: bytes) -> Craft:
    return lambda doc, victim: data


def _lone_surrogate(doc: Doc, victim: Victim) -> bytes:
    _first(doc, "ritual.checked_in")["data"]["note"] = "LONE"
    return json.dumps(doc).replace("LONE", "\\ud800").encode()


def _nan(doc: Doc, victim: Victim) -> bytes:
    _first(doc, "ritual.checked_in")["data"]["closeness"] = "NAN"
    return json.dumps(doc).replace('"NAN"', "NaN").encode()


def _deep_data(doc: Doc, victim: Victim) -> Doc:
    nested: Any = "x"
    for _ in range(200):
        nested = [nested]
    _first(doc, "ritual.added")["data"]["prompts"] = nested
    return doc


REFUSED: list[tuple[str, Craft]] = [
    ("a zone that does not exist", _set("couple.created", "time_zone", "Mars/Olympus")),
    ("a zone change to nowhere", _set("couple.created", "time_zone", "Europe/Atlantis")),
    ("a check-in in year 1", _set("ritual.checked_in", "done_at", "0001-01-01T00:00:00+00:00")),
    (
        "an occurrence in year 9999",
        _set("ritual.checked_in", "occurrence", "9999-12-31T23:59:59+00:00"),
    ),
    ("a capsule opening in year 1", _set("capsule.sealed", "opens_on", "0001-01-01")),
    (
        "an event that happened in year 1",
        _set_event("ritual.checked_in", "occurred_at", "0001-01-01T00:00:00+00:00"),
    ),
    ("a naive moment", _set_event("ritual.checked_in", "occurred_at", "2026-11-01T08:00:00")),
    ("a lone surrogate in a note", _lone_surrogate),
    ("a NUL in a title", _set("ritual.added", "title", "Evening\x00walk")),
    ("an escape character in a note", _set("ritual.checked_in", "note", "\x1b[2Jgone")),
    ("a text of a megabyte", _set("ritual.checked_in", "note", "x" * 1_000_000)),
    ("two thousand prompts", _set("ritual.added", "prompts", ["p"] * 2_000)),
    ("NaN for a closeness", _nan),
    ("a closeness of 10**30", _set("ritual.checked_in", "closeness", 10**30)),
    ("a closeness as text", _set("ritual.checked_in", "closeness", "five")),
    ("a negative duration", _set("ritual.added", "duration", -60)),
    ("a duration of ten thousand years", _set("ritual.added", "duration", 10**12)),
    ("a schedule that never fires", _set("ritual.added", "cron", "0 0 30 2 *")),
    ("a schedule that is no cron", _set("ritual.added", "cron", "61 25 * * *")),
    ("a version that is a boolean", _set_event("ritual.checked_in", "version", True)),
    ("a stream id that is a number", _set_event("ritual.checked_in", "stream_id", 7)),
    ("the victim's ritual id", _victims_ritual),
    ("the victim's couple id", _victims_couple_id),
    ("the victim's name in other case", _victims_name),
    ("a partner of no one", _foreign_partner),
    ("a check-in for a ritual on another stream", _ritual_on_another_stream),
    ("a plan week naming an unknown ritual", _plan_names_unknown_ritual),
    ("a gap in a stream's versions", _version_gap),
    ("one event id used twice", _repeated_event_id),
    ("an event type nobody knows", _unknown_type),
    ("a check-in without its time", _missing_field),
    ("an erasure inside the log", _erasure_inside),
    ("a second creation of the couple", _second_creation),
    ("a partner added to the victim's couple stream", _events_of_another_couple_stream),
    ("prompts nested two hundred deep", _deep_data),
    ("a per-viewer export", _not_full),
    ("an export from the future", _newer_version),
    ("an export without events", _no_events),
    ("a hundred thousand nested brackets", _raw(b"[" * 100_000)),
    ("an empty file", _raw(b"")),
    ("a JSON list", _raw(b"[1, 2, 3]")),
    ("bytes that are not UTF-8", _raw(b"\xff\xfe{}")),
]


def _import(setting: Setting, data: Doc | bytes) -> Any:
    path = setting.folder / "crafted.json"
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    return CliRunner().invoke(cli, ["--db", setting.url, "import", str(path)], obj=cli_at(_clock()))


@pytest.mark.parametrize(("what", "craft"), REFUSED, ids=[w for w, _ in REFUSED])
def test_a_crafted_export_is_refused_in_one_line_and_touches_no_one(
    setting: Setting, what: str, craft: Craft
) -> None:
    before, count = setting.fingerprint(), setting.count()
    result = _import(setting, craft(copy.deepcopy(setting.export), setting.victim))
    assert result.exit_code in (1, 2), (what, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), what
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), (what, result.stderr)
    assert "warm evening" not in result.stderr and "listened" not in result.stderr
    assert setting.count() == count, what
    assert setting.fingerprint() == before, what
    setting.rebuild()
    assert setting.fingerprint() == before, what


def test_at_least_thirty_crafted_files_are_tried() -> None:
    assert len(REFUSED) >= 30


def _comparable(doc: Doc) -> list[dict[str, Any]]:
    """The events as a new database holds them: the log's positions are its own, while
    record times come back as they were."""
    return [{k: v for k, v in e.items() if k != "position"} for e in doc["events"]]


def test_a_genuine_export_comes_back_exactly_beside_another_couple(setting: Setting) -> None:
    before = setting.fingerprint()
    result = _import(setting, setting.export)
    assert result.exit_code == 0, result.output
    with setting.engine() as eng:
        kim = next(c for c in eng.couples() if c.name == "Kim & Lee")
        again = eng.export_data(kim, full=True)
    assert _comparable(again) == _comparable(setting.export)
    assert setting.fingerprint() == before


def test_texts_in_any_script_come_back_exactly(setting: Setting) -> None:
    doc = copy.deepcopy(setting.export)
    note = "Danke, dass du da warst. 谢谢你。 شكرا لك 💛\nline two\tand a tab"
    _first(doc, "ritual.checked_in")["data"]["note"] = note
    assert _import(setting, doc).exit_code == 0
    with setting.engine() as eng:
        kim = next(c for c in eng.couples() if c.name == "Kim & Lee")
        notes = eng.export_data(kim, full=True)["events"]
    assert _first({"events": notes}, "ritual.checked_in")["data"]["note"] == note


def test_a_cut_short_import_leaves_nothing_and_a_rerun_brings_everything(
    setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction: a failure half way through the writing stores no event at all."""
    from engine.sql.event_store import SqlEventStore

    real = SqlEventStore._append_one
    calls = {"n": 0}

    def failing(self: SqlEventStore, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt  # the process is stopped in the middle of the import
        return real(self, *args, **kwargs)

    count = setting.count()
    monkeypatch.setattr(SqlEventStore, "_append_one", failing)
    with pytest.raises(KeyboardInterrupt), setting.engine() as eng:
        eng.import_data(setting.export)
    assert setting.count() == count
    monkeypatch.setattr(SqlEventStore, "_append_one", real)
    assert _import(setting, setting.export).exit_code == 0
    assert setting.count() == count + len(setting.export["events"])


def test_dates_in_the_victims_calendar_are_untouched_by_a_refused_file(setting: Setting) -> None:
    with setting.engine() as eng:
        before = eng.upcoming(setting.victim.couple, days=3)
    _import(setting, _victims_ritual(copy.deepcopy(setting.export), setting.victim))
    with setting.engine() as eng:
        assert eng.upcoming(setting.victim.couple, days=3) == before
    assert date(2026, 11, 25) == NOW.date()


def test_an_export_reusing_another_couples_ritual_says_so(setting: Setting) -> None:
    result = _import(setting, _victims_ritual(copy.deepcopy(setting.export), setting.victim))
    assert result.exit_code == 1
    assert "another couple in this database already has" in result.stderr
