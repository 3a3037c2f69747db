"""Read models and streaks: catching up, rebuilding, and how each ritual is going.

Every query catches the read models up first, so a streak read right after a check-in
already counts it. Where the read models live is decided where the store is built
(``engine.api``): a SQL store keeps them in its own database, any other store in memory.
"""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from engine.catalog import rituals as catalog
from engine.domain.couple import CoupleState, aware
from engine.domain.zones import ZONE_EVENTS, ZoneBook
from engine.errors import StoreUnavailable
from engine.events import (
    AppreciationGiven,
    CheckedIn,
    CoupleErased,
    EntryRetracted,
    EventStore,
    OccurrenceSkipped,
)
from engine.events.retractions import honoured, retracted_ids
from engine.projections import PROJECTIONS, ProjectionRunner, ReadModels, logged_weeks
from engine.projections import settled as tallies
from engine.projections.marks import MARKS, Mark
from engine.projections.settled import Settled
from engine.projections.streaks import figures
from engine.services.derived import Derived
from engine.views.history import ReadModelView
from engine.views.streaks import PartnerStreak, StreakView, WeekProgress

if TYPE_CHECKING:
    from engine.calendar.zones import Zones
    from engine.domain.ritual import RitualState
    from engine.projections.projection import Json
    from engine.services.refs import CoupleRef, RitualRef
    from engine.services.session import Session

JOURNAL = "appreciation-journal"
"""The template family whose rituals count the appreciations partners write."""

ZONE_TYPES = ZONE_EVENTS

TAIL_TYPES = (
    CheckedIn.type_name,
    OccurrenceSkipped.type_name,
    EntryRetracted.type_name,
    CoupleErased.type_name,
)
"""The events that can change a ritual's marks after its settled tallies were kept."""

REWRITE_AFTER = 50
"""Events since its tallies were kept after which a read keeps them afresh."""

Window = tuple[Settled | None, list[Mark]]
"""A ritual's settled tallies (None: none) and the marks its figures still need."""


class Streaks:
    """The read models, and the streaks and strength derived from them."""

    def __init__(self, session: Session, models_for: Callable[[EventStore], ReadModels]) -> None:
        self._s = session
        self._models_for = models_for
        self._runner: ProjectionRunner | None = None
        self._lock = threading.Lock()
        self._done_in = Derived(logged_weeks.done_in)  # the weeks a status reads again

    @property
    def runner(self) -> ProjectionRunner:
        """The projection runner over the store's read models, built once."""
        with self._lock:
            if self._runner is None:
                store = self._s.base_store
                self._runner = ProjectionRunner(
                    store, self._models_for(store), PROJECTIONS, derived=(tallies.NAME,)
                )
            return self._runner

    # -- read models ---------------------------------------------------------------------

    def forget(self, couple_id: str, partner_id: str | None = None) -> None:
        """Fold an erasure's tombstone now: the runner drops an erased couple's rows with it
        (a partner's marks hold ids and times only, no text, so they stay)."""
        self.catch_up()

    def catch_up(self) -> int:
        return self.runner.catch_up()

    def read_models(self, projection: str | None) -> list[ReadModelView]:
        runner = self.runner
        last = self._s.store.last_position()
        chosen = (
            [runner.projection(projection)] if projection else list(runner.projections.values())
        )
        views = []
        for model in chosen:
            checkpoint = runner.models.checkpoint(model.name)
            current = checkpoint is not None and checkpoint.version == model.version
            position = checkpoint.position if checkpoint and current else 0
            views.append(ReadModelView(model.name, model.version, position, last - position))
        return views

    def rebuild(
        self, projection: str | None, progress: Callable[[int], None] | None
    ) -> list[ReadModelView]:
        for name in [view.name for view in self.read_models(projection)]:
            self.runner.rebuild(name, progress)
        return self.read_models(projection)

    # -- streaks -------------------------------------------------------------------------

    def streaks(self, couple: CoupleRef, as_of: datetime | None) -> list[StreakView]:
        state = self._s.load_members(couple)
        now = self._s.now() if as_of is None else aware(as_of)
        zones = self.zone_book(state.couple_id)
        rituals = {
            rid: ritual
            for rid, ritual in self._s.ritual_states(state.couple_id).items()
            if ritual.definitions[0].effective_from <= now and ritual.status(now) != "retired"
        }
        windows = self.windows(state, rituals, zones, now)
        return [
            self.streak_view(state, ritual, windows[rid][1], zones, now, windows[rid][0])
            for rid, ritual in rituals.items()
        ]

    def ritual_streak(
        self, couple: CoupleRef, ritual: RitualRef, as_of: datetime | None
    ) -> StreakView:
        state = self._s.load_members(couple)
        rid = self._s.find_ritual_id(state.couple_id, ritual)
        now = self._s.now() if as_of is None else aware(as_of)
        return self._ritual_streak(state, rid, now)

    def _ritual_streak(self, state: CoupleState, rid: str, now: datetime) -> StreakView:
        ritual = self._s.ritual_states(state.couple_id)[rid]
        zones = self.zone_book(state.couple_id)
        settled, marks = self.windows(state, {rid: ritual}, zones, now)[rid]
        return self.streak_view(state, ritual, marks, zones, now, settled)

    def after_check_in(self, state: CoupleState, rid: str, partner_id: str) -> int:
        """The partner's current streak on a ritual, the check-in just made included."""
        view = self._ritual_streak(state, rid, self._s.now())
        handle = state.handle_of(partner_id)
        return next((p.figures.current for p in view.partners if p.partner == handle), 0)

    def marks(self, couple_id: str, ritual_id: str = "") -> dict[str, list[Mark]]:
        """The couple's marks (of one ritual) by ritual id, caught up to the newest event."""
        runner = self.runner
        with contextlib.suppress(StoreUnavailable):  # e.g. a read-only database user: the
            runner.catch_up()  # events not folded yet are then folded in memory below
        found: dict[str, list[Mark]] = defaultdict(list)
        for mark in runner.states_now(MARKS.name, couple_id, ritual_id).values():
            found[mark.ritual_id].append(mark)
        for rid, marks in self._appreciation_marks(couple_id, ritual_id).items():
            found[rid] += marks
        return found

    def windows(
        self,
        state: CoupleState,
        rituals: Mapping[str, RitualState],
        zones: ZoneBook,
        now: datetime,
    ) -> dict[str, Window]:
        """For each ritual, its settled tallies and the marks from their horizon on, so a
        streak reads what the last months logged, however long the history; or, where no
        usable tallies are kept (none yet, or an event rewrote a settled slot), all its
        marks, keeping tallies for next time where the read models can be written.
        Figures from a window are the same as from all the marks."""
        runner = self.runner
        try:
            runner.catch_up()
            writable = True
        except StoreUnavailable:  # a read-only database user reads, and keeps nothing
            writable = False
        couple_id = state.couple_id
        freezes = state.freezes_per_month
        store = runner.store
        last = store.last_position()
        journals = {rid for rid, ritual in rituals.items() if _is_journal(ritual)}
        own = zones.own_zones()
        wanted = {
            rid for rid, r in rituals.items() if rid not in journals and tallies.settleable(r, own)
        }
        kept: dict[str, tuple[Settled, dict[str, Mark], int]] = {}
        for rid, data in (runner.models.states(tallies.NAME, couple_id) if wanted else {}).items():
            loaded = tallies.load(data) if rid in wanted else None
            if loaded is None:
                continue
            settled = loaded[0]
            if settled.digest == tallies.digest(rituals[rid], zones.couple, freezes) and (
                now >= settled.made_at
            ):
                kept[rid] = loaded
        since = min((position for _, _, position in kept.values()), default=last)
        events = store.read_couple(couple_id, types=TAIL_TYPES, after=since, decrypt=False)
        found: dict[str, Window] = {}
        writes: dict[str, Json] = {}
        for rid, ritual in rituals.items():
            if rid in kept:
                settled, tail, position = kept[rid]
                newer = [r for r in events if r.position > position]
                followed = tallies.follow(settled, tail, newer, rid)
                if followed is not None:
                    moved = self._resettle(ritual, settled, followed, zones.couple, freezes, now)
                    if moved is not None:
                        settled, followed = moved
                    if moved is not None or len(newer) > REWRITE_AFTER:
                        writes[rid] = tallies.dump(settled, followed, last)
                    found[rid] = (settled, list(followed.values()))
                    continue
            if rid in journals:
                found[rid] = (None, self.marks(couple_id, rid).get(rid, []))
                continue
            marks = runner.states_now(MARKS.name, couple_id, rid)
            found[rid] = (None, list(marks.values()))
            horizon = tallies.horizon_for(zones.couple, now) if rid in wanted else None
            if horizon is None:
                continue
            before = [m for m in marks.values() if (tallies.mark_time(m) or horizon) < horizon]
            settled_now = tallies.settle(
                ritual,
                before,
                zones=zones.couple,
                freezes_per_month=freezes,
                now=now,
                horizon=horizon,
            )
            if settled_now is None:
                continue
            tail = {k: m for k, m in marks.items() if (tallies.mark_time(m) or horizon) >= horizon}
            writes[rid] = tallies.dump(settled_now, tail, last)
            found[rid] = (settled_now, list(tail.values()))
        if writes and writable:
            self._keep(couple_id, writes)
        return found

    @staticmethod
    def _resettle(
        ritual: RitualState,
        settled: Settled,
        tail: dict[str, Mark],
        zones: Zones,
        freezes: int,
        now: datetime,
    ) -> tuple[Settled, dict[str, Mark]] | None:
        """Tallies moved to a newer horizon when theirs has grown old (None: not moved)."""
        if settled.horizon >= now - tallies.RESETTLE:
            return None
        horizon = tallies.horizon_for(zones, now)
        if horizon is None or horizon <= settled.horizon:
            return None
        before = [m for m in tail.values() if (tallies.mark_time(m) or horizon) < horizon]
        moved = tallies.settle(
            ritual,
            before,
            zones=zones,
            freezes_per_month=freezes,
            now=now,
            horizon=horizon,
            start=settled,
        )
        if moved is None:
            return None
        rest = {k: m for k, m in tail.items() if (tallies.mark_time(m) or horizon) >= horizon}
        return moved, rest

    def _keep(self, couple_id: str, rows: dict[str, Json]) -> None:
        """Keep settled tallies (derived data: a failed write only costs the next read)."""
        models = self.runner.models
        where = {(couple_id, rid): data for rid, data in rows.items()}
        with contextlib.suppress(StoreUnavailable):
            with models.transaction() as tx:
                existing = tx.load(tallies.NAME, where.keys())
                tx.save(tallies.NAME, where, existing=existing.keys())
            # Kept after an erasure's tombstone was folded? Then take them out again.
            erased = self.runner.store.read_couple(
                couple_id, types=(CoupleErased.type_name,), decrypt=False
            )
            if erased:
                with models.transaction() as tx:
                    tx.forget(tallies.NAME, couple_id)

    def marks_since(self, couple_id: str, ritual_id: str, since: datetime) -> list[Mark]:
        """The marks of a scheduled ritual's occurrences from ``since`` on, caught up to the
        newest event: one range of the read model, however long the ritual's history."""
        runner = self.runner
        with contextlib.suppress(StoreUnavailable):
            runner.catch_up()
        prefix = f"{ritual_id}@"
        start = prefix + since.astimezone(UTC).isoformat()
        return list(runner.states_now(MARKS.name, couple_id, prefix, start).values())

    def logged_since(
        self, couple_id: str, since: datetime, types: Collection[str] = ()
    ) -> logged_weeks.Logged:
        """What the couple logged that states a moment from ``since`` on (every such entry,
        and some a few days older: the ``logged_weeks`` model from the week holding
        ``since``), by week and caught up to the newest event; and the couple's events of
        ``types``, whatever their age. Neither holds what an undo took back: a dozen rows
        and one read of the log, however long the history."""
        runner = self.runner
        with contextlib.suppress(StoreUnavailable):  # a read-only user folds in memory below
            runner.catch_up()
        weeks = runner.states_now(
            logged_weeks.NAME, couple_id, logged_weeks.PREFIX, logged_weeks.week_key(since)
        )
        found = runner.store.read_couple(
            couple_id, types=(*types, EntryRetracted.type_name), decrypt=False
        )
        gone = retracted_ids(found)
        if gone:  # a week with nothing undone stays the object it was read as
            weeks = {k: logged_weeks.without(week, gone) for k, week in weeks.items()}
        return logged_weeks.Logged(weeks, honoured(found, gone))

    def recent_marks(
        self, couple_id: str, since: datetime, logged: logged_weeks.Logged
    ) -> tuple[list[Mark], list[datetime]]:
        """What can tell the days from ``since`` on: each scheduled ritual's marks from
        ``since`` (one range of the read model), and when each quota or occasional
        check-in and each appreciation a journal ritual counts was done, from ``logged``
        (what :meth:`logged_since` found from ``since`` on), once per journal. The same
        as :meth:`marks` tells of those days, however long the history: each of those
        marks holds one check-in, so it tells no more than when it was done."""
        runner = self.runner
        with contextlib.suppress(StoreUnavailable):
            runner.catch_up()
        start = since.astimezone(UTC).isoformat()
        found: list[Mark] = []
        rituals = self._s.ritual_states(couple_id)
        for rid in rituals:
            prefix = f"{rid}@"
            found += runner.states_now(MARKS.name, couple_id, prefix, prefix + start).values()
        journals = sum(_is_journal(state) for state in rituals.values())
        weeks = logged.weeks_since(since)
        return found, logged_weeks.done_times(weeks, journals, self._done_in)

    def _appreciation_marks(self, couple_id: str, ritual_id: str = "") -> dict[str, list[Mark]]:
        """Each appreciation written with `ritual appreciate`, as one check-in of every
        appreciation-journal ritual (the same purpose, so the same counter)."""
        journals = [
            rid
            for rid, state in self._s.ritual_states(couple_id).items()
            if rid.startswith(ritual_id) and _is_journal(state)
        ]
        if not journals:
            return {}
        given = self._s.lived.read_couple(
            couple_id, types=(AppreciationGiven.type_name,), decrypt=False
        )
        return {
            rid: [
                Mark(rid, None, credits=((r.event_id, (r.event.author,), r.event.at),))
                for r in given
                if isinstance(r.event, AppreciationGiven)
            ]
            for rid in journals
        }

    def zones(self, couple_id: str) -> Zones:
        """The couple's time zones over time."""
        return self.zone_book(couple_id).couple

    def zone_book(self, couple_id: str) -> ZoneBook:
        """The couple's zones over time, and each partner's own."""
        return self._s.zone_book(couple_id)

    def streak_view(
        self,
        state: CoupleState,
        ritual: RitualState,
        marks: list[Mark],
        zones: ZoneBook,
        now: datetime,
        settled: Settled | None = None,
    ) -> StreakView:
        found = figures(
            ritual,
            marks,
            zones=zones.couple,
            freezes_per_month=state.freezes_per_month,
            now=now,
            partner_zones=zones.own_zones(),
            settled=settled,
        )
        week = None
        if found.week is not None:
            counts = found.week.counts
            week = WeekProgress(
                week_start=found.week.start,
                target=found.week.target,
                done=min(counts.values(), default=0),
                by_partner=tuple((state.handle_of(p), n) for p, n in counts.items()),
            )
        return StreakView(
            ritual_id=ritual.ritual_id,
            title=ritual.title,
            unit=found.unit,
            status=ritual.status(now),
            couple=found.couple,
            partners=tuple(
                PartnerStreak(state.handle_of(p), line) for p, line in found.partners.items()
            ),
            this_week=week,
        )


def _is_journal(ritual: RitualState) -> bool:
    """Whether the ritual counts the appreciations partners write."""
    return any(catalog.family_of(d.template) == JOURNAL for d in ritual.definitions)
