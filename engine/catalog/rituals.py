"""The ritual catalog: ready-made templates a couple can start from.

The catalog in order and its lookups; the templates live in ``ritual_templates`` and
``plan_ritual_templates``, their shape in ``templates``, the prompt rotation in
``prompts``. No I/O, no clock.

Schedules are 5-field cron expressions in the couple's local time. A template with
``cron=None`` is either a quota ritual (``per_week`` set, no fixed times) or an
occasional one (``per_week=None`` too: done whenever the couple chooses).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.catalog.plan_ritual_templates import PLAN_ONLY
from engine.catalog.ritual_templates import EVERYDAY
from engine.errors import NotFound

if TYPE_CHECKING:
    from engine.catalog.templates import Template

CATALOG: tuple[Template, ...] = (*EVERYDAY, *PLAN_ONLY)
"""Every template, in its usual order (daily, weekly, monthly, occasional), then those
the 8-week plan introduces."""

_BY_KEY: dict[str, Template] = {t.key: t for t in CATALOG}


def template(key: str) -> Template:
    """Return the catalog template called ``key``; raise ``NotFound`` if there is none."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise NotFound(f"unknown template {key!r}; see `ritual catalog`") from None


def family_of(key: str | None) -> str | None:
    """The family of the template called ``key`` (None for no template or an unknown one)."""
    if key is None:
        return None
    found = next((t for t in CATALOG if t.key == key), None)
    return found.kin if found is not None else key


def starter_templates() -> tuple[Template, ...]:
    """The gentle set that ``ritual init --starter`` creates, in catalog order."""
    return tuple(t for t in CATALOG if t.starter)
