"""The moments tests run at: no test reads the real clock or depends on today's weekday.

In-process CLI runs pass ``obj=cli_at(clock)`` to click's ``invoke``, so "now" in every
command is the fixed clock's moment.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cli import CliSeams
from engine.clock import Clock, FixedClock

CLI_NOW = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)
"""A Wednesday evening: 18:30 in Berlin, 12:30 in New York."""


def cli_clock() -> FixedClock:
    """A fresh clock stopped at :data:`CLI_NOW`."""
    return FixedClock(CLI_NOW)


def cli_at(clock: Clock | None = None) -> CliSeams:
    """The seams for an in-process CLI run whose clock says ``clock`` (default CLI_NOW)."""
    return CliSeams(clock=clock or cli_clock())
