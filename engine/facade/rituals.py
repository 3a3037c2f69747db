"""Rituals: defining them, their life (edit, pause, resume, retire), and logging them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from engine import catalog, schedule
from engine.domain import ritual as ritual_domain
from engine.domain.couple import CoupleState
from engine.domain.ritual import RitualState
from engine.domain.text import clean_line, clean_optional_text
from engine.errors import InvalidInput, NotAllowed
from engine.events import Event, RitualAdded, RitualDefined, RitualEdited
from engine.facade.core import CoupleRef, new_id, ritual_stream
from engine.facade.streaks import StreaksMixin
from engine.kinds import RITUAL_KINDS
from engine.parsing import check_within_years
from engine.views import CheckInView, RitualView, SkipView

MAX_PROMPTS = 30
PROMPT_MAX = 300
MAX_DURATION = timedelta(hours=12)
MAX_REMINDER = timedelta(days=7)
MAX_PER_WEEK = 21


def _check_definition(
    *,
    cron: str | None,
    per_week: int | None,
    duration: timedelta | None,
    reminder: timedelta | None,
    kind: str,
    prompts: Sequence[str],
    new_schedule: bool = True,
) -> tuple[str | None, tuple[str, ...]]:
    if cron is not None and per_week is not None:
        raise InvalidInput(
            "give either a schedule (--cron) or a weekly count (--per-week), not both"
        )
    check = schedule.check_floor if new_schedule else schedule.validate_cron
    normalised = check(cron) if cron is not None else None
    if per_week is not None and not 1 <= per_week <= MAX_PER_WEEK:
        raise InvalidInput(f"--per-week must be between 1 and {MAX_PER_WEEK}")
    if duration is not None and not timedelta(minutes=1) <= duration <= MAX_DURATION:
        raise InvalidInput("a duration must be between 1 minute and 12 hours")
    if reminder is not None and not timedelta(0) <= reminder <= MAX_REMINDER:
        raise InvalidInput("a reminder must be between 0 minutes and 7 days ahead")
    if kind not in RITUAL_KINDS:
        raise InvalidInput(f"unknown kind '{kind[:30]}'; use one of: {', '.join(RITUAL_KINDS)}")
    if len(prompts) > MAX_PROMPTS:
        raise InvalidInput(f"a ritual has at most {MAX_PROMPTS} prompts")
    cleaned = tuple(clean_line(p, "prompt", max_len=PROMPT_MAX) for p in prompts)
    return normalised, cleaned


def _participants(state: CoupleState, handles: Sequence[str] | None) -> tuple[str, ...]:
    if not handles:
        return tuple(p.partner_id for p in state.partners)
    return tuple(dict.fromkeys(state.partner(h).partner_id for h in handles))


def _check_years(*values: date | None) -> None:
    for value in values:
        if value is not None:
            check_within_years(value)


def describe(definition: RitualDefined) -> str:
    """A human description of when a ritual happens."""
    return describe_schedule(definition.cron, definition.per_week, together=definition.together)


def describe_schedule(cron: str | None, per_week: int | None, *, together: bool) -> str:
    """A human description of a cron schedule, a weekly count, or neither."""
    if cron is not None:
        return schedule.describe_cron(cron)
    if per_week is not None:
        times = "once" if per_week == 1 else f"{per_week} times"
        return f"{times} a week" + ("" if together else " each")
    return "now and then, when it suits you"


def new_ritual(
    state: CoupleState,
    now: datetime,
    title: str | None = None,
    *,
    cron: str | None = None,
    per_week: int | None = None,
    duration: timedelta | None = None,
    kind: str | None = None,
    participants: Sequence[str] | None = None,
    together: bool | None = None,
    reminder: timedelta | None = None,
    prompts: Sequence[str] | None = None,
    template: str | None = None,
) -> RitualAdded:
    """The event that adds a ritual to the couple ``state``: its own schedule or quota, or
    a catalog template's defaults. Checks the definition; raises InvalidInput."""
    tpl = catalog.template(template) if template is not None else None
    if tpl is not None and cron is None and per_week is None:
        cron, per_week = tpl.cron, tpl.per_week
    elif tpl is None and cron is None and per_week is None:
        raise InvalidInput(
            "give the ritual a schedule with --cron or a weekly count with --per-week"
        )
    if title is None:
        if tpl is None:
            raise InvalidInput("a ritual needs a title")
        title = tpl.title
    kind = kind or (tpl.kind if tpl else "other")
    duration = duration if duration is not None else (tpl.duration if tpl else None)
    normalised, cleaned = _check_definition(
        cron=cron,
        per_week=per_week,
        duration=duration,
        reminder=reminder,
        kind=kind,
        prompts=prompts if prompts is not None else (tpl.prompts if tpl else ()),
    )
    return RitualAdded(
        ritual_id=new_id(),
        title=clean_line(title, "title"),
        kind=kind,
        cron=normalised,
        per_week=per_week,
        duration=duration,
        participants=_participants(state, participants),
        together=together if together is not None else not (tpl and tpl.participants == "each"),
        reminder=reminder if reminder is not None else (tpl.reminder if tpl else None),
        prompts=cleaned,
        template=tpl.key if tpl else None,
        effective_from=now,
    )


class RitualsMixin(StreaksMixin):
    """Rituals and the logging of their occurrences (a check-in reports the new streak)."""

    # -- views -------------------------------------------------------------------------

    def ritual_view(self, couple: CoupleState, state: RitualState) -> RitualView:
        now = self.now()
        d = state.current
        pause = state.paused_at(now)
        current = {p.partner_id for p in couple.partners}  # a partner who left is not listed
        return RitualView(
            id=state.ritual_id,
            title=d.title,
            kind=d.kind,
            cron=d.cron,
            per_week=d.per_week,
            schedule=describe(d),
            duration=d.duration,
            participants=tuple(couple.handle_of(p) for p in d.participants if p in current),
            together=d.together,
            reminder=d.reminder,
            prompts=d.prompts,
            status=state.status(now),
            paused_until=pause.until if pause else None,
            template=d.template,
            since=state.definitions[0].effective_from,
        )

    def rituals(
        self, couple: CoupleRef = None, *, include_retired: bool = False
    ) -> list[RitualView]:
        """The couple's rituals, oldest first."""
        state = self.load_couple(couple)
        views = [self.ritual_view(state, s) for s in self.ritual_states(state.couple_id).values()]
        return [v for v in views if include_retired or v.status != "retired"]

    def ritual(self, couple: CoupleRef, ritual: str) -> RitualView:
        """One ritual by title, id or id prefix."""
        state = self.load_couple(couple)
        rid = self.find_ritual_id(state.couple_id, ritual)
        return self.ritual_view(state, self.load_ritual(rid))

    # -- definition and life -----------------------------------------------------------

    def add_ritual(
        self,
        couple: CoupleRef,
        title: str | None = None,
        *,
        cron: str | None = None,
        per_week: int | None = None,
        duration: timedelta | None = None,
        kind: str | None = None,
        participants: Sequence[str] | None = None,
        together: bool | None = None,
        reminder: timedelta | None = None,
        prompts: Sequence[str] | None = None,
        template: str | None = None,
    ) -> RitualView:
        """Add a ritual: a cron schedule, a weekly quota, or a catalog template's defaults."""
        state = self.load_couple(couple)
        now = self.now()
        event = new_ritual(
            state,
            now,
            title,
            cron=cron,
            per_week=per_week,
            duration=duration,
            kind=kind,
            participants=participants,
            together=together,
            reminder=reminder,
            prompts=prompts,
            template=template,
        )
        existing = self.ritual_states(state.couple_id).values()
        if any(
            s.title.casefold() == event.title.casefold() and s.status(now) != "retired"
            for s in existing
        ):
            raise NotAllowed("a ritual with that title already exists; pick another title")
        ritual_id = event.ritual_id
        self.append(
            state.couple_id, ritual_stream(ritual_id), [event], expected_version=0, actor=None
        )
        return self.ritual_view(state, self.load_ritual(ritual_id))

    def edit_ritual(
        self,
        couple: CoupleRef,
        ritual: str,
        *,
        title: str | None = None,
        cron: str | None = None,
        per_week: int | None = None,
        duration: timedelta | None = None,
        kind: str | None = None,
        participants: Sequence[str] | None = None,
        together: bool | None = None,
        reminder: timedelta | None = None,
        prompts: Sequence[str] | None = None,
    ) -> RitualView:
        """Change a ritual from now on; history keeps the old definition."""
        chosen = _participants(self.load_couple(couple), participants) if participants else None

        def decide(state: RitualState, now: datetime) -> Event:
            if state.status(now) == "retired":
                raise NotAllowed(f"'{state.title}' is retired and cannot be edited")
            old = state.current
            new_cron, new_quota = old.cron, old.per_week
            if cron is not None:
                new_cron, new_quota = cron, None
            elif per_week is not None:
                new_cron, new_quota = None, per_week
            new_kind = kind or old.kind
            normalised, cleaned = _check_definition(
                cron=new_cron,
                per_week=new_quota,
                duration=duration if duration is not None else old.duration,
                reminder=reminder if reminder is not None else old.reminder,
                kind=new_kind,
                prompts=prompts if prompts is not None else old.prompts,
                new_schedule=cron is not None,
            )
            event = RitualEdited(
                ritual_id=state.ritual_id,
                title=clean_line(title, "title") if title is not None else old.title,
                kind=new_kind,
                cron=normalised,
                per_week=new_quota,
                duration=duration if duration is not None else old.duration,
                participants=chosen or old.participants,
                together=old.together if together is None else together,
                reminder=(reminder or None) if reminder is not None else old.reminder,
                prompts=cleaned,
                template=old.template,
                effective_from=now,
            )
            if event == RitualEdited(**{**vars(old), "effective_from": now}):
                raise InvalidInput("nothing to change; give at least one new value")
            return event

        return self._ritual_command(couple, ritual, decide)

    def pause_ritual(
        self, couple: CoupleRef, ritual: str, *, until: date | None = None
    ) -> RitualView:
        """Pause a ritual, optionally until the start of a local date."""
        zone = self.load_couple(couple).zone
        _check_years(until)
        end = schedule.local_day_bounds(until, zone)[0] if until else None

        def decide(state: RitualState, now: datetime) -> Event:
            return ritual_domain.decide_pause(state, now=now, until=end)

        return self._ritual_command(couple, ritual, decide)

    def resume_ritual(self, couple: CoupleRef, ritual: str) -> RitualView:
        """Bring a paused ritual back now."""
        return self._ritual_command(
            couple, ritual, lambda state, now: ritual_domain.decide_resume(state, now=now)
        )

    def retire_ritual(self, couple: CoupleRef, ritual: str) -> RitualView:
        """End a ritual for good; its history stays."""
        return self._ritual_command(
            couple, ritual, lambda state, now: ritual_domain.decide_retire(state, now=now)
        )

    def _ritual_command(
        self,
        couple: CoupleRef,
        ritual: str,
        decide: Callable[[RitualState, datetime], Event],
    ) -> RitualView:
        """Load a ritual, decide one event with ``now``, append it (retrying on conflict)."""
        couple_state = self.load_couple(couple)
        rid = self.find_ritual_id(couple_state.couple_id, ritual)

        def attempt() -> RitualView:
            state = self.load_ritual(rid)
            event = decide(state, self.now())
            self.append(
                couple_state.couple_id,
                ritual_stream(rid),
                [event],
                expected_version=state.version,
                actor=None,
            )
            return self.ritual_view(couple_state, self.load_ritual(rid))

        return self.retrying(attempt)

    # -- logging -----------------------------------------------------------------------

    def check_in(
        self,
        couple: CoupleRef,
        ritual: str,
        *,
        by: str,
        at: datetime | None = None,
        occurrence: datetime | None = None,
        closeness: int | None = None,
        note: str | None = None,
        note_shared: bool = False,
        for_both: bool = False,
    ) -> CheckInView:
        """Record that a partner did a ritual (now, at ``at``, or for an exact occurrence)."""
        _check_years(at, occurrence)
        if closeness is not None and type(closeness) is not int:  # not a bool, not 2.5
            raise InvalidInput("closeness is a whole number from 1 to 5")
        couple_state = self.load_couple(couple)
        partner = couple_state.partner(by)
        text = clean_optional_text(note, "note")
        rid = self.find_ritual_id(couple_state.couple_id, ritual)
        if for_both and not couple_state.proxy_checkins:
            raise NotAllowed("this couple checks in one by one; change that with `ritual settings`")

        zones = self._zones(couple_state.couple_id)

        def attempt() -> CheckInView:
            state = self.load_ritual(rid)
            others = tuple(p for p in state.current.participants if p != partner.partner_id)
            event = ritual_domain.decide_check_in(
                state,
                zones,
                partner.partner_id,
                now=self.now(),
                at=at,
                occurrence=occurrence,
                closeness=closeness,
                note=text,
                note_shared=note_shared,
                for_partners=others if for_both else (),
            )
            self.append(
                couple_state.couple_id,
                ritual_stream(rid),
                [event],
                expected_version=state.version,
                actor=partner.partner_id,
                occurred_at=event.done_at,
            )
            occ = event.occurrence
            return CheckInView(
                ritual_id=rid,
                title=state.title,
                partner=partner.handle,
                partners=tuple(
                    couple_state.handle_of(p) for p in (partner.partner_id, *event.for_partners)
                ),
                occurrence=occ,
                local=occ.astimezone(schedule.zone_at(zones, occ)) if occ else None,
                done_at=event.done_at,
            )

        done = self.retrying(attempt)
        streak = self._streak_after_check_in(couple_state, rid, partner.partner_id)
        return replace(done, streak=streak)

    def skip(
        self,
        couple: CoupleRef,
        ritual: str,
        *,
        by: str | None = None,
        at: datetime | None = None,
        occurrence: datetime | None = None,
        reason: str | None = None,
    ) -> SkipView:
        """Let an occurrence go on purpose; skips never break a streak.

        ``at`` or ``occurrence`` may lie up to 90 days ahead (a planned absence); a time
        to come names the occurrence at that instant, else the nearest one that local day.
        """
        _check_years(at, occurrence)
        couple_state = self.load_couple(couple)
        partner_id = couple_state.partner(by).partner_id if by else None
        text = clean_optional_text(reason, "reason", max_len=PROMPT_MAX)
        rid = self.find_ritual_id(couple_state.couple_id, ritual)

        zones = self._zones(couple_state.couple_id)

        def attempt() -> SkipView:
            state = self.load_ritual(rid)
            event = ritual_domain.decide_skip(
                state,
                zones,
                partner_id,
                now=self.now(),
                at=at,
                occurrence=occurrence,
                reason=text,
            )
            self.append(
                couple_state.couple_id,
                ritual_stream(rid),
                [event],
                expected_version=state.version,
                actor=partner_id,
            )
            return SkipView(
                ritual_id=rid,
                title=state.title,
                occurrence=event.occurrence,
                local=event.occurrence.astimezone(schedule.zone_at(zones, event.occurrence)),
            )

        return self.retrying(attempt)

    def plan_absence(
        self,
        couple: CoupleRef,
        ritual: str | None = None,
        *,
        since: date,
        until: date,
        by: str | None = None,
        reason: str | None = None,
    ) -> list[SkipView]:
        """Let go every occurrence of the local days ``since`` to ``until`` (inclusive):
        of one ritual, or with ``ritual=None`` of every ritual with fixed times.

        Skips are neutral in streaks. Occurrences already skipped or done, and those
        whose late-entry window has closed, stay as they are; rituals that are paused,
        retired or have no fixed times are passed over when all are asked for.
        """
        _check_years(since, until)
        couple_state = self.load_couple(couple)
        partner_id = couple_state.partner(by).partner_id if by else None
        text = clean_optional_text(reason, "reason", max_len=PROMPT_MAX)
        zones = self._zones(couple_state.couple_id)
        now = self.now()
        if ritual is not None:
            rids = [self.find_ritual_id(couple_state.couple_id, ritual)]
        else:
            states = self.ritual_states(couple_state.couple_id)
            rids = [
                rid
                for rid, st in states.items()
                if st.status(now) != "retired" and st.current.cron is not None
            ]
        views: list[SkipView] = []
        for rid in rids:

            def attempt(rid: str = rid) -> list[SkipView]:
                state = self.load_ritual(rid)
                events = ritual_domain.decide_absence(
                    state, zones, partner_id, now=self.now(), first=since, last=until, reason=text
                )
                if events:
                    self.append(
                        couple_state.couple_id,
                        ritual_stream(rid),
                        events,
                        expected_version=state.version,
                        actor=partner_id,
                    )
                return [
                    SkipView(
                        ritual_id=rid,
                        title=state.title,
                        occurrence=e.occurrence,
                        local=e.occurrence.astimezone(schedule.zone_at(zones, e.occurrence)),
                    )
                    for e in events
                ]

            views += self.retrying(attempt)
        if not views:
            what = f"'{self.load_ritual(rids[0]).title}' has nothing" if ritual else ""
            what = what or "no ritual has anything"
            days = f"from {since:%a %d %b} to {until:%a %d %b}" if until != since else ""
            raise NotAllowed(f"{what} left to let go {days or f'on {since:%a %d %b}'}")
        return sorted(views, key=lambda v: (v.occurrence, v.title))
