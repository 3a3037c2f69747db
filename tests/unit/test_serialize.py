"""The one JSON serialiser: the named fields as keys, durations in minutes, instants with
their offset in the zone asked for, rounded floats, arrays for tuples, never a hidden field."""

from __future__ import annotations

import dataclasses
import enum
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.views.json import minutes, plain, view_json
from engine.views.rituals import RitualView, UpcomingView
from engine.views.sharing import FeedLinkView, IssuedFeedLink
from engine.views.streaks import StreakLine

BERLIN = ZoneInfo("Europe/Berlin")
MOMENT = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)


def _ritual(**changes: object) -> RitualView:
    fields: dict[str, object] = {
        "id": "a1b2c3d4e5f6",
        "title": "Evening walk",
        "kind": "shared-activity",
        "cron": "0 18 * * *",
        "per_week": None,
        "schedule": "every day at 18:00",
        "duration": timedelta(minutes=25),
        "participants": ("sam", "alex"),
        "together": True,
        "reminder": None,
        "prompts": ("a", "b"),
        "status": "active",
        "paused_until": None,
        "template": None,
        "since": MOMENT,
    }
    return RitualView(**{**fields, **changes})  # type: ignore[arg-type]


ALL = tuple(f.name for f in dataclasses.fields(RitualView))


def test_a_view_becomes_an_object_of_its_field_names_with_durations_in_minutes() -> None:
    data = view_json(_ritual(), ALL)
    assert data["duration_minutes"] == 25
    assert data["reminder_minutes"] is None  # an empty duration keeps its _minutes key
    assert "duration" not in data and "reminder" not in data
    assert data["participants"] == ["sam", "alex"]
    assert data["since"] == "2026-11-25T17:30:00+00:00"
    json.dumps(data)  # JSON-ready as it is


def test_instants_are_written_in_the_zone_asked_for_with_their_offset() -> None:
    assert view_json(_ritual(), ("since",), zone=BERLIN)["since"] == "2026-11-25T18:30:00+01:00"
    assert plain(date(2026, 11, 25)) == "2026-11-25"


def test_floats_are_rounded_and_whole_minutes_are_integers() -> None:
    line = StreakLine(strength=0.123456, completion_rate=2 / 3)
    data = view_json(line, ("strength", "completion_rate"))
    assert (data["strength"], data["completion_rate"]) == (0.123, 0.667)
    assert minutes(timedelta(seconds=90)) == 1.5
    assert isinstance(minutes(timedelta(hours=1)), int)


def test_a_field_kept_out_of_the_repr_is_refused_and_a_view_is_never_written_whole() -> None:
    link = FeedLinkView("l1", "phone", None, MOMENT, None, None)
    issued = IssuedFeedLink(link, url="https://x/feed/SECRET", webcal_url="webcal://x/SECRET")
    with pytest.raises(ValueError, match="url"):
        view_json(issued, ("url",))
    with pytest.raises(TypeError, match="view_json"):
        plain(issued)  # a view names its keys; a new field never slips into a shape


def test_only_the_named_keys_are_written_whatever_the_view_gains() -> None:
    data = view_json(_ritual(each_local=True), ("id", "title"))
    assert data == {"id": "a1b2c3d4e5f6", "title": "Evening walk"}


def test_rename_and_extra_shape_the_object() -> None:
    data = view_json(
        _ritual(),
        ("id", "title"),
        rename={"title": "ritual"},
        extra={"short_id": "a1b2", "when": MOMENT},
    )
    assert data == {
        "id": "a1b2c3d4e5f6",
        "ritual": "Evening walk",
        "short_id": "a1b2",
        "when": "2026-11-25T17:30:00+00:00",
    }


class Answer(enum.Enum):
    ACCEPTED = "accepted"


@dataclass(frozen=True)
class Odd:
    answer: Answer
    pairs: tuple[tuple[str, int], ...]
    counts: dict[int, float]


def test_enums_tuples_and_mappings_become_plain_values() -> None:
    data = view_json(Odd(Answer.ACCEPTED, (("sam", 2),), {1: 0.5}), ("answer", "pairs", "counts"))
    assert data == {"answer": "accepted", "pairs": [["sam", 2]], "counts": {"1": 0.5}}


def test_a_value_with_no_json_form_is_refused_rather_than_guessed() -> None:
    with pytest.raises(TypeError, match="set"):
        plain({"a"})


def test_a_local_time_keeps_the_zone_it_holds_while_instants_take_the_zone_asked_for() -> None:
    new_york = ZoneInfo("America/New_York")
    upcoming = UpcomingView(
        ritual_id="r1",
        title="Call",
        at=MOMENT,
        local=MOMENT.astimezone(new_york),
        duration=None,
        prompt=None,
        partner="alex",
        times=(("sam", MOMENT.astimezone(BERLIN)), ("alex", MOMENT.astimezone(new_york))),
    )
    data = view_json(upcoming, ("at", "local", "times"), zone=BERLIN)
    assert data["at"] == "2026-11-25T18:30:00+01:00"
    assert data["local"] == "2026-11-25T12:30:00-05:00"
    assert data["times"] == [
        ["sam", "2026-11-25T18:30:00+01:00"],
        ["alex", "2026-11-25T12:30:00-05:00"],
    ]
