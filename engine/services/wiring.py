"""The facade's services, each made on first use, with the services it stands on.

A command loads only the modules of the services it calls: ``ritual status`` never imports
the sharing, invites or portability code, and their views and events load only when some
command needs them. Each service is made once per Engine, even when threads race for it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    from collections.abc import Callable

    from engine.domain.invites import InviteIndex
    from engine.domain.sharing import LinkIndex
    from engine.events import EventStore
    from engine.projections import ReadModels
    from engine.services.calendar import Calendar
    from engine.services.checkins import CheckIns
    from engine.services.connection import Connection
    from engine.services.couples import Couples
    from engine.services.history import History
    from engine.services.insights import Insights
    from engine.services.invites import Invites
    from engine.services.journal import Journal
    from engine.services.page import Page
    from engine.services.plans import Plans
    from engine.services.portability import Portability
    from engine.services.privacy import Privacy
    from engine.services.rituals import Rituals
    from engine.services.session import Session
    from engine.services.sharing import Sharing
    from engine.services.status import Status
    from engine.services.streaks import Streaks
    from engine.services.undo import Undo

T = TypeVar("T")


class Services:
    """One Engine's services over its ``Session``; the index factories say where the read
    models, share links and invites are kept beside a given store."""

    def __init__(
        self,
        session: Session,
        *,
        read_models: Callable[[EventStore], ReadModels],
        links: Callable[[EventStore], LinkIndex],
        invites: Callable[[EventStore], InviteIndex],
    ) -> None:
        self.session = session
        self._read_models = read_models
        self._links = links
        self._invite_index = invites
        self._made: dict[str, object] = {}
        self._lock = threading.RLock()  # a service being made makes the ones it stands on

    def _one(self, name: str, make: Callable[[], T]) -> T:
        made = self._made.get(name)
        if made is None:
            with self._lock:
                made = self._made.get(name)
                if made is None:
                    made = self._made[name] = make()
        return cast("T", made)

    @property
    def streaks(self) -> Streaks:
        from engine.services.streaks import Streaks

        return self._one("streaks", lambda: Streaks(self.session, self._read_models))

    @property
    def couples(self) -> Couples:
        from engine.services.couples import Couples

        return self._one("couples", lambda: Couples(self.session))

    @property
    def rituals(self) -> Rituals:
        from engine.services.rituals import Rituals

        return self._one("rituals", lambda: Rituals(self.session))

    @property
    def check_ins(self) -> CheckIns:
        from engine.services.checkins import CheckIns

        return self._one("check_ins", lambda: CheckIns(self.session, self.streaks))

    @property
    def journal(self) -> Journal:
        from engine.services.journal import Journal

        return self._one("journal", lambda: Journal(self.session))

    @property
    def connection(self) -> Connection:
        from engine.services.connection import Connection

        return self._one("connection", lambda: Connection(self.session, self.journal))

    @property
    def plans(self) -> Plans:
        from engine.services.plans import Plans

        return self._one("plans", lambda: Plans(self.session))

    @property
    def status(self) -> Status:
        from engine.services.status import Status

        return self._one("status", lambda: Status(self.session, self.streaks, self.plans))

    @property
    def insights(self) -> Insights:
        from engine.services.insights import Insights

        return self._one("insights", lambda: Insights(self.session))

    @property
    def history(self) -> History:
        from engine.services.history import History

        return self._one("history", lambda: History(self.session))

    @property
    def calendar(self) -> Calendar:
        from engine.services.calendar import Calendar

        return self._one("calendar", lambda: Calendar(self.session, lambda: self.plans))

    @property
    def sharing(self) -> Sharing:
        from engine.services.sharing import Sharing

        return self._one("sharing", lambda: Sharing(self.session, self._links))

    @property
    def privacy(self) -> Privacy:
        from engine.services.privacy import Privacy

        # an erasure folds its tombstone into the read models at once
        return self._one("privacy", lambda: Privacy(self.session, forget=(self.streaks.forget,)))

    @property
    def portability(self) -> Portability:
        from engine.services.portability import Portability

        return self._one(
            "portability",
            lambda: Portability(
                self.session,
                rituals=self.rituals,
                streaks=self.streaks,
                plans=self.plans,
                sharing=self.sharing,
            ),
        )

    @property
    def invites(self) -> Invites:
        from engine.services.invites import Invites

        return self._one("invites", lambda: Invites(self.session, self._invite_index))

    @property
    def page(self) -> Page:
        from engine.services.page import Page

        return self._one("page", lambda: Page(self.session))

    @property
    def undo(self) -> Undo:
        from engine.services.undo import Undo

        return self._one("undo", lambda: Undo(self.session))
