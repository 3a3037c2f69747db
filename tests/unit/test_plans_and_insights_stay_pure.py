"""The plan, insight and drift modules are pure: no I/O libraries, no clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE = [
    "engine/events/plans.py",
    "engine/domain/plan.py",
    "engine/domain/plan_progress.py",
    "engine/projections/insights.py",
    "engine/projections/drift.py",
    "engine/projections/drift_facts.py",
]
FORBIDDEN = {"sqlalchemy", "click", "os", "engine.services", "engine.api"}


@pytest.mark.parametrize("path", PURE)
def test_the_module_imports_no_io_and_never_reads_the_clock(path: str) -> None:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN), name
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in ("now", "today", "utcnow"), f"{path} reads the clock"
