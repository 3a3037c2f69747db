"""The suite passes on every day of the week: no test reads the real clock.

Every moment in a test comes from a fixed clock. These checks read the test sources:
no call of ``now``, ``utcnow``, ``today`` or ``time`` on ``datetime``, ``date`` or ``time``,
no ``Engine.open`` without ``clock=``, and no in-process CLI run without ``obj=`` (the
CLI's clock seam, see ``tests/moments.py``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
CLOCK_READS = {"now", "utcnow", "today", "time"}
CLOCK_OWNERS = {"datetime", "date", "time"}


def _sources() -> Iterator[tuple[str, ast.AST]]:
    for path in sorted(TESTS.rglob("*.py")):
        yield str(path.relative_to(TESTS)), ast.parse(path.read_text())


def _calls(tree: ast.AST) -> Iterator[ast.Call]:
    return (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def test_no_test_reads_the_real_clock() -> None:
    found = [
        f"{where}:{call.lineno}"
        for where, tree in _sources()
        for call in _calls(tree)
        if isinstance(call.func, ast.Attribute)
        and call.func.attr in CLOCK_READS
        and _name(call.func.value) in CLOCK_OWNERS
    ]
    assert found == []


def test_every_engine_a_test_opens_has_a_fixed_clock() -> None:
    found = [
        f"{where}:{call.lineno}"
        for where, tree in _sources()
        for call in _calls(tree)
        if isinstance(call.func, ast.Attribute)
        and call.func.attr == "open"
        and _name(call.func.value) == "Engine"
        and not any(k.arg == "clock" for k in call.keywords)
    ]
    assert found == []


def test_every_in_process_cli_run_passes_the_clock_seam() -> None:
    found = [
        f"{where}:{call.lineno}"
        for where, tree in _sources()
        for call in _calls(tree)
        if isinstance(call.func, ast.Attribute)
        and call.func.attr == "invoke"
        and call.args
        and _name(call.args[0]) == "cli"
        and not any(k.arg == "obj" for k in call.keywords)
    ]
    assert found == []
