"""The ritual catalog: templates, lookups and prompt rotation."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

import engine.catalog.rituals
from engine.catalog.kinds import RITUAL_KINDS
from engine.catalog.prompts import prompt_for
from engine.catalog.rituals import CATALOG, starter_templates, template
from engine.errors import NotFound

if TYPE_CHECKING:
    from engine.catalog.templates import Template

# (key, schedule shape, minutes or None, participants), in catalog order.
DOMAIN_TABLE = [
    ("morning-micro-check", "daily", 2, "both"),
    ("evening-one-thing", "daily", 5, "both"),
    ("screen-free-time", "daily", 20, "both"),
    ("gratitude-check-in", "daily", 2, "both"),
    ("distraction-free-check-in", "twice-weekly", 20, "both"),
    ("relationship-check", "weekly", 30, "both"),
    ("shared-joy", "weekly", 60, "both"),
    ("appreciation-round", "weekly", 10, "both"),
    ("appreciation-journal", "quota-3", None, "each"),
    ("maintenance-meeting", "monthly", 30, "both"),
    ("curiosity-evening", "occasional", 45, "both"),
]

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
START = datetime(2025, 3, 3, 19, 0, tzinfo=UTC)


def schedule_shape(t: Template) -> str:
    if t.cron is None:
        return "occasional" if t.per_week is None else f"quota-{t.per_week}"
    _minute, _hour, dom, month, dow = t.cron.split()
    if dom == month == dow == "*":
        return "daily"
    if dom == month == "*" and re.fullmatch(r"[0-6]#1", dow):
        return "monthly"
    if dom == month == "*" and re.fullmatch(r"[0-6]", dow):
        return "weekly"
    if dom == month == "*" and re.fullmatch(r"[0-6],[0-6]", dow):
        return "twice-weekly"
    return "other"


@pytest.mark.parametrize(("key", "shape", "minutes", "participants"), DOMAIN_TABLE)
def test_every_row_of_the_domain_table_is_in_the_catalog(
    key: str, shape: str, minutes: int | None, participants: str
) -> None:
    t = template(key)
    assert schedule_shape(t) == shape
    assert t.duration == (None if minutes is None else timedelta(minutes=minutes))
    assert t.participants == participants


def test_the_catalog_starts_with_the_domain_table_in_its_order() -> None:
    assert [t.key for t in CATALOG[: len(DOMAIN_TABLE)]] == [row[0] for row in DOMAIN_TABLE]


def test_templates_beyond_the_domain_table_are_not_starters() -> None:
    assert all(not t.starter for t in CATALOG[len(DOMAIN_TABLE) :])


def test_keys_are_unique_and_kebab_case() -> None:
    keys = [t.key for t in CATALOG]
    assert len(keys) == len(set(keys))
    assert all(KEBAB.match(k) for k in keys)


def test_titles_are_unique_and_short() -> None:
    titles = [t.title for t in CATALOG]
    assert len(titles) == len(set(titles))
    assert all(0 < len(title) <= 40 for title in titles)


@pytest.mark.parametrize("t", CATALOG, ids=lambda t: t.key)
def test_every_template_is_well_formed(t: Template) -> None:
    assert t.kind in RITUAL_KINDS
    assert t.summary.endswith(".")
    if t.cron is not None:
        assert len(t.cron.split(" ")) == 5
        assert t.per_week is None
    if t.per_week is not None:
        assert 1 <= t.per_week <= 7
    if t.cron is None:
        assert t.reminder is None  # nothing fixed to remind of
    if t.duration is not None and t.duration <= timedelta(minutes=2):
        assert t.reminder is None


@pytest.mark.parametrize("t", CATALOG, ids=lambda t: t.key)
def test_every_template_has_five_to_eight_distinct_short_prompts(t: Template) -> None:
    assert 5 <= len(t.prompts) <= 8
    assert len(set(t.prompts)) == len(t.prompts)
    for p in t.prompts:
        assert p == p.strip()
        assert p[-1] in "?."
        assert len(p) <= 100


def test_the_starter_set_is_small_and_gentle() -> None:
    keys = [t.key for t in starter_templates()]
    assert keys == [
        "morning-micro-check",
        "evening-one-thing",
        "relationship-check",
        "shared-joy",
        "appreciation-round",
        "maintenance-meeting",
    ]


def test_relationship_check_ends_before_the_appreciation_round_begins() -> None:
    check, appreciation = template("relationship-check"), template("appreciation-round")
    assert check.cron is not None and appreciation.cron is not None
    assert check.cron.split()[2:] == appreciation.cron.split()[2:]  # the same day
    check_min, check_hour = (int(f) for f in check.cron.split()[:2])
    round_min, round_hour = (int(f) for f in appreciation.cron.split()[:2])
    assert check.duration is not None
    check_end = timedelta(hours=check_hour, minutes=check_min) + check.duration
    assert check_end <= timedelta(hours=round_hour, minutes=round_min)


def test_an_unknown_template_key_raises_not_found() -> None:
    with pytest.raises(NotFound, match="unknown template 'nope'; see `ritual catalog`"):
        template("nope")


def test_prompt_for_is_none_without_prompts() -> None:
    assert prompt_for((), "r1", START) is None


def test_prompt_for_gives_the_same_prompt_for_the_same_occurrence() -> None:
    prompts = template("relationship-check").prompts
    first = prompt_for(prompts, "ritual-abc", START)
    assert first is not None
    assert prompt_for(list(prompts), "ritual-abc", START) == first
    same_instant = START.astimezone(ZoneInfo("Asia/Tokyo"))
    assert prompt_for(prompts, "ritual-abc", same_instant) == first


def test_prompt_for_treats_a_naive_time_as_utc() -> None:
    prompts = ("a", "b", "c", "d", "e")
    naive = START.replace(tzinfo=None)
    assert prompt_for(prompts, "r1", naive) == prompt_for(prompts, "r1", START)


def test_prompt_for_does_not_depend_on_the_process_hash_seed() -> None:
    # sha256-based, so these values hold in every process and on every machine.
    prompts = tuple(str(i) for i in range(6))
    days = [prompt_for(prompts, "x", START + timedelta(days=i)) for i in range(6)]
    assert days == ["2", "3", "4", "5", "0", "1"]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 8, 9, 10])
@pytest.mark.parametrize("start_offset", range(7))
def test_a_daily_ritual_sees_every_prompt_within_n_days(n: int, start_offset: int) -> None:
    prompts = tuple(f"p{i}" for i in range(n))
    start = START + timedelta(days=start_offset)
    seen = {prompt_for(prompts, "daily", start + timedelta(days=i)) for i in range(n)}
    assert seen == set(prompts)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14])
@pytest.mark.parametrize("start_offset", range(7))
def test_a_weekly_ritual_sees_every_prompt_within_n_weeks(n: int, start_offset: int) -> None:
    prompts = tuple(f"p{i}" for i in range(n))
    start = START + timedelta(days=start_offset)
    seen = {prompt_for(prompts, "weekly", start + timedelta(weeks=i)) for i in range(n)}
    assert seen == set(prompts)


@pytest.mark.parametrize("n", [7, 14])
def test_a_daily_ritual_with_a_multiple_of_seven_prompts_still_rotates(n: int) -> None:
    prompts = tuple(f"p{i}" for i in range(n))
    days = [prompt_for(prompts, "daily", START + timedelta(days=i)) for i in range(3 * n)]
    assert set(days) == set(prompts)
    assert all(a != b for a, b in pairwise(days))


def test_the_twice_weekly_check_in_visits_every_prompt_within_one_round() -> None:
    t = template("distraction-free-check-in")
    tuesday = datetime(2025, 3, 4, 19, 30, tzinfo=UTC)
    occurrences = [tuesday + timedelta(weeks=i // 2, days=3 * (i % 2)) for i in range(12)]
    seen = [prompt_for(t.prompts, "r", at) for at in occurrences[: len(t.prompts)]]
    assert set(seen) == set(t.prompts)


def test_different_rituals_start_at_different_points_in_the_rotation() -> None:
    prompts = tuple(f"p{i}" for i in range(8))
    firsts = {prompt_for(prompts, f"ritual-{i}", START) for i in range(40)}
    assert len(firsts) > 1


def test_the_catalog_module_is_pure() -> None:
    tree = ast.parse(Path(engine.catalog.rituals.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported.isdisjoint({"os", "sqlalchemy", "click", "time", "random", "croniter"})
