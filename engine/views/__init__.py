"""Return types, pure: the frozen views the Engine returns (plain values, never ORM rows or
sessions), their JSON form (``json``) and the words for them (``wording``). Imports nothing
else of the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

LOCAL_TIME = MappingProxyType({"zone": "own"})
"""Field metadata of a local time: written as JSON in the zone it holds (the couple's, or
a partner's own), never converted to the zone the output is in."""


@dataclass(frozen=True)
class PartnerView:
    """One partner of a couple: a handle, a display name, and the id events carry."""

    handle: str
    display_name: str
    id: str  # the partner id events carry (actor, author, by), so a host can map them to people
    time_zone: str | None = None  # their own IANA zone; None: they follow the couple's


@dataclass(frozen=True)
class CoupleView:
    """A couple: its name, its IANA zone, its partners and its settings."""

    id: str
    name: str
    time_zone: str
    partners: tuple[PartnerView, ...]
    freezes_per_month: int = 1
    proxy_checkins: bool = False

    @property
    def handles(self) -> tuple[str, ...]:
        return tuple(p.handle for p in self.partners)


@dataclass(frozen=True)
class RitualView:
    """A ritual as it stands now: its current definition, status and schedule in words."""

    id: str
    title: str
    kind: str
    cron: str | None
    per_week: int | None
    schedule: str  # a human description: "every day at 07:30", "3 times a week"
    duration: timedelta | None
    participants: tuple[str, ...]  # handles
    together: bool
    reminder: timedelta | None
    prompts: tuple[str, ...]
    status: str  # active, paused, retired
    paused_until: datetime | None
    template: str | None
    since: datetime
    each_local: bool = False  # one occurrence per participant, at their own local time

    @property
    def short_id(self) -> str:
        return self.id[:8]


@dataclass(frozen=True)
class CheckInView:
    """What a check-in landed on: the occurrence, when, and the partner's streak after it."""

    ritual_id: str
    title: str
    partner: str
    occurrence: datetime | None  # UTC instant of the occurrence; None for quota rituals
    local: datetime | None = field(metadata=LOCAL_TIME)  # the occurrence in the couple's zone
    done_at: datetime
    streak: int = 0  # the partner's current streak on this ritual, this check-in included
    partners: tuple[str, ...] = ()  # every handle this check-in counts for, the partner first


@dataclass(frozen=True)
class SkipView:
    """One occurrence let go: its UTC instant and its local time."""

    ritual_id: str
    title: str
    occurrence: datetime
    local: datetime = field(metadata=LOCAL_TIME)


@dataclass(frozen=True)
class CapsuleView:
    """A time capsule; its message is None while it is sealed for the reader."""

    id: str
    author: str
    opens_on: date
    opened: bool
    message: str | None  # None while sealed


@dataclass(frozen=True)
class PlanTaskView:
    """One task of a plan week, and who marked it done (None: together, or not yet)."""

    key: str
    text: str
    week: int
    done: bool
    by: str | None  # the partner's handle; None when done together or not yet done


@dataclass(frozen=True)
class PlanWeekView:
    """One week of a plan: its theme, first day, tasks done and extensions."""

    number: int
    theme: str
    starts_on: date | None  # None: not known yet (the plan is paused or finished)
    tasks_done: int
    tasks_total: int
    extensions: int


@dataclass(frozen=True)
class PlanRitualView:
    """A ritual a plan week added; the couple may have edited, paused or retired it."""

    id: str
    title: str
    week: int
    status: str  # active, paused, retired


@dataclass(frozen=True)
class PlanView:
    """Where a couple is in a plan: described, never judged."""

    id: str
    template: str
    title: str
    starts_on: date
    week: int  # the current week; 0 before week 1 begins
    weeks_total: int
    theme: str | None
    week_starts_on: date | None
    week_ends_on: date | None  # the last day of the current week
    days_left: int | None  # days in the current week after today; None when paused
    over: bool  # every week has run its course (time to choose what continues)
    tasks: tuple[PlanTaskView, ...]  # the current week's
    earlier_open: tuple[PlanTaskView, ...]  # tasks of finished weeks not marked done yet
    tasks_done: int
    tasks_total: int
    percent: int
    pace: str  # on_pace, behind, paused, finished
    weeks: tuple[PlanWeekView, ...]
    paused_since: date | None
    finished_on: date | None
    rituals: tuple[PlanRitualView, ...] = ()
    rituals_added: tuple[str, ...] = ()  # titles of rituals added while answering
    rituals_reused: tuple[tuple[str, str], ...] = ()  # (the couple's title, the plan's title)


@dataclass(frozen=True)
class PlanMilestone:
    """An all-day calendar entry for a plan week; the title holds no private text."""

    day: date
    week: int
    title: str


@dataclass(frozen=True)
class WeekInsight:
    """One ISO week of the couple's practice, in their zone: counts only, never text."""

    week: str  # "2026-W48"
    starts_on: date  # its Monday
    checkins: dict[str, int]  # partner handle -> check-ins that partner took part in
    appreciations_given: int
    appreciations_shared: int  # shared at once or from the journal this week
    repairs_attempted: int
    repairs_accepted: int  # of this week's attempts, by their latest answer
    repairs_not_yet: int
    timeouts_called: int
    timeout_minutes: tuple[int, ...]  # how long each ended pause lasted
    closeness_average: float | None
    closeness_ratings: int

    @property
    def repairs_share_accepted(self) -> float | None:
        """Accepted among the answered attempts; None when none was answered."""
        answered = self.repairs_accepted + self.repairs_not_yet
        return round(self.repairs_accepted / answered, 2) if answered else None


@dataclass(frozen=True)
class DriftSignal:
    """Something in the history worth a gentle look together: never a score or a verdict."""

    key: str  # checkins_falling, repairs_not_accepted, uneven_logging, no_shared_ritual, ...
    observation: str  # what the history shows, in plain words
    suggestion: str  # one kind, specific thing to try
    facts: dict[str, Any] = field(default_factory=dict)  # the numbers behind it


@dataclass(frozen=True)
class InsightsView:
    """The weeks of practice, oldest first, with the closeness trend and drift signals."""

    weeks: tuple[WeekInsight, ...]  # oldest first, ending with the current week
    closeness_trend: str | None  # rising, steady, falling; None without enough ratings
    signals: tuple[DriftSignal, ...]


@dataclass(frozen=True)
class HistoryEntry:
    """One event in the couple's history, without any private text."""

    position: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: str | None  # a partner handle
    via: str
    summary: str
    data: dict[str, Any] = field(default_factory=dict)
    entry_id: str = ""  # the event id, for `ritual undo`
    undone: bool = False  # a partner took this entry back
    time_zone: str = ""  # the couple's zone in force when it happened (IANA key)


@dataclass(frozen=True)
class UndoView:
    """An entry that was just undone."""

    entry_id: str
    type: str
    summary: str  # what it was, without any private text
    occurred_at: datetime


@dataclass(frozen=True)
class TemplateView:
    """A catalog template, described for choosing."""

    key: str
    title: str
    kind: str
    summary: str
    cron: str | None
    per_week: int | None
    schedule: str  # a human description, as in `ritual list`
    duration: timedelta | None
    who: str  # both (together) or each (every partner on their own)
    starter: bool


@dataclass(frozen=True)
class UpcomingView:
    """One occurrence still to come."""

    ritual_id: str
    title: str
    at: datetime  # the UTC instant
    # the same instant in the couple's zone (asked for one partner: in theirs)
    local: datetime = field(metadata=LOCAL_TIME)
    duration: timedelta | None
    prompt: str | None
    partner: str | None = None  # whose occurrence, for a ritual kept at each one's local time
    # (handle, local time) of each participant, when their local times differ
    times: tuple[tuple[str, datetime], ...] = field(default=(), metadata=LOCAL_TIME)


@dataclass(frozen=True)
class StreakLine:
    """Streak figures of one ritual, for the couple or for one partner.

    Counts are of scheduled occurrences (of weeks, for quota rituals).
    """

    current: int = 0
    best: int = 0
    done: int = 0
    skipped: int = 0
    missed: int = 0  # misses no freeze absorbed
    pending: int = 0  # occurrences whose late-entry window is still open
    freezes_used: int = 0
    last_freeze: date | None = None  # local date of the latest occurrence a freeze absorbed
    completion_rate: float | None = None  # done / due over the last 4 weeks; None: none due
    last_done: datetime | None = None
    strength: float = 0.0  # 0 to 1, a moving average of practice
    held_by_freeze: date | None = None  # the latest freeze inside the current streak, if any
    check_ins: int = 0  # every check-in counted, of quota rituals too (``done`` counts weeks)


@dataclass(frozen=True)
class PartnerStreak:
    """One partner's streak figures on a ritual."""

    partner: str  # handle
    figures: StreakLine


@dataclass(frozen=True)
class WeekProgress:
    """A quota ritual's current local week (Monday to Sunday)."""

    week_start: date
    target: int
    done: int  # what counts for the couple: the fewest check-ins of any participant
    by_partner: tuple[tuple[str, int], ...]  # (handle, check-ins this week)


@dataclass(frozen=True)
class StreakView:
    """How one ritual is going: the couple's figures and each partner's."""

    ritual_id: str
    title: str
    unit: str  # "occurrence"; "week" for quota rituals; "occasional" (no streak)
    status: str  # active, paused
    couple: StreakLine
    partners: tuple[PartnerStreak, ...]
    this_week: WeekProgress | None = None


@dataclass(frozen=True)
class ReadModelView:
    """A read model and how far it has folded the event log."""

    name: str
    version: int
    position: int  # the last event folded in
    behind: int  # events in the log after it


@dataclass(frozen=True)
class JournalEntryView:
    """An appreciation the viewer may read."""

    id: str
    author: str  # a handle
    recipient: str  # a handle
    text: str
    shared: bool  # False: still in the author's private journal
    written_at: datetime


@dataclass(frozen=True)
class NoteView:
    """A note or reason the viewer may read."""

    kind: str  # check-in, skip, repair, repair-answer
    author: str | None  # a handle; None for a skip let go for the couple
    text: str
    shared: bool  # True: everyone in the couple may read it
    at: datetime  # when it was written down
    ritual_id: str | None = None
    ritual: str | None = None  # the ritual's title, for check-ins and skips


@dataclass(frozen=True)
class ErasureView:
    """What an erasure did."""

    couple_id: str
    partner: str | None  # the handle of the partner who left; None: the whole couple
    keys_destroyed: int
    storage_scrubbed: bool  # the database's own files were rewritten without the keys


@dataclass(frozen=True)
class FeedLinkView:
    """A calendar sharing link, without its token (which is never stored)."""

    id: str
    label: str | None
    partner: str | None  # a handle; None for the couple's whole calendar
    created_at: datetime
    last_fetched_at: datetime | None
    revoked_at: datetime | None

    @property
    def short_id(self) -> str:
        return self.id[:8]


@dataclass(frozen=True)
class IssuedFeedLink:
    """A link just issued: the only moment its URLs (which hold the token) are known."""

    link: FeedLinkView
    url: str = field(repr=False)
    webcal_url: str = field(repr=False)


@dataclass(frozen=True)
class FeedTarget:
    """What a live link opens, for the feed server."""

    link_id: str
    couple_id: str
    partner_id: str | None
    last_fetched_at: datetime | None
    base_url: str | None = None  # where the link was shared: its feed links to the page there


@dataclass(frozen=True)
class TodayItem:
    """One of today's rituals: an occurrence, or a quota ritual's week so far."""

    ritual_id: str
    title: str
    at: datetime | None  # the occurrence's UTC instant; None for a quota ritual (any time)
    local: datetime | None = field(metadata=LOCAL_TIME)  # the same instant in the couple's zone
    status: str  # done, skipped or pending; a quota ritual is done once its week's count is met
    by: tuple[str, ...]  # handles of who checked in (for a quota ritual: anyone this week)
    participants: tuple[str, ...]  # handles
    this_week: WeekProgress | None = None  # a quota ritual's week
    partner: str | None = None  # whose occurrence, for a ritual kept at each one's local time
    # (handle, local time) of each participant, when their local times differ
    times: tuple[tuple[str, datetime], ...] = field(default=(), metadata=LOCAL_TIME)


@dataclass(frozen=True)
class HeatmapView:
    """Recent practice, one cell per local day: the share done, from 0 to 1."""

    start: date  # the Monday of the first week
    weeks: tuple[tuple[float | None, ...], ...]  # oldest first, Monday to Sunday; None:
    # a day still to come, or before the couple began


@dataclass(frozen=True)
class StatusView:
    """One screen: today, the streaks, the plan, recent weeks and anything worth a look."""

    as_of: datetime  # the moment it describes
    day: date  # the couple's local day then
    today: tuple[TodayItem, ...]  # occurrences soonest first, then quota rituals
    streaks: tuple[StreakView, ...]  # active rituals that keep a streak
    plan: PlanView | None  # running, or finished within the last week
    heatmap: HeatmapView
    suggestions: tuple[DriftSignal, ...]

    @property
    def empty(self) -> bool:
        """Nothing to show yet: no rituals today, no streaks, no plan, no recent practice."""
        practised = any(cell for week in self.heatmap.weeks for cell in week)
        return not (self.today or self.streaks or self.plan or practised)
