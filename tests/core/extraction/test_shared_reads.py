"""Activities share reads through shared_reads.py only: no activity module, nor any module
it imports in core/extraction, imports another activity's module (value_sample.py once
started quality's key counts, quality.py read statistics' indexes)."""

from __future__ import annotations

import ast
from pathlib import Path

import neosense_desktop.core.extraction as extraction
from neosense_desktop.core.extraction.runner import ACTIVITIES

PACKAGE = extraction.__name__
EXTRACTION_DIR = Path(extraction.__file__).parent
ACTIVITY_MODULES = {fn.__module__.rsplit(".", 1)[1] for fn in ACTIVITIES.values()}


def _imports(module: str) -> set[str]:
    """The core/extraction modules `module` imports (relative or absolute), by name."""
    tree = ast.parse((EXTRACTION_DIR / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                base = node.module
            elif node.level == 0 and node.module and node.module.startswith(PACKAGE + "."):
                base = node.module[len(PACKAGE) + 1 :]
            else:
                continue
            if base is None:  # from . import x
                found.update(a.name for a in node.names)
            else:
                found.add(base.split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + "."):
                    found.add(alias.name[len(PACKAGE) + 1 :].split(".")[0])
    return {m for m in found if (EXTRACTION_DIR / f"{m}.py").exists()}


def _reached(start: str) -> dict[str, str]:
    """Every module `start` reaches through imports, each with the module importing it."""
    seen: dict[str, str] = {}
    todo = [start]
    while todo:
        module = todo.pop()
        for imported in sorted(_imports(module)):
            if imported not in seen and imported != start:
                seen[imported] = module
                todo.append(imported)
    return seen


def test_the_activities_are_the_runner_s_five() -> None:
    expected = ["node_labels", "quality", "relationship_types", "schema", "statistics"]
    assert sorted(ACTIVITY_MODULES) == expected


def test_no_activity_reaches_another_activity_s_module() -> None:
    crossings = [
        f"{activity} reaches {other} (imported by {by})"
        for activity in sorted(ACTIVITY_MODULES)
        for other, by in _reached(activity).items()
        if other in ACTIVITY_MODULES
    ]
    assert crossings == []


def test_the_shared_reads_are_reached_by_the_activities_that_share_them() -> None:
    # The census and indexes by quality and statistics, the key counts by schema (from its
    # value samples) and quality: all through shared_reads.
    for activity in ("quality", "statistics", "schema"):
        assert "shared_reads" in _reached(activity), activity
