"""The README stays a short door into the docs, and the docs site covers what it promises:
every page in the navigation, every link target present, every public name in the API
reference, the command reference read from the commands, and a strict build in CI."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import engine

if TYPE_CHECKING:
    import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _local_links(page: Path) -> list[str]:
    """The page's Markdown links to files of this repository (no scheme, no pure anchor)."""
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.DOTALL)
    return [
        target.split("#")[0]
        for target in LINK.findall(text)
        if "://" not in target and not target.startswith(("#", "mailto:"))
    ]


def _nav_pages() -> set[str]:
    return set(re.findall(r":\s*([\w./-]+\.md)\s*$", (ROOT / "mkdocs.yml").read_text(), re.M))


def test_the_readme_is_under_250_lines() -> None:
    assert len(README.read_text().splitlines()) < 250


def test_every_link_in_the_readme_leads_to_a_file_that_exists() -> None:
    links = _local_links(README)
    assert all((ROOT / target).exists() for target in links), [
        t for t in links if not (ROOT / t).exists()
    ]
    into_docs = {t for t in links if t.startswith("docs/")}
    assert len(into_docs) >= 15, into_docs
    assert into_docs <= {f"docs/{page}" for page in _nav_pages()}


def test_every_page_is_in_the_navigation_and_every_link_between_pages_exists() -> None:
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert pages == _nav_pages()
    for page in DOCS.rglob("*.md"):
        for target in _local_links(page):
            assert (page.parent / target).resolve().exists(), f"{page}: {target}"


def test_every_public_name_has_a_place_in_the_api_reference() -> None:
    documented = {
        name
        for page in (DOCS / "reference").glob("*.md")
        for name in re.findall(r"^::: engine\.(\w+)\s*$", page.read_text(), re.M)
    }
    assert documented == set(engine.__all__)


def test_the_command_reference_is_generated_from_the_commands_themselves() -> None:
    page = (DOCS / "reference" / "cli.md").read_text()
    block = page[page.index("::: mkdocs-click") :]
    assert ":module: cli" in block
    assert ":command: cli" in block
    assert ":prog_name: ritual" in block


def test_ci_builds_the_docs_strictly_from_the_docs_extra() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    names = {re.split(r"[\[<>=]", spec)[0] for spec in extras["docs"]}
    assert names == {"mkdocs", "mkdocs-material", "mkdocs-click", "mkdocstrings"}
    ci = (ROOT / ".ci" / "run").read_text()
    assert '".[docs]"' in ci
    assert "mkdocs build --strict" in ci
    assert "site/" in (ROOT / ".gitignore").read_text().splitlines()


PRINTED_EXAMPLE = re.compile(
    r"```python\n(.*?)```\s*\nIt prints:\s*\n\s*```text\n(.*?)```", re.DOTALL
)
"""A Python example followed by "It prints:" and the text it prints."""


def test_every_python_example_that_shows_its_output_prints_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    examples = [
        (page, code, shown)
        for page in [README, *DOCS.rglob("*.md")]
        for code, shown in PRINTED_EXAMPLE.findall(page.read_text())
    ]
    assert examples, "the embedding guide shows a host app and what it prints"
    for page, code, shown in examples:
        exec(compile(code, str(page), "exec"), {"__name__": "__docs_example__"})
        assert capsys.readouterr().out == shown, page


def test_the_source_distribution_carries_the_docs_its_tests_read() -> None:
    manifest = (ROOT / "MANIFEST.in").read_text().splitlines()
    assert "graft docs" in manifest
    assert any(line.startswith("include ") and "mkdocs.yml" in line for line in manifest)
