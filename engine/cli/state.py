"""What every command shares: the settings, the clock seam and the engine, opened on first
use, and the decorators that hand them to a command."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

import click

from engine.clock import Clock, utc_now
from engine.config import Settings
from engine.frozen import frozen

if TYPE_CHECKING:
    from engine.api import Engine

P = ParamSpec("P")
R = TypeVar("R")


@frozen
class CliSeams:
    """What a caller of the command line may replace: where every moment comes from.

    The console script uses the real clock. A test (or a host that drives the CLI
    in-process) passes ``obj=CliSeams(clock=FixedClock(...))`` to click's ``invoke``, so
    every command, "now" included, sees that moment.
    """

    clock: Clock = utc_now


CREATING_COMMANDS = (("init",), ("import",), ("db", "upgrade"))
"""The commands that may create a SQLite database file; every other one reads a database
that must already be there, so a mistyped path is an error rather than a new, empty file."""


def creates_database() -> bool:
    ctx = click.get_current_context(silent=True)
    names = tuple(ctx.command_path.split()[1:]) if ctx else ()
    return any(names[: len(c)] == c for c in CREATING_COMMANDS)


class CliState:
    """What every command shares; the engine is opened on first use."""

    def __init__(
        self,
        db_url: str | None,
        couple: str | None,
        viewer: str | None = None,
        *,
        clock: Clock = utc_now,
        key: str | None = None,
    ) -> None:
        import uuid

        from engine.events.idempotency import check_key

        self.settings = Settings.from_env(db_url=db_url, couple=couple)
        self.viewer = viewer
        self.clock = clock
        # One idempotency key per invocation (the user's, or a fresh one): each command
        # the invocation runs takes the next key derived from it, and the engine retries a
        # command whose connection dropped under that key.
        self.key = check_key(key) if key is not None else uuid.uuid4().hex
        self._engine: Engine | None = None
        self._couple: str | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from engine.api import Engine
            from engine.services.idempotent import InvocationKeys

            self._engine = Engine.open(
                self.settings.db_url,
                clock=self.clock,
                via="cli",
                create=creates_database(),
                keys=InvocationKeys(self.key),
            )
        return self._engine

    @property
    def couple(self) -> str:
        """The id of the couple --couple (or RITUAL_COUPLE) names, resolved once."""
        if self._couple is None:
            from engine.cli.resolve import resolve_couple

            self._couple = resolve_couple(self.engine, self.settings.couple)
        return self._couple

    def ritual(self, ref: str) -> str:
        """The id of the couple's ritual a typed title, id or id prefix names."""
        from engine.cli.resolve import resolve_ritual

        return resolve_ritual(self.engine, self.couple, ref)

    def viewer_for(self, viewer: str | None) -> str | None:
        """Who a read is made as: the command's --as, else the group's, else the shared view."""
        return viewer or self.viewer

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()


def current_state() -> CliState:
    """The state the root group made for this run."""
    state = click.get_current_context().find_object(CliState)
    assert state is not None
    return state


def pass_state(fn: Callable[Concatenate[CliState, P], R]) -> Callable[P, R]:
    """Hand the command the shared CLI state."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return fn(current_state(), *args, **kwargs)

    return wrapper
