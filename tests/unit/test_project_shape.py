"""The project's promises about itself: a tested public surface, a pure core, a wheel
that ships every package, and a CI script that runs the README's own test command."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import engine

ROOT = Path(__file__).resolve().parents[2]

PURE_FOLDERS = ["engine/domain", "engine/catalog", "engine/calendar", "engine/views"]
"""Folders whose every module is pure: their names say so (see engine/__init__'s map)."""
PURE_MODULES = [
    *sorted(
        str(p.relative_to(ROOT)) for folder in PURE_FOLDERS for p in (ROOT / folder).rglob("*.py")
    ),
    "engine/errors.py",
    "engine/cli/parsing.py",
    "engine/events/base.py",
    "engine/events/codec.py",
    "engine/projections/insights.py",
    "engine/projections/drift.py",
    "engine/projections/drift_facts.py",
    "engine/projections/practice.py",
    "engine/projections/projection.py",
    "engine/projections/marks.py",
    "engine/projections/spans.py",
    "engine/projections/streak_slots.py",
    "engine/projections/streak_tally.py",
    "engine/projections/streaks.py",
    "engine/projections/strength.py",
    "engine/web/http.py",
]
IMPURE_IMPORTS = {"sqlalchemy", "click", "os", "alembic", "waitress", "psycopg", "sqlite3"}


def test_the_public_surface_is_exactly_what_all_lists() -> None:
    public = {name for name in dir(engine) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(engine, name)).__name__ == "module"}
    assert set(engine.__all__) == public - modules
    assert engine.__all__ == sorted(engine.__all__, key=lambda n: (n.islower(), n))
    for name in ("Engine", "Settings", "RitualError", "CheckedIn", "RitualView"):
        assert name in engine.__all__


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def _reads_the_clock(tree: ast.AST) -> bool:
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("now", "utcnow", "today")
        and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "self")
        for node in ast.walk(tree)
    )


def test_the_pure_core_does_no_io_and_never_reads_the_clock() -> None:
    for relative in PURE_MODULES:
        tree = ast.parse((ROOT / relative).read_text())
        assert not _imports(tree) & IMPURE_IMPORTS, relative
        assert not _reads_the_clock(tree), relative


def test_the_wheel_lists_every_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "engine").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert listed == found | {"engine._alembic", "engine._alembic.versions"}


def test_the_migrations_folder_never_shadows_the_alembic_library() -> None:
    assert not (ROOT / "alembic" / "__init__.py").exists()
    import alembic

    assert Path(alembic.__file__).parent != ROOT / "alembic"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^(python3 -m venv .*)$", readme, flags=re.MULTILINE)
    assert len(commands) == 2, "the README opens with two commands"
    test_command = commands[1]
    assert "pytest" in test_command
    assert test_command in (ROOT / ".ci" / "run").read_text()


def test_the_source_distribution_carries_the_license_and_the_tests() -> None:
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    manifest = (ROOT / "MANIFEST.in").read_text().splitlines()
    assert "graft tests" in manifest
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == "MIT"
