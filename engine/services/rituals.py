"""Rituals: defining them and their life (edit, pause, resume, retire)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from engine.calendar import schedule
from engine.calendar.cron import check_floor, validate_cron
from engine.catalog import rituals as catalog
from engine.catalog.kinds import RITUAL_KINDS
from engine.domain import ritual as ritual_domain
from engine.domain import ritual_decisions
from engine.domain.ritual import RitualState, describe
from engine.domain.text import check_within_years, clean_line
from engine.errors import InvalidInput, NotAllowed
from engine.events import Event, RitualAdded, RitualEdited, RitualRetired
from engine.events.names import NameClaim, NameRelease, normalise, ritual_title, title_release
from engine.services.refs import CoupleRef, RitualRef, new_id, ritual_stream
from engine.views.rituals import RitualView

if TYPE_CHECKING:
    from engine.domain.couple import CoupleState
    from engine.services.session import Session

MAX_PROMPTS = 30
PROMPT_MAX = 300
MAX_DURATION = timedelta(hours=12)
MAX_REMINDER = timedelta(days=7)
MAX_PER_WEEK = 21


def check_definition(
    *,
    cron: str | None,
    per_week: int | None,
    duration: timedelta | None,
    reminder: timedelta | None,
    kind: str,
    prompts: Sequence[str],
    new_schedule: bool = True,
) -> tuple[str | None, tuple[str, ...]]:
    """The normalised cron and cleaned prompts of a valid definition; InvalidInput otherwise
    (a schedule given anew must also keep the minimum spacing, ``check_floor``)."""
    if cron is not None and per_week is not None:
        raise InvalidInput("give either a cron schedule or a weekly count, not both")
    check = check_floor if new_schedule else validate_cron
    normalised = check(cron) if cron is not None else None
    if per_week is not None and not 1 <= per_week <= MAX_PER_WEEK:
        raise InvalidInput(f"a weekly count must be between 1 and {MAX_PER_WEEK}")
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


def participants_of(state: CoupleState, handles: Sequence[str] | None) -> tuple[str, ...]:
    if not handles:
        return tuple(p.partner_id for p in state.partners)
    return tuple(dict.fromkeys(state.partner(h).partner_id for h in handles))


def check_years(*values: date | None) -> None:
    for value in values:
        if value is not None:
            check_within_years(value)


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
    each_local: bool = False,
) -> RitualAdded:
    """The event that adds a ritual to the couple ``state``: its own schedule or quota, or
    a catalog template's defaults. Checks the definition; raises InvalidInput."""
    tpl = catalog.template(template) if template is not None else None
    if tpl is not None and cron is None and per_week is None:
        cron, per_week = tpl.cron, tpl.per_week
    elif tpl is None and cron is None and per_week is None:
        raise InvalidInput("give the ritual a cron schedule or a weekly count")
    if title is None:
        if tpl is None:
            raise InvalidInput("a ritual needs a title")
        title = tpl.title
    kind = kind or (tpl.kind if tpl else "other")
    duration = duration if duration is not None else (tpl.duration if tpl else None)
    normalised, cleaned = check_definition(
        cron=cron,
        per_week=per_week,
        duration=duration,
        reminder=reminder,
        kind=kind,
        prompts=prompts if prompts is not None else (tpl.prompts if tpl else ()),
    )
    _check_each_local(each_local, normalised)
    return RitualAdded(
        ritual_id=new_id(),
        title=clean_line(title, "title"),
        kind=kind,
        cron=normalised,
        per_week=per_week,
        duration=duration,
        participants=participants_of(state, participants),
        together=together if together is not None else not (tpl and tpl.participants == "each"),
        reminder=reminder if reminder is not None else (tpl.reminder if tpl else None),
        prompts=cleaned,
        template=tpl.key if tpl else None,
        effective_from=now,
        each_local=each_local,
    )


def _check_each_local(each_local: bool, cron: str | None) -> None:
    if each_local and cron is None:
        raise InvalidInput(
            "only a ritual with fixed times (a cron schedule) can happen at each partner's "
            "own local time"
        )


def _title_changes(
    couple_id: str, state: RitualState, event: Event
) -> tuple[list[NameClaim], list[NameRelease]]:
    """A retired ritual lets its title go; a retitled one swaps it, in the same append."""
    if isinstance(event, RitualRetired):
        return [], [title_release(couple_id, state.ritual_id)]
    if isinstance(event, RitualEdited) and normalise(event.title) != normalise(state.title):
        claim = ritual_title(couple_id, state.ritual_id, event.title)
        return [claim], [title_release(couple_id, state.ritual_id)]
    return [], []


class Rituals:
    """A couple's rituals and their life."""

    def __init__(self, session: Session) -> None:
        self._s = session

    # -- views ---------------------------------------------------------------------------

    def view(self, couple: CoupleState, state: RitualState) -> RitualView:
        now = self._s.now()
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
            each_local=d.each_local,
        )

    def list(self, couple: CoupleRef, include_retired: bool) -> list[RitualView]:
        state = self._s.load_members(couple)
        views = [self.view(state, s) for s in self._s.ritual_states(state.couple_id).values()]
        return [v for v in views if include_retired or v.status != "retired"]

    def get(self, couple: CoupleRef, ritual: RitualRef) -> RitualView:
        state = self._s.load_members(couple)
        rid = self._s.find_ritual_id(state.couple_id, ritual)
        return self.view(state, self._s.ritual_states(state.couple_id)[rid])

    # -- definition and life -------------------------------------------------------------

    def add(
        self,
        couple: CoupleRef,
        title: str | None,
        *,
        cron: str | None,
        per_week: int | None,
        duration: timedelta | None,
        kind: str | None,
        participants: Sequence[str] | None,
        together: bool | None,
        reminder: timedelta | None,
        prompts: Sequence[str] | None,
        template: str | None,
        each_local: bool = False,
    ) -> RitualView:
        state = self._s.load_members(couple)
        now = self._s.now()
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
            each_local=each_local,
        )
        existing = self._s.ritual_states(state.couple_id).values()
        if any(
            s.title.casefold() == event.title.casefold() and s.status(now) != "retired"
            for s in existing
        ):
            raise NotAllowed("a ritual with that title already exists; pick another title")
        ritual_id = event.ritual_id
        self._s.append(
            state.couple_id,
            ritual_stream(ritual_id),
            [event],
            expected_version=0,
            actor=None,
            claims=[ritual_title(state.couple_id, ritual_id, event.title)],  # racers: one wins
        )
        return self.view(state, ritual_domain.fold([event]))

    def edit(
        self,
        couple: CoupleRef,
        ritual: RitualRef,
        *,
        title: str | None,
        cron: str | None,
        per_week: int | None,
        duration: timedelta | None,
        kind: str | None,
        participants: Sequence[str] | None,
        together: bool | None,
        reminder: timedelta | None,
        prompts: Sequence[str] | None,
        each_local: bool | None = None,
    ) -> RitualView:
        members = self._s.load_members(couple)
        chosen = participants_of(members, participants) if participants else None

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
            normalised, cleaned = check_definition(
                cron=new_cron,
                per_week=new_quota,
                duration=duration if duration is not None else old.duration,
                reminder=reminder if reminder is not None else old.reminder,
                kind=new_kind,
                prompts=prompts if prompts is not None else old.prompts,
                new_schedule=cron is not None,
            )
            _check_each_local(bool(each_local), normalised)
            keep_local = old.each_local if each_local is None else each_local
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
                each_local=keep_local and normalised is not None,
            )
            if event == RitualEdited(**{**vars(old), "effective_from": now}):
                raise InvalidInput("nothing to change; give at least one new value")
            return event

        return self._command(members, ritual, decide)

    def pause(self, couple: CoupleRef, ritual: RitualRef, until: date | None) -> RitualView:
        members = self._s.load_members(couple)
        check_years(until)
        end = schedule.local_day_bounds(until, members.zone)[0] if until else None

        def decide(state: RitualState, now: datetime) -> Event:
            return ritual_decisions.decide_pause(state, now=now, until=end)

        return self._command(members, ritual, decide)

    def resume(self, couple: CoupleRef, ritual: RitualRef) -> RitualView:
        return self._command(
            self._s.load_members(couple),
            ritual,
            lambda state, now: ritual_decisions.decide_resume(state, now=now),
        )

    def retire(self, couple: CoupleRef, ritual: RitualRef) -> RitualView:
        return self._command(
            self._s.load_members(couple),
            ritual,
            lambda state, now: ritual_decisions.decide_retire(state, now=now),
        )

    def _command(
        self,
        couple: CoupleState,
        ritual: RitualRef,
        decide: Callable[[RitualState, datetime], Event],
    ) -> RitualView:
        """Load a ritual, decide one event with ``now``, append it (retrying on conflict)."""
        rid = self._s.find_ritual_id(couple.couple_id, ritual)

        def attempt() -> RitualView:
            state = self._s.load_definitions(rid, couple.couple_id)  # logs play no part
            event = decide(state, self._s.now())
            claims, releases = _title_changes(couple.couple_id, state, event)
            self._s.append(
                couple.couple_id,
                ritual_stream(rid),
                [event],
                expected_version=state.version,
                actor=None,
                claims=claims,
                releases=releases,
            )
            return self.view(couple, ritual_domain.evolve(state, event))

        return self._s.retrying(attempt)
