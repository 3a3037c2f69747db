"""Plan templates: the 8-week reconnection plan as data."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from engine.catalog.plans import PLAN_TEMPLATES, PlanTemplate, plan_template
from engine.catalog.rituals import CATALOG, template
from engine.errors import NotFound

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.fixture
def plan() -> PlanTemplate:
    return plan_template("reconnect-8-weeks")


def test_plan_keys_are_unique_and_kebab_case() -> None:
    keys = [p.key for p in PLAN_TEMPLATES]
    assert len(keys) == len(set(keys))
    assert all(KEBAB.match(k) for k in keys)


def test_the_reconnection_plan_has_eight_weeks_numbered_from_one(plan: PlanTemplate) -> None:
    assert [w.number for w in plan.weeks] == list(range(1, 9))


def test_every_week_has_a_theme_an_intro_and_two_to_four_tasks(plan: PlanTemplate) -> None:
    for week in plan.weeks:
        assert week.theme
        assert week.intro.endswith(".")
        assert 2 <= len(week.tasks) <= 4
        assert all(task.text.endswith(".") for task in week.tasks)


@pytest.mark.parametrize("p", PLAN_TEMPLATES, ids=lambda p: p.key)
def test_task_keys_are_unique_within_a_plan(p: PlanTemplate) -> None:
    keys = [task.key for week in p.weeks for task in week.tasks]
    assert len(keys) == len(set(keys))
    assert all(KEBAB.match(k) for k in keys)


@pytest.mark.parametrize("p", PLAN_TEMPLATES, ids=lambda p: p.key)
def test_introduced_rituals_exist_in_the_catalog(p: PlanTemplate) -> None:
    catalog_keys = {t.key for t in CATALOG}
    introduced = [key for week in p.weeks for key in week.introduces]
    assert set(introduced) <= catalog_keys
    assert len(introduced) == len(set(introduced))  # each ritual starts only once


def test_week_one_introduces_a_weekly_fifteen_minute_check(plan: PlanTemplate) -> None:
    templates = [template(key) for key in plan.weeks[0].introduces]
    assert any(
        t.duration == timedelta(minutes=15) and t.cron is not None and t.cron.split()[4] != "*"
        for t in templates
    )


def test_week_two_introduces_a_daily_two_minute_ritual(plan: PlanTemplate) -> None:
    templates = [template(key) for key in plan.weeks[1].introduces]
    assert any(
        t.duration == timedelta(minutes=2)
        and t.cron is not None
        and t.cron.split()[2:] == ["*", "*", "*"]
        for t in templates
    )


def test_an_unknown_plan_key_raises_not_found_on_one_line() -> None:
    with pytest.raises(NotFound, match="unknown plan 'nope'") as caught:
        plan_template("nope")
    assert "\n" not in str(caught.value)
    assert "reconnect-8-weeks" in str(caught.value)


def test_a_plan_key_with_a_line_break_still_gives_a_one_line_message() -> None:
    with pytest.raises(NotFound) as caught:
        plan_template("a\nb")
    assert "\n" not in str(caught.value)
