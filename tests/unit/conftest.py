"""Unit-test fixtures: an Engine over an in-memory store, on the module's own ``clock``."""

from __future__ import annotations

import pytest

from engine import Engine, FixedClock, MemoryEventStore


@pytest.fixture
def eng(clock: FixedClock) -> Engine:
    """An Engine in memory whose store and commands both read the module's ``clock``."""
    return Engine(MemoryEventStore(clock), clock)
