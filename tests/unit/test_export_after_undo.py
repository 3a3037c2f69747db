"""An undone entry leaves the export's readable sections (it stays in the full event list,
with the retraction that undid it, so an import brings back the same history)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine import Engine, FixedClock, MemoryEventStore

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_an_undone_appreciation_and_note_are_left_out_of_every_export() -> None:
    clock = FixedClock(START)
    with Engine(MemoryEventStore(clock), clock) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
        eng.add_ritual(couple, "Walk", per_week=3)
        eng.appreciate(couple, by="alex", to="sam", text="for the walk")
        clock.advance(timedelta(minutes=5))
        eng.appreciate(couple, by="sam", to="alex", text="for the tea")
        eng.undo(couple, by="sam")
        eng.check_in(couple, "Walk", by="sam", note="slow and sunny")
        eng.undo(couple, by="sam")

        for document in (
            eng.export_data(couple, full=True),
            eng.export_data(couple, viewer="sam"),
        ):
            assert [j["text"] for j in document["journal"]] == ["for the walk"]
            assert document["notes"] == []

        full = eng.export_data(couple, full=True)
    back = Engine(MemoryEventStore(clock), clock)
    restored = back.import_data(full)
    assert [j.text for j in back.journal(restored)] == ["for the walk"]
    assert back.export_data(restored, full=True)["journal"] == full["journal"]
