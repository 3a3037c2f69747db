"""The Engine facade: one object to embed in another app or drive from the CLI.

``Engine`` composes one plain service per topic (``engine.services``) over a shared
``Session`` and delegates to them; it inherits nothing, and makes each service on first
use (``engine.services.wiring``), so a command loads only the code it runs. Every
command loads what its decision needs, decides with the pure domain code, and appends the
resulting events; queries return frozen views and never write. The store is created on
first use (once, even when threads race), so constructing an Engine touches no database.

References are strict: a couple is its id or its ``CoupleView``; a ritual its id, its
``RitualView`` or the exact title of one of the couple's rituals. An unknown id raises
``NotFound``. Names and id prefixes that people type are resolved by the CLI.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from engine.catalog import DEFAULT_PLAN
from engine.clock import Clock, utc_now
from engine.events.idempotency import new_couple_id
from engine.services.session import Session
from engine.services.wiring import Services

if TYPE_CHECKING:
    import sqlalchemy as sa

    from engine.catalog.kinds import RepairAnswer, RepairKind, RitualKind
    from engine.catalog.plans import PlanTemplate
    from engine.domain.invites import InviteIndex
    from engine.domain.sharing import LinkIndex
    from engine.events import EventStore, RecordedEvent
    from engine.events.follow import Follower, LogRecord
    from engine.projections import ReadModels
    from engine.services.idempotent import InvocationKeys
    from engine.services.page import PageFacts
    from engine.services.refs import CoupleRef, RitualRef
    from engine.services.retry import RetryPolicy
    from engine.sql.event_store import SqlEventStore
    from engine.sql.master_key import MasterKeySource
    from engine.sql.waits import Waits
    from engine.views.connection import CapsuleView, JournalEntryView, NoteView
    from engine.views.couples import CoupleView
    from engine.views.history import HistoryEntry, ReadModelView, UndoView
    from engine.views.insights import DriftSignal, InsightsView
    from engine.views.invites import InviteView, IssuedInvite, PageTarget
    from engine.views.plans import PlanMilestone, PlanView
    from engine.views.privacy import ErasureView
    from engine.views.rituals import CheckInView, RitualView, SkipView, TemplateView, UpcomingView
    from engine.views.sharing import FeedLinkView, FeedTarget, IssuedFeedLink
    from engine.views.status import StatusView
    from engine.views.streaks import StreakView

T = TypeVar("T")
P = ParamSpec("P")

_NOT_ARGUMENTS = ("self", "idempotency_key", "key", "made", "imported")
"""Locals of a command method that are not its arguments (see ``Engine._once``)."""


def _command(method: Callable[Concatenate[Engine, P], T]) -> Callable[Concatenate[Engine, P], T]:
    """A write command that takes ``idempotency_key=``: the call runs under it (see
    ``Engine._once``), keyed by the method's name and every argument it was given, the
    defaults filled in. The method body decides and appends; it never reads the key."""
    signature = inspect.signature(method)

    @functools.wraps(method)
    def run(self: Engine, /, *args: P.args, **kwargs: P.kwargs) -> T:
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        given = bound.arguments
        return self._once(
            given["idempotency_key"],
            given["couple"],
            method.__name__,
            given,
            lambda: method(self, *args, **kwargs),
        )

    return run


class Engine:
    """The public facade over the event store. Use it as a context manager.

    Thread-safe: one Engine may serve many threads at once (conflicting writes are
    re-decided under its ``RetryPolicy``). Its methods block on the database, so an
    asyncio host calls them in a thread pool, e.g. ``await asyncio.to_thread(eng.status, cid)``.
    """

    def __init__(
        self,
        store: EventStore | Callable[[], EventStore],
        clock: Clock = utc_now,
        *,
        via: str = "api",
        retry: RetryPolicy | None = None,
        keys: InvocationKeys | None = None,
    ) -> None:
        session = Session(store, clock, via=via, retry=retry, keys=keys)
        self._session = session
        self._services = Services(
            session, read_models=read_models_for, links=link_index_for, invites=invite_index_for
        )

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        clock: Clock = utc_now,
        via: str = "api",
        migrate: bool = True,
        retry: RetryPolicy | None = None,
        waits: Waits | None = None,
        create: bool = True,
        keys: InvocationKeys | None = None,
    ) -> Engine:
        """An Engine over a SQL database (default: the user data directory's SQLite file).

        Nothing connects until the first command; then the schema is created or upgraded
        when ``migrate`` is true. Raises InvalidInput for a URL that is not valid.
        ``waits`` bounds how long a command waits for a lock (default:
        ``RITUAL_LOCK_TIMEOUT`` / ``RITUAL_STATEMENT_TIMEOUT``, else 5 s and 15 s); when it
        runs out the command raises StoreUnavailable. Without ``create``, a SQLite file
        that does not exist is an error (``StoreUnavailable``) instead of a new, empty
        database. ``retry`` says how conflicting writes are re-decided. With ``keys``,
        every command given no idempotency key of its own takes the next of them.
        """
        from engine.config import Settings

        db_url = Settings.from_env(db_url=url).db_url

        def factory() -> EventStore:
            return open_sql_store(db_url, clock=clock, migrate=migrate, waits=waits, create=create)

        return cls(factory, clock, via=via, retry=retry, keys=keys)

    # -- resources -----------------------------------------------------------------------

    @property
    def store(self) -> EventStore:
        """The event store, created on first use (StoreUnavailable when it cannot be)."""
        return self._session.store

    @property
    def clock(self) -> Clock:
        """The clock every command and query reads the time from."""
        return self._session.clock

    def now(self) -> datetime:
        """The engine's current time (from its clock)."""
        return self._session.now()

    @classmethod
    def from_sqlalchemy(
        cls,
        sa_engine: sa.Engine,
        *,
        clock: Clock = utc_now,
        via: str = "api",
        migrate: bool = True,
        waits: Waits | None = None,
        retry: RetryPolicy | None = None,
    ) -> Engine:
        """An Engine in a host application's database, on the host's SQLAlchemy Engine.

        The engine keeps to its own ``ritual_...`` tables and its own
        ``ritual_alembic_version``; the host's tables and ``alembic_version`` are never
        touched. Nothing connects until the first command; then the engine's schema is
        created or upgraded when ``migrate`` is true. Closing this Engine leaves
        ``sa_engine`` and its pool to the host. On PostgreSQL each of the engine's
        transactions bounds its own lock and statement waits (``waits``, as in
        ``open``) without changing the host's sessions.
        """

        def factory() -> EventStore:
            return _sql_store(
                sa_engine, clock=clock, migrate=migrate, owns_engine=False, waits=waits
            )

        return cls(factory, clock, via=via, retry=retry)

    def events(self, *, after: int = 0, limit: int = 1000, reveal: bool = False) -> list[LogRecord]:
        """Up to ``limit`` events of the whole log with a position after ``after``, oldest
        first, as public records for a process that follows the log (see
        ``engine.events.follow``). Sealed fields read ``"[sealed]"`` unless ``reveal`` is true
        and the keys are there (``"[erased]"`` once destroyed). Raises InvalidInput for
        a negative ``after`` or a ``limit`` outside 1 to 10,000."""
        from engine.events.follow import read_log

        return read_log(self.store, after=after, limit=limit, reveal=reveal)

    def follow(self, *, after: int = 0, limit: int = 1000, reveal: bool = False) -> Follower:
        """A follower of the log from the checkpoint ``after``: each ``poll()`` returns
        the records committed since the last one it returned."""
        from engine.events.follow import Follower

        return Follower(self.store, after=after, limit=limit, reveal=reveal)

    def subscribe(
        self, subscriber: Callable[[Sequence[RecordedEvent]], None]
    ) -> Callable[[], None]:
        """Call ``subscriber`` with every batch this process commits; returns an unsubscriber."""
        return self.store.subscribe(subscriber)

    def close(self) -> None:
        """Release the store's connections (a store never created is left alone)."""
        self._session.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _once(
        self,
        key: str | None,
        couple: CoupleRef | None,
        command: str,
        arguments: dict[str, Any],
        run: Callable[[], T],
    ) -> T:
        """Run a command, under an idempotency ``key`` when one is given: a replay with the
        key stores nothing twice and returns the first run's result; the key with another
        command or other arguments raises IdempotencyConflict (see ``Session.once``)."""
        key = self._session.command_key(key)
        if key is None or couple is None:
            return run()
        given = {k: v for k, v in arguments.items() if k not in _NOT_ARGUMENTS}
        return self._session.once(key, self._session.couple_id(couple), command, given, run)

    # -- couples -------------------------------------------------------------------------

    def create_couple(
        self,
        name: str,
        partners: Sequence[str],
        tz: str,
        *,
        display_names: Mapping[str, str] | None = None,
        freezes_per_month: int = 1,
        proxy_checkins: bool = False,
        templates: Sequence[str] = (),
        partner_zones: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> CoupleView:
        """Start a couple with partners (by handle) in an IANA zone; returns its view.

        ``templates`` names catalog rituals (e.g. the keys of ``catalog.starter_templates()``) the
        couple starts with; the couple and its rituals are written in one transaction, so a
        start cut short leaves nothing. ``partner_zones`` gives partners who live elsewhere
        their own IANA zone by handle (the others follow ``tz``). Raises InvalidInput for a
        bad name, handle, zone or template, NotAllowed when a couple of that name exists."""
        key = self._session.command_key(idempotency_key)
        made = None if key is None else new_couple_id(key)
        return self._once(
            key,
            made,
            "create_couple",
            locals(),
            lambda: self._services.couples.create(
                name,
                partners,
                tz,
                display_names=display_names,
                freezes_per_month=freezes_per_month,
                proxy_checkins=proxy_checkins,
                templates=templates,
                partner_zones=partner_zones,
                couple_id=made,
            ),
        )

    def couples(self) -> list[CoupleView]:
        """Every couple in the store that was not erased, oldest first."""
        return self._services.couples.all()

    def erased_couples(self) -> list[str]:
        """The ids of the couples that were erased at their request (a host can drop what
        it keeps of them too)."""
        return sorted(self._session.erased_couples())

    def couple(self, couple: CoupleRef) -> CoupleView:
        """One couple by id (or view). Raises NotFound for an unknown or erased couple."""
        return self._services.couples.get(couple)

    @_command
    def add_partner(
        self,
        couple: CoupleRef,
        handle: str,
        display_name: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> CoupleView:
        """Add a partner; returns the couple. NotAllowed when the handle is taken."""
        return self._services.couples.add_partner(couple, handle, display_name)

    @_command
    def rename_partner(
        self,
        couple: CoupleRef,
        handle: str,
        display_name: str,
        *,
        idempotency_key: str | None = None,
    ) -> CoupleView:
        """Change a partner's display name; returns the couple. NotFound for no such partner."""
        return self._services.couples.rename_partner(couple, handle, display_name)

    @_command
    def set_partner_zone(
        self, couple: CoupleRef, handle: str, tz: str, *, idempotency_key: str | None = None
    ) -> CoupleView:
        """Give a partner their own IANA zone from now on (a long-distance couple); returns
        the couple. Their rituals' local times, late-entry windows and streak days follow
        it; the past keeps the zone in force then. Raises InvalidInput for an unknown zone,
        NotAllowed when the partner already lives by it."""
        return self._services.couples.set_partner_zone(couple, handle, tz)

    @_command
    def clear_partner_zone(
        self, couple: CoupleRef, handle: str, *, idempotency_key: str | None = None
    ) -> CoupleView:
        """Let a partner follow the couple's zone again from now on; returns the couple.
        NotAllowed when they already follow it."""
        return self._services.couples.set_partner_zone(couple, handle, None)

    @_command
    def change_settings(
        self,
        couple: CoupleRef,
        *,
        tz: str | None = None,
        freezes_per_month: int | None = None,
        proxy_checkins: bool | None = None,
        idempotency_key: str | None = None,
    ) -> CoupleView:
        """Change the zone, monthly streak freezes or proxy check-ins; returns the couple.
        Raises InvalidInput for an unknown zone or a freeze count out of range."""
        return self._services.couples.change_settings(
            couple, tz=tz, freezes_per_month=freezes_per_month, proxy_checkins=proxy_checkins
        )

    # -- rituals -------------------------------------------------------------------------

    def rituals(self, couple: CoupleRef, *, include_retired: bool = False) -> list[RitualView]:
        """The couple's rituals, oldest first (retired ones only when asked)."""
        return self._services.rituals.list(couple, include_retired)

    def ritual(self, couple: CoupleRef, ritual: RitualRef) -> RitualView:
        """One ritual by id, view or exact title. Raises NotFound when there is none, and
        InvalidInput when several active rituals share the title."""
        return self._services.rituals.get(couple, ritual)

    @_command
    def add_ritual(
        self,
        couple: CoupleRef,
        title: str | None = None,
        *,
        cron: str | None = None,
        per_week: int | None = None,
        duration: timedelta | None = None,
        kind: RitualKind | None = None,
        participants: Sequence[str] | None = None,
        together: bool | None = None,
        reminder: timedelta | None = None,
        prompts: Sequence[str] | None = None,
        template: str | None = None,
        each_local: bool = False,
        idempotency_key: str | None = None,
    ) -> RitualView:
        """Add a ritual with a cron schedule, a weekly quota, or a catalog template's
        defaults; returns it. By default its times are in the couple's zone, one shared
        instant for everyone; ``each_local`` gives each participant their own occurrence at
        the schedule's wall time in their own zone. Raises InvalidInput for a bad
        definition, NotAllowed when an active ritual has that title."""
        return self._services.rituals.add(
            couple,
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

    @_command
    def edit_ritual(
        self,
        couple: CoupleRef,
        ritual: RitualRef,
        *,
        title: str | None = None,
        cron: str | None = None,
        per_week: int | None = None,
        duration: timedelta | None = None,
        kind: RitualKind | None = None,
        participants: Sequence[str] | None = None,
        together: bool | None = None,
        reminder: timedelta | None = None,
        prompts: Sequence[str] | None = None,
        each_local: bool | None = None,
        idempotency_key: str | None = None,
    ) -> RitualView:
        """Change a ritual from now on (history keeps the old definition); returns it.
        ``each_local`` True keeps it at each participant's own local time, False anchors it
        to the couple's zone again. Raises InvalidInput when nothing changes, NotAllowed
        for a retired ritual."""
        return self._services.rituals.edit(
            couple,
            ritual,
            title=title,
            cron=cron,
            per_week=per_week,
            duration=duration,
            kind=kind,
            participants=participants,
            together=together,
            reminder=reminder,
            prompts=prompts,
            each_local=each_local,
        )

    @_command
    def pause_ritual(
        self,
        couple: CoupleRef,
        ritual: RitualRef,
        *,
        until: date | None = None,
        idempotency_key: str | None = None,
    ) -> RitualView:
        """Pause a ritual, optionally until the start of a local date; returns it."""
        return self._services.rituals.pause(couple, ritual, until)

    @_command
    def resume_ritual(
        self, couple: CoupleRef, ritual: RitualRef, *, idempotency_key: str | None = None
    ) -> RitualView:
        """Bring a paused ritual back now; returns it. NotAllowed when it is not paused."""
        return self._services.rituals.resume(couple, ritual)

    @_command
    def retire_ritual(
        self, couple: CoupleRef, ritual: RitualRef, *, idempotency_key: str | None = None
    ) -> RitualView:
        """End a ritual for good (its history stays); returns it."""
        return self._services.rituals.retire(couple, ritual)

    # -- logging -------------------------------------------------------------------------

    @_command
    def check_in(
        self,
        couple: CoupleRef,
        ritual: RitualRef,
        *,
        by: str,
        at: datetime | None = None,
        occurrence: datetime | None = None,
        closeness: int | None = None,
        note: str | None = None,
        note_shared: bool = False,
        for_both: bool = False,
        idempotency_key: str | None = None,
    ) -> CheckInView:
        """Record that partner ``by`` did a ritual (now, at ``at``, or for an exact
        occurrence); returns the check-in with the partner's new streak. Raises NotAllowed
        for a second check-in of one occurrence or a closed late-entry window."""
        return self._services.check_ins.check_in(
            couple,
            ritual,
            by=by,
            at=at,
            occurrence=occurrence,
            closeness=closeness,
            note=note,
            note_shared=note_shared,
            for_both=for_both,
        )

    @_command
    def skip(
        self,
        couple: CoupleRef,
        ritual: RitualRef,
        *,
        by: str | None = None,
        at: datetime | None = None,
        occurrence: datetime | None = None,
        reason: str | None = None,
        idempotency_key: str | None = None,
    ) -> SkipView:
        """Let an occurrence go on purpose (skips never break a streak); returns the skip."""
        return self._services.check_ins.skip(
            couple, ritual, by=by, at=at, occurrence=occurrence, reason=reason
        )

    @_command
    def plan_absence(
        self,
        couple: CoupleRef,
        ritual: RitualRef | None = None,
        *,
        since: date,
        until: date,
        by: str | None = None,
        reason: str | None = None,
        idempotency_key: str | None = None,
    ) -> list[SkipView]:
        """Let go every occurrence of the local days ``since`` to ``until`` (inclusive) of one
        ritual, or with ``ritual=None`` of every ritual with fixed times; returns the skips.
        Occurrences already skipped or done, or whose late-entry window closed, stay as they
        are. Raises NotAllowed when nothing is left to let go."""
        return self._services.check_ins.plan_absence(
            couple, ritual, since=since, until=until, by=by, reason=reason
        )

    @_command
    def undo(
        self,
        couple: CoupleRef,
        *,
        by: str,
        entry: str | None = None,
        idempotency_key: str | None = None,
    ) -> UndoView:
        """Undo one of ``by``'s own recent entries (the latest, or ``entry`` by id or id
        prefix): check-ins, skips, appreciations, repairs and plan tasks; returns what was
        undone. Raises NotAllowed for someone else's entry or one too old to undo."""
        return self._services.undo.undo(couple, by=by, entry=entry)

    # -- connection ----------------------------------------------------------------------

    @_command
    def appreciate(
        self,
        couple: CoupleRef,
        *,
        by: str,
        to: str,
        text: str,
        private: bool = False,
        idempotency_key: str | None = None,
    ) -> str:
        """Write an appreciation (a private one stays in the writer's journal until shared);
        returns its id. InvalidInput when it is addressed to its author."""
        return self._services.connection.appreciate(
            couple, by=by, to=to, text=text, private=private
        )

    @_command
    def share_appreciation(
        self,
        couple: CoupleRef,
        appreciation_id: str,
        *,
        by: str,
        idempotency_key: str | None = None,
    ) -> str:
        """Share a journal appreciation (by id or id prefix) with its recipient; returns its
        id. NotAllowed for someone else's or an already shared one."""
        return self._services.connection.share_appreciation(couple, appreciation_id, by=by)

    @_command
    def repair(
        self,
        couple: CoupleRef,
        *,
        by: str,
        kind: RepairKind,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> str:
        """Record a repair attempt; returns its id for the other partner's answer."""
        return self._services.connection.repair(couple, by=by, kind=kind, note=note)

    @_command
    def respond_to_repair(
        self,
        couple: CoupleRef,
        repair_id: str,
        *,
        by: str,
        answer: RepairAnswer,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> str:
        """The other partner answers a repair attempt; returns the repair's id."""
        return self._services.connection.respond_to_repair(
            couple, repair_id, by=by, answer=answer, note=note
        )

    @_command
    def call_timeout(
        self, couple: CoupleRef, *, by: str, idempotency_key: str | None = None
    ) -> str:
        """Call a pause in a difficult talk; returns its id. NotAllowed when one runs."""
        return self._services.connection.call_timeout(couple, by=by)

    @_command
    def end_timeout(self, couple: CoupleRef, *, by: str, idempotency_key: str | None = None) -> str:
        """Come back to the talk after a pause; returns its id. NotAllowed when none runs."""
        return self._services.connection.end_timeout(couple, by=by)

    @_command
    def agree_ground_rules(
        self, couple: CoupleRef, rules: Sequence[str], *, idempotency_key: str | None = None
    ) -> int:
        """Record the couple's ground rules for difficult talks; returns how many."""
        return self._services.connection.agree_ground_rules(couple, rules)

    def ground_rules(self, couple: CoupleRef) -> tuple[str, ...]:
        """The couple's current ground rules."""
        return self._services.connection.ground_rules(couple)

    @_command
    def seal_capsule(
        self,
        couple: CoupleRef,
        *,
        by: str,
        message: str,
        opens_on: date | None = None,
        idempotency_key: str | None = None,
    ) -> CapsuleView:
        """Seal a message until ``opens_on`` (three months from today by default); returns
        the capsule without its message."""
        return self._services.connection.seal_capsule(
            couple, by=by, message=message, opens_on=opens_on
        )

    @_command
    def open_capsule(
        self, couple: CoupleRef, capsule_id: str, *, by: str, idempotency_key: str | None = None
    ) -> CapsuleView:
        """Open a capsule on or after its date; returns it with its message. NotAllowed
        before the date."""
        return self._services.connection.open_capsule(couple, capsule_id, by=by)

    # -- reading as someone --------------------------------------------------------------

    def journal(self, couple: CoupleRef, *, viewer: str | None = None) -> list[JournalEntryView]:
        """The appreciations ``viewer`` may read, oldest first: every shared one and the
        viewer's own journal entries (None, the default, is the couple's shared view)."""
        return self._services.journal.journal(couple, viewer)

    def notes(self, couple: CoupleRef, *, viewer: str | None = None) -> list[NoteView]:
        """The notes ``viewer`` may read, oldest first: their own, the check-in notes
        others shared, and the reasons given for skips."""
        return self._services.journal.notes(couple, viewer)

    def capsules(self, couple: CoupleRef, *, viewer: str | None = None) -> list[CapsuleView]:
        """Every capsule; a message shows to nobody before its opening date, then to all."""
        return self._services.journal.capsules(couple, viewer)

    def history(
        self, couple: CoupleRef, *, limit: int = 20, viewer: str | None = None
    ) -> list[HistoryEntry]:
        """The newest ``limit`` events the viewer may know of, newest first, described
        without private text (another partner's journal entries stay out until shared)."""
        return self._services.history.history(couple, limit, viewer)

    # -- how it is going -----------------------------------------------------------------

    def status(self, couple: CoupleRef, *, as_of: datetime | None = None) -> StatusView:
        """Today (or ``as_of``'s local day) at a glance: rituals, streaks, the plan, recent
        weeks and drift. Writes nothing; another moment sees what was recorded by then."""
        return self._services.status.status(couple, as_of)

    def streaks(self, couple: CoupleRef, *, as_of: datetime | None = None) -> list[StreakView]:
        """How each active or paused ritual is going, as of now (or ``as_of``)."""
        return self._services.streaks.streaks(couple, as_of)

    def ritual_streak(
        self, couple: CoupleRef, ritual: RitualRef, *, as_of: datetime | None = None
    ) -> StreakView:
        """How one ritual is going, as of now (or ``as_of``)."""
        return self._services.streaks.ritual_streak(couple, ritual, as_of)

    def insights(self, couple: CoupleRef, *, weeks: int = 8) -> InsightsView:
        """The last ``weeks`` ISO weeks (1 to 52), the closeness trend and drift signals.
        Raises InvalidInput for a week count out of range."""
        return self._services.insights.insights(couple, weeks)

    def drift_signals(self, couple: CoupleRef) -> list[DriftSignal]:
        """The drift signals on now: observations with a suggestion, never a verdict."""
        return self._services.insights.drift_signals(couple)

    # -- read models ---------------------------------------------------------------------

    def catch_up(self) -> int:
        """Fold new events into every read model; returns how many events were folded."""
        return self._services.streaks.catch_up()

    def read_models(self, projection: str | None = None) -> list[ReadModelView]:
        """Each read model (or the one named) and how far it has folded the log. Raises
        NotFound for an unknown name."""
        return self._services.streaks.read_models(projection)

    def rebuild(
        self, projection: str | None = None, *, progress: Callable[[int], None] | None = None
    ) -> list[ReadModelView]:
        """Drop one read model (or all) and fold the whole log into it again; returns their
        state. ``progress`` is told how many log positions each committed batch covered."""
        return self._services.streaks.rebuild(projection, progress)

    # -- plans ---------------------------------------------------------------------------

    def plan_templates(self) -> tuple[PlanTemplate, ...]:
        """The plans a couple can start."""
        return self._services.plans.templates()

    def plan_status(self, couple: CoupleRef) -> PlanView | None:
        """The couple's latest plan (running or finished) as it stands now, weeks that have
        begun included; None if none yet. Writes nothing (see ``tick``)."""
        return self._services.plans.status(couple)

    def plan_milestones(self, couple: CoupleRef) -> list[PlanMilestone]:
        """A dated, content-free entry for every plan week with a known first day."""
        return self._services.plans.milestones(couple)

    def tick(self, couple: CoupleRef | None = None) -> list[PlanView]:
        """Record what time has brought about (a plan week that began adds its rituals; a
        finished plan retires what it let go) for one couple or every couple; returns the
        plans for which something was recorded. Every command does this for what it
        touches; ``ritual tick`` and ``ritual serve`` call it for everyone."""
        return self._services.plans.tick(couple)

    @_command
    def start_plan(
        self,
        couple: CoupleRef,
        template: str = DEFAULT_PLAN,
        *,
        on: date | None = None,
        idempotency_key: str | None = None,
    ) -> PlanView:
        """Begin a plan on ``on`` (default: today); returns it. NotFound for an unknown
        template, NotAllowed while another plan runs."""
        return self._services.plans.start(couple, template, on)

    @_command
    def plan_task_done(
        self,
        couple: CoupleRef,
        task: str,
        *,
        by: str | None = None,
        idempotency_key: str | None = None,
    ) -> PlanView:
        """Mark a task done by one partner (a handle) or, without ``by``, by both; returns
        the plan. NotAllowed when no plan runs or the task's week has not begun."""
        return self._services.plans.task_done(couple, task, by)

    @_command
    def extend_plan_week(
        self, couple: CoupleRef, *, idempotency_key: str | None = None
    ) -> PlanView:
        """Give the current plan week seven more days; returns the plan."""
        return self._services.plans.extend_week(couple)

    @_command
    def pause_plan(self, couple: CoupleRef, *, idempotency_key: str | None = None) -> PlanView:
        """Stop the plan's clock (no week begins until it resumes); returns the plan."""
        return self._services.plans.pause(couple)

    @_command
    def resume_plan(self, couple: CoupleRef, *, idempotency_key: str | None = None) -> PlanView:
        """Let the plan's clock run again from today; returns the plan."""
        return self._services.plans.resume(couple)

    @_command
    def finish_plan(
        self,
        couple: CoupleRef,
        *,
        keep: Sequence[RitualRef] = (),
        keep_all: bool = False,
        idempotency_key: str | None = None,
    ) -> PlanView:
        """End the plan. Its rituals named in ``keep``, or all with ``keep_all``, continue;
        the others are retired, their history kept. Returns the finished plan."""
        return self._services.plans.finish(couple, keep, keep_all)

    # -- the calendar --------------------------------------------------------------------

    def catalog(self) -> list[TemplateView]:
        """The ritual templates a couple can start from, in catalog order."""
        return self._services.calendar.catalog()

    def upcoming(
        self, couple: CoupleRef, *, days: int = 7, partner: str | None = None
    ) -> list[UpcomingView]:
        """The occurrences of the next ``days`` days (1 to 366), soonest first, skipped ones
        left out (with ``partner``: only the rituals that partner takes part in)."""
        return self._services.calendar.upcoming(couple, days, partner)

    def calendar_feed(
        self,
        couple: CoupleRef,
        *,
        partner: str | None = None,
        days_back: int = 30,
        days_ahead: int = 90,
        page_url: str | None = None,
    ) -> bytes:
        """The couple's rituals (or ``partner``'s) as iCalendar bytes; with ``page_url`` and a
        ``partner``, each event links to that occurrence on the partner's page. They depend
        only on the events behind ``feed_version`` and the local date, so they can be
        cached."""
        return self._services.calendar.calendar_feed(
            couple,
            partner=partner,
            days_back=days_back,
            days_ahead=days_ahead,
            page_url=page_url,
        )

    def feed_version(self, couple: CoupleRef) -> int:
        """The log position of the newest event that can change the couple's feeds (0: none)."""
        return self._services.calendar.feed_version(couple)

    # -- sharing -------------------------------------------------------------------------

    def share_feed(
        self,
        couple: CoupleRef,
        *,
        base_url: str,
        partner: str | None = None,
        label: str | None = None,
    ) -> IssuedFeedLink:
        """Issue a calendar subscription link (for one partner's rituals, or the couple's);
        the token is in the returned URLs and nowhere else (only its hash is stored). It
        takes no idempotency key: its reply holds a token no retry could give again, so a
        retry issues another link (revoke the one never received)."""
        return self._services.sharing.share_feed(
            couple, base_url=base_url, partner=partner, label=label
        )

    def feed_links(self, couple: CoupleRef, *, include_revoked: bool = False) -> list[FeedLinkView]:
        """The couple's sharing links, oldest first (never their tokens)."""
        return self._services.sharing.feed_links(couple, include_revoked)

    @_command
    def revoke_feed_link(
        self, couple: CoupleRef, link: str, *, idempotency_key: str | None = None
    ) -> FeedLinkView:
        """Stop a link (by id or id prefix) from opening the calendar; returns it."""
        return self._services.sharing.revoke_feed_link(couple, link)

    def feed_target(self, token: str) -> FeedTarget | None:
        """The live link a presented token opens, or None (unknown, revoked, erased or a
        departed partner's); costs the same for every unknown or revoked token."""
        return self._services.sharing.feed_target(token)

    def record_feed_fetch(self, couple_id: str, link_id: str, at: datetime) -> None:
        """Note when a calendar app last fetched a couple's link (not an event: it changes
        too often)."""
        self._services.sharing.record_feed_fetch(couple_id, link_id, at)

    def log_position(self) -> int:
        """The position of the newest event in the whole log: the server's change detector."""
        return self._services.sharing.log_position()

    def event_recorded_at(self, position: int) -> datetime | None:
        """When the event at ``position`` was recorded (None when there is none)."""
        return self._services.sharing.event_recorded_at(position)

    # -- the partner's page ------------------------------------------------------------

    def invite_partner(
        self, couple: CoupleRef, *, partner: str, base_url: str, label: str | None = None
    ) -> IssuedInvite:
        """Issue a secret link to ``partner``'s own page served at ``base_url``; the token
        is in the returned URL and nowhere else (only its hash is stored). Like
        :meth:`share_feed`, it takes no idempotency key."""
        return self._services.invites.invite_partner(
            couple, partner=partner, base_url=base_url, label=label
        )

    def invites(self, couple: CoupleRef, *, include_revoked: bool = False) -> list[InviteView]:
        """The couple's page invites, oldest first (never their tokens)."""
        return self._services.invites.invites(couple, include_revoked=include_revoked)

    @_command
    def revoke_invite(
        self, couple: CoupleRef, invite: str, *, idempotency_key: str | None = None
    ) -> InviteView:
        """Stop an invite (by id or id prefix) from opening the page; returns it."""
        return self._services.invites.revoke_invite(couple, invite)

    def invite_target(self, token: str) -> PageTarget | None:
        """The page a presented invite token opens, or None (unknown, revoked, erased or a
        departed partner's); costs the same for every unknown or revoked token."""
        return self._services.invites.invite_target(token)

    def session_target(self, invite_id: str) -> PageTarget | None:
        """The page a session of ``invite_id`` opens, or None when the invite is gone."""
        return self._services.invites.session_target(invite_id)

    def page_facts(self, couple: CoupleRef, *, partner: str) -> PageFacts:
        """The repair attempts ``partner`` may answer, and the running pause if any."""
        return self._services.page.page_facts(couple, partner=partner)

    # -- privacy -------------------------------------------------------------------------

    @_command
    def erase_couple(self, couple: CoupleRef, *, idempotency_key: str | None = None) -> ErasureView:
        """Erase a couple for good: every key of theirs, their read models, and a tombstone.
        Afterwards the couple raises NotFound and no text of theirs can be read; other
        couples are untouched."""
        return self._services.privacy.erase_couple(couple)

    @_command
    def erase_partner(
        self, couple: CoupleRef, handle: str, *, idempotency_key: str | None = None
    ) -> ErasureView:
        """Erase what one partner wrote (a partner leaving): notes, appreciations, capsule
        letters and display name. The couple and the others' words stay. NotAllowed for the
        only partner."""
        return self._services.privacy.erase_partner(couple, handle)

    def export_data(
        self, couple: CoupleRef, *, viewer: str | None = None, full: bool = False
    ) -> dict[str, Any]:
        """Everything ``viewer`` may see (None: the shared view) as JSON-ready data; ``full``
        holds every text of every partner, for ``import_data``, and takes no viewer."""
        return self._services.portability.export_data(couple, viewer, full)

    def export_markdown(self, couple: CoupleRef, *, viewer: str | None = None) -> str:
        """What ``viewer`` may see, as a Markdown keepsake."""
        return self._services.portability.export_markdown(couple, viewer)

    def import_data(
        self, document: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> CoupleView:
        """Bring back a couple from a full export with its original ids, order, times and
        metadata; returns it. NotAllowed when the database holds the couple (or another of
        that name); InvalidInput for a damaged file."""
        key = self._session.command_key(idempotency_key)
        if key is None:
            imported = None
        else:
            from engine.export.reading import read_document

            imported = read_document(document).couple_id
        return self._once(
            key,
            imported,
            "import_data",
            locals(),
            lambda: self._services.portability.import_data(document),
        )


def read_models_for(store: EventStore) -> ReadModels:
    """SQL read models beside a SQL store; in-memory ones for any other store."""
    from engine.sql.event_store import SqlEventStore

    if isinstance(store, SqlEventStore):
        from engine.sql.read_models import SqlReadModels

        return SqlReadModels(store.db)
    from engine.projections.memory import MemoryReadModels

    return MemoryReadModels()


def invite_index_for(store: EventStore) -> InviteIndex:
    """The ``partner_invites`` table beside a SQL store; an index folded from events otherwise."""
    from engine.sql.event_store import SqlEventStore

    if isinstance(store, SqlEventStore):
        from engine.sql.invites import SqlInviteIndex

        return SqlInviteIndex(store.db)
    from engine.services.invites import EventInviteIndex

    return EventInviteIndex(store)


def link_index_for(store: EventStore) -> LinkIndex:
    """The ``feed_links`` table beside a SQL store; an index folded from events otherwise."""
    from engine.sql.event_store import SqlEventStore

    if isinstance(store, SqlEventStore):
        from engine.sql.feed_links import SqlLinkIndex

        return SqlLinkIndex(store.db)
    from engine.services.sharing import EventLinkIndex

    return EventLinkIndex(store)


def open_sql_store(
    url: str,
    *,
    clock: Clock = utc_now,
    migrate: bool = True,
    waits: Waits | None = None,
    master: MasterKeySource | None = None,
    create: bool = True,
) -> EventStore:
    """Create the SQL store for ``url``, creating the SQLite folder and migrating first.

    ``master`` says where the master key that wraps the data keys is found (default:
    from the environment, see ``engine.sql.master_key``)."""
    from engine.sql.open import open_store

    store = open_store(url, clock=clock, migrate=migrate, waits=waits, master=master, create=create)
    return _backfill_names(store, clock, migrate)


def _sql_store(
    sa_engine: sa.Engine,
    *,
    clock: Clock,
    migrate: bool,
    owns_engine: bool = True,
    waits: Waits | None = None,
    master: MasterKeySource | None = None,
) -> EventStore:
    from engine.sql.open import sql_store

    store = sql_store(
        sa_engine, clock=clock, migrate=migrate, owns_engine=owns_engine, waits=waits, master=master
    )
    return _backfill_names(store, clock, migrate)


def _backfill_names(store: SqlEventStore, clock: Clock, migrate: bool) -> EventStore:
    if migrate and store.names_pending():  # names from before claims existed (0012)
        from engine.services.name_backfill import current_names

        store.claim_missing(current_names(store, clock))
    return store


def upgrade_database(url: str) -> str | None:
    """Create or upgrade the schema at ``url``; returns the revision it is at."""
    from engine.sql import open as sql_open

    return sql_open.upgrade_database(url)


def database_revision(url: str) -> str | None:
    """The schema revision at ``url`` (None when empty); never creates a SQLite file."""
    from engine.sql import open as sql_open

    return sql_open.database_revision(url)


def head_revision() -> str | None:
    """The newest schema revision this code knows."""
    from engine.sql import open as sql_open

    return sql_open.head_revision()
