"""``import engine`` is cheap: the heavy libraries load only when a name needs them, and
every public name still resolves (the snapshot of names is in test_public_surface)."""

from __future__ import annotations

import subprocess
import sys

import engine

HEAVY = ("sqlalchemy", "alembic", "icalendar", "croniter", "cryptography", "jinja2", "click")


def test_importing_the_package_loads_none_of_the_heavy_libraries() -> None:
    probe = f"import sys, engine; print([m for m in {HEAVY!r} if m in sys.modules])"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


def test_every_public_name_resolves_on_first_use() -> None:
    for name in engine.__all__:
        assert getattr(engine, name) is not None, name
    assert set(engine.__all__) <= set(dir(engine))


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        engine.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as error:
        assert "NoSuchThing" in str(error)
    else:
        raise AssertionError("an unknown name must not resolve")


def test_an_engine_makes_each_service_once_when_threads_race_for_it() -> None:
    from datetime import UTC, datetime

    from engine import Engine, FixedClock, MemoryEventStore
    from tests.threads import at_once

    clock = FixedClock(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    eng = Engine(MemoryEventStore(clock), clock)
    services = eng._services
    assert "status" not in services._made  # nothing is made before it is used
    seen = at_once(lambda _: (services.status, services.streaks, services.privacy))
    assert len(seen) == 8
    assert len({tuple(id(made) for made in s) for s in seen}) == 1
