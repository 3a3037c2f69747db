"""Read models and streaks: catching up, rebuilding, and how each ritual is going.

Every query catches the read models up first, so a streak read right after a check-in
already counts it. Where the read models live is decided where the store is built
(``engine.api``): a SQL store keeps them in its own database, any other store in memory.
"""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from engine.catalog import rituals as catalog
from engine.domain.couple import CoupleState, aware
from engine.domain.ritual import RitualState
from engine.domain.zones import ZONE_EVENTS, ZoneBook
from engine.errors import StoreUnavailable
from engine.events import AppreciationGiven, EventStore
from engine.projections import PROJECTIONS, ProjectionRunner, ReadModels
from engine.projections.marks import MARKS, Mark
from engine.projections.streaks import Zones, figures
from engine.services.session import CoupleRef, RitualRef, Session
from engine.views import PartnerStreak, ReadModelView, StreakView, WeekProgress

JOURNAL = "appreciation-journal"
"""The template family whose rituals count the appreciations partners write."""

ZONE_TYPES = ZONE_EVENTS


class Streaks:
    """The read models, and the streaks and strength derived from them."""

    def __init__(self, session: Session, models_for: Callable[[EventStore], ReadModels]) -> None:
        self._s = session
        self._models_for = models_for
        self._runner: ProjectionRunner | None = None
        self._lock = threading.Lock()

    @property
    def runner(self) -> ProjectionRunner:
        """The projection runner over the store's read models, built once."""
        with self._lock:
            if self._runner is None:
                store = self._s.base_store
                self._runner = ProjectionRunner(store, self._models_for(store), PROJECTIONS)
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
        marks = self.marks(state.couple_id)
        zones = self.zone_book(state.couple_id)
        return [
            self.streak_view(state, ritual, marks.get(rid, []), zones, now)
            for rid, ritual in self._s.ritual_states(state.couple_id).items()
            if ritual.definitions[0].effective_from <= now and ritual.status(now) != "retired"
        ]

    def ritual_streak(
        self, couple: CoupleRef, ritual: RitualRef, as_of: datetime | None
    ) -> StreakView:
        state = self._s.load_members(couple)
        rid = self._s.find_ritual_id(state.couple_id, ritual)
        now = self._s.now() if as_of is None else aware(as_of)
        return self._ritual_streak(state, rid, now)

    def _ritual_streak(self, state: CoupleState, rid: str, now: datetime) -> StreakView:
        marks = self.marks(state.couple_id, rid).get(rid, [])
        ritual = self._s.ritual_states(state.couple_id)[rid]
        return self.streak_view(state, ritual, marks, self.zone_book(state.couple_id), now)

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

    def _appreciation_marks(self, couple_id: str, ritual_id: str = "") -> dict[str, list[Mark]]:
        """Each appreciation written with `ritual appreciate`, as one check-in of every
        appreciation-journal ritual (the same purpose, so the same counter)."""
        journals = [
            rid
            for rid, state in self._s.ritual_states(couple_id).items()
            if rid.startswith(ritual_id)
            and any(catalog.family_of(d.template) == JOURNAL for d in state.definitions)
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
    ) -> StreakView:
        found = figures(
            ritual,
            marks,
            zones=zones.couple,
            freezes_per_month=state.freezes_per_month,
            now=now,
            partner_zones=zones.own_zones(),
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
