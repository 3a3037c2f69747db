"""What each screen of the partner's page shows, gathered from the Engine's queries.

Every read is made as the partner the session belongs to, with the same visibility rules
as the CLI's ``--as``: the other partner's journal stays theirs, sealed capsules show only
their opening date.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from engine.catalog.kinds import REPAIR_KINDS
from engine.domain.invites import PAGE_PATH, occurrence_path
from engine.frozen import frozen

if TYPE_CHECKING:
    from engine.api import Engine
    from engine.views.couples import CoupleView
    from engine.views.invites import PageTarget
    from engine.views.plans import PlanView
    from engine.views.rituals import RitualView
    from engine.views.status import StatusView, TodayItem

SCREENS = (
    ("today", PAGE_PATH, "Today"),
    ("words", f"{PAGE_PATH}/words", "Words"),
    ("together", f"{PAGE_PATH}/together", "Together"),
    ("plan", f"{PAGE_PATH}/plan", "Plan"),
    ("progress", f"{PAGE_PATH}/progress", "Progress"),
)
SCREEN_PATHS = {key: path for key, path, _ in SCREENS}

DONE = {
    "checkin": "Checked in. Thank you for making the time.",
    "skip": "Let go for today. Your streak is untouched.",
    "appreciate": "Appreciation shared. Small words, big difference.",
    "journal": "Kept in your journal. Share it whenever it feels right.",
    "share": "Shared from your journal.",
    "repair": "Repair attempt noted. Reaching out takes courage.",
    "accepted": "Repair accepted. Thank you for meeting each other.",
    "not-yet": "Noted: not yet. It is fine to come back to it later.",
    "pause": "Pause called. Take the time you need, then come back to each other.",
    "back": "Welcome back to the conversation.",
    "task": "Marked done. One step at a time.",
    "welcome": "Welcome. This is your page; keep it on your home screen.",
}
"""What a finished form says on the page it leads back to (``?done=<key>``): fixed words,
so no text a partner typed ever travels in a URL."""

REPAIR_WORDS = {
    "apology": "an apology",
    "humour": "a bit of humour",
    "touch": "a touch",
    "reassurance": "reassurance",
    "pause": "a pause",
    "other": "a gesture",
}


@frozen
class RitualCard:
    """One of today's rituals as this partner's card shows it."""

    item: TodayItem
    ritual: RitualView
    mine_done: bool
    for_both: bool  # whether "for both" may be offered
    at_value: str  # the occurrence's UTC stamp for the form ("" for a quota ritual)
    path: str  # this occurrence on the page


def stamp(at: datetime) -> str:
    """The UTC stamp an occurrence goes by in URLs and forms."""
    return f"{at.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def parse_stamp(value: str) -> datetime | None:
    """The instant of a stamp, or None when it is not one."""
    try:
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def card(couple: CoupleView, handle: str, item: TodayItem, ritual: RitualView) -> RitualCard:
    """The card of one of today's rituals, its time shown in the zone this partner lives by."""
    own = next((p.time_zone for p in couple.partners if p.handle == handle), None)
    if item.at is not None and own is not None:
        item = replace(item, local=item.at.astimezone(ZoneInfo(own)))
    mine_done = handle in item.by
    for_both = couple.proxy_checkins and ritual.together and len(item.participants) > 1
    at_value = stamp(item.at) if item.at else ""
    path = occurrence_path(item.ritual_id, item.at) if item.at else PAGE_PATH
    return RitualCard(item, ritual, mine_done, for_both, at_value, path)


def base(eng: Engine, target: PageTarget, screen: str) -> dict[str, Any]:
    """What every screen shows: who is looking, and the navigation."""
    couple = eng.couple(target.couple_id)
    me = next(p for p in couple.partners if p.handle == target.handle)
    others = [p for p in couple.partners if p.handle != me.handle]
    return {
        "couple": couple,
        "me": me,
        "other": others[0] if others else None,
        "names": {p.handle: p.display_name for p in couple.partners},
        "screen": screen,
        "screens": SCREENS,
        "repair_kinds": REPAIR_KINDS,
        "repair_words": REPAIR_WORDS,
    }


def today(eng: Engine, target: PageTarget, status: StatusView | None = None) -> dict[str, Any]:
    ctx = base(eng, target, "today")
    couple, handle = ctx["couple"], ctx["me"].handle
    status = status or eng.status(target.couple_id)
    rituals = {r.id: r for r in eng.rituals(target.couple_id)}
    ctx["status"] = status
    ctx["cards"] = [
        card(couple, handle, item, rituals[item.ritual_id])
        for item in status.today
        if handle in item.participants and item.ritual_id in rituals
    ]
    return ctx


def occurrence(
    eng: Engine, target: PageTarget, ritual_id: str, at: datetime
) -> dict[str, Any] | None:
    """The screen of one occurrence (from a calendar event), or None when this partner has
    no such ritual or it has no occurrence at that time."""
    ctx = base(eng, target, "today")
    couple, handle = ctx["couple"], ctx["me"].handle
    ritual = next((r for r in eng.rituals(target.couple_id) if r.id == ritual_id), None)
    if ritual is None or handle not in ritual.participants:
        return None
    zone = ZoneInfo(couple.time_zone)
    now = eng.now()
    day = at.astimezone(zone).date()
    if day == now.astimezone(zone).date():
        as_of = None  # today: what the today screen shows
    elif at > now:
        as_of = at  # a day to come: everything recorded so far
    else:  # a day gone by: what was recorded by its end
        as_of = min(now, datetime.combine(day, time(23, 59, 59), zone))
    items = eng.status(target.couple_id, as_of=as_of).today
    found = next((i for i in items if i.ritual_id == ritual_id and i.at == at), None)
    if found is None:
        return None
    ctx["card"] = card(couple, handle, found, ritual)
    ctx["upcoming"] = at > now
    return ctx


def words(eng: Engine, target: PageTarget) -> dict[str, Any]:
    ctx = base(eng, target, "words")
    handle = ctx["me"].handle
    entries = eng.journal(target.couple_id, viewer=handle)
    ctx["received"] = [j for j in reversed(entries) if j.shared and j.recipient == handle]
    ctx["given"] = [j for j in reversed(entries) if j.shared and j.author == handle]
    ctx["journal"] = [j for j in reversed(entries) if not j.shared and j.author == handle]
    return ctx


def together(eng: Engine, target: PageTarget) -> dict[str, Any]:
    ctx = base(eng, target, "together")
    facts = eng.page_facts(target.couple_id, partner=ctx["me"].handle)
    ctx["repairs"] = facts.repairs
    ctx["pause_by"] = facts.pause_by
    ctx["rules"] = eng.ground_rules(target.couple_id)
    return ctx


def plan(eng: Engine, target: PageTarget) -> dict[str, Any]:
    ctx = base(eng, target, "plan")
    view = eng.plan_status(target.couple_id)
    ctx["plan"] = view
    ctx["pace"] = pace_line(view) if view else None
    return ctx


def pace_line(v: PlanView) -> str:
    """The tasks done and the pace, in one kind sentence (as `ritual plan` says it)."""
    summary = f"{v.tasks_done} of {v.tasks_total} tasks done ({v.percent}%)"
    if v.pace == "finished" and v.finished_on:
        return f"{summary}. You finished the plan on {v.finished_on:%a %d %b %Y}."
    if v.pace == "paused":
        return f"{summary}. The plan is paused; pick it up again whenever you are ready."
    if v.pace == "behind":
        return f"{summary}. You are taking it slower, and that is fine."
    return f"{summary}: right on pace."


def progress(eng: Engine, target: PageTarget) -> dict[str, Any]:
    ctx = base(eng, target, "progress")
    handle = ctx["me"].handle
    status = eng.status(target.couple_id)
    ctx["status"] = status
    ctx["mine"] = {
        s.ritual_id: next((p.figures for p in s.partners if p.partner == handle), None)
        for s in status.streaks
    }
    ctx["heat"] = [[heat_level(v) for v in week] for week in status.heatmap.weeks]
    ctx["capsules"] = eng.capsules(target.couple_id, viewer=handle)
    return ctx


def heat_level(share: float | None) -> str:
    """A heatmap cell's class: none (nothing was due), 0 to 3."""
    if share is None:
        return "none"
    if share >= 1:
        return "3"
    if share >= 0.5:
        return "2"
    return "1" if share > 0 else "0"
