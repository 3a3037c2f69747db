"""Read models and streaks: catching up, rebuilding, and how each ritual is going.

Every query catches the read models up first, so a streak read right after a check-in
already counts it. A SQL store keeps its read models in its own database; any other
store gets them in memory, built from its log on first use.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from engine import catalog
from engine.domain.couple import CoupleState, aware
from engine.domain.ritual import RitualState
from engine.events import AppreciationGiven, CoupleCreated, CoupleSettingsChanged, EventStore
from engine.facade.core import CoupleRef, EngineCore, couple_stream
from engine.projections import PROJECTIONS, ProjectionRunner, ReadModels
from engine.projections.marks import MARKS, Mark
from engine.projections.memory import MemoryReadModels
from engine.projections.streaks import Zones, figures
from engine.views import PartnerStreak, ReadModelView, StreakView, WeekProgress

JOURNAL = "appreciation-journal"
"""The template family whose rituals count the appreciations partners write."""


def read_models_for(store: EventStore) -> ReadModels:
    """SQL read models beside a SQL store; in-memory ones for any other store."""
    from engine.events.sqlstore import SqlEventStore

    if isinstance(store, SqlEventStore):
        from engine.projections.sql import SqlReadModels

        return SqlReadModels(store.db)
    return MemoryReadModels()


class StreaksMixin(EngineCore):
    """Read models, and the streaks and strength derived from them."""

    _runner: ProjectionRunner | None = None

    @property
    def _projections(self) -> ProjectionRunner:
        if self._runner is None:
            self._runner = ProjectionRunner(self.store, read_models_for(self.store), PROJECTIONS)
        return self._runner

    # -- read models -------------------------------------------------------------------

    def _erase_read_models(self, couple_id: str, partner_id: str | None = None) -> None:
        """Fold the tombstone now: the runner drops an erased couple's rows with it (a
        partner's marks hold ids and times only, no text, so they stay)."""
        self.catch_up()
        super()._erase_read_models(couple_id, partner_id)

    def catch_up(self) -> int:
        """Fold new events into every read model; returns how many events were folded."""
        return self._projections.catch_up()

    def read_models(self, projection: str | None = None) -> list[ReadModelView]:
        """Each read model (or the one named) and how far it has folded the log."""
        runner = self._projections
        last = self.store.last_position()
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
        self, projection: str | None = None, *, progress: Callable[[int], None] | None = None
    ) -> list[ReadModelView]:
        """Drop one read model (or all) and fold the whole log into it again.

        ``progress`` is told how many log positions each committed batch covered.
        """
        names = [view.name for view in self.read_models(projection)]
        for name in names:
            self._projections.rebuild(name, progress)
        return self.read_models(projection)

    # -- streaks -----------------------------------------------------------------------

    def streaks(
        self, couple: CoupleRef = None, *, as_of: datetime | None = None
    ) -> list[StreakView]:
        """How each active or paused ritual is going, as of now (or ``as_of``)."""
        state = self.load_couple(couple)
        now = self.now() if as_of is None else aware(as_of)
        marks = self._marks(state.couple_id)
        zones = self._zones(state.couple_id)
        return [
            self._streak_view(state, ritual, marks.get(rid, []), zones, now)
            for rid, ritual in self.ritual_states(state.couple_id).items()
            if ritual.definitions[0].effective_from <= now and ritual.status(now) != "retired"
        ]

    def ritual_streak(
        self, couple: CoupleRef, ritual: str, *, as_of: datetime | None = None
    ) -> StreakView:
        """How one ritual is going, as of now (or ``as_of``)."""
        state = self.load_couple(couple)
        rid = self.find_ritual_id(state.couple_id, ritual)
        now = self.now() if as_of is None else aware(as_of)
        return self._ritual_streak(state, rid, now)

    def _ritual_streak(self, state: CoupleState, rid: str, now: datetime) -> StreakView:
        marks = self._marks(state.couple_id, rid).get(rid, [])
        ritual = self.ritual_states(state.couple_id)[rid]
        return self._streak_view(state, ritual, marks, self._zones(state.couple_id), now)

    def _streak_after_check_in(self, state: CoupleState, rid: str, partner_id: str) -> int:
        view = self._ritual_streak(state, rid, self.now())
        handle = state.handle_of(partner_id)
        return next((p.figures.current for p in view.partners if p.partner == handle), 0)

    def _marks(self, couple_id: str, ritual_id: str = "") -> dict[str, list[Mark]]:
        """The couple's marks (of one ritual) by ritual id, caught up to the newest event."""
        self._projections.catch_up()
        found: dict[str, list[Mark]] = defaultdict(list)
        for mark in self._projections.states(MARKS.name, couple_id, ritual_id).values():
            found[mark.ritual_id].append(mark)
        for rid, marks in self._appreciation_marks(couple_id, ritual_id).items():
            found[rid] += marks
        return found

    def _appreciation_marks(self, couple_id: str, ritual_id: str = "") -> dict[str, list[Mark]]:
        """Each appreciation written with `ritual appreciate`, as one check-in of every
        appreciation-journal ritual (the same purpose, so the same counter)."""
        journals = [
            rid
            for rid, state in self.ritual_states(couple_id).items()
            if rid.startswith(ritual_id)
            and any(catalog.family_of(d.template) == JOURNAL for d in state.definitions)
        ]
        if not journals:
            return {}
        given = self.lived.read_couple(
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

    def _zones(self, couple_id: str) -> Zones:
        """The couple's time zones over time."""
        zones: list[tuple[datetime, ZoneInfo]] = []
        for r in self.store.read_stream(couple_stream(couple_id), decrypt=False):
            event = r.event
            if not isinstance(event, CoupleCreated | CoupleSettingsChanged):
                continue
            if not zones or zones[-1][1].key != event.time_zone:
                zones.append((r.occurred_at, ZoneInfo(event.time_zone)))
        return zones

    def _streak_view(
        self,
        state: CoupleState,
        ritual: RitualState,
        marks: list[Mark],
        zones: Zones,
        now: datetime,
    ) -> StreakView:
        found = figures(
            ritual, marks, zones=zones, freezes_per_month=state.freezes_per_month, now=now
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
