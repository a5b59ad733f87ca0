"""The llm export against neo4j-graphrag's get_schema() on the same Northwind database.

neo4j-graphrag comes with the bench extra, which .ci/run installs before `make test`, so this
runs there (not in `make test-matrix`: marked `graphrag`, it is version-independent). It is
marked `neo4j`, so with CI set a skip (the package missing) fails the run (tests/conftest.py).
Elsewhere it skips, saying how to install the package; NEOSENSE_REQUIRE_GRAPHRAG=1 turns the
missing package into a failure.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
from types import ModuleType

import pytest

from tests.neo4j_support import REPO, start_own_server, stop_own_server

SCRIPT = REPO / "scripts" / "compare-llm-schema"


def _script() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("compare_llm_schema", str(SCRIPT))
    spec = importlib.util.spec_from_loader("compare_llm_schema", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_comparison_finds_a_missing_line_and_accepts_finer_types() -> None:
    compare = _script().compare
    theirs = (
        "Node properties:\nPerson {name: STRING, tags: LIST, seen: DATE_TIME}\n"
        "Relationship properties:\nKNOWS {since: INTEGER}\n"
        "The relationships:\n(:Person)-[:KNOWS]->(:Person)\n"
    )
    ours = (
        "Node properties:\nPerson {name: STRING NOT NULL, seen: ZONED DATETIME, "
        "tags: LIST<STRING>} // 3 nodes\n"
        "Relationship properties:\nKNOWS {since: INTEGER | STRING} // 2 relationships\n"
        "The relationships:\n(:Person)-[:KNOWS]->(:Person) // 2\n"
    )
    results, missing = compare(ours, theirs)
    assert missing == 0, results
    _, missing = compare(ours.replace("tags: LIST<STRING>", "x: INTEGER"), theirs)
    assert missing == 1
    _, missing = compare(ours.replace("(:Person)-[:KNOWS]->(:Person) // 2", ""), theirs)
    assert missing == 1


@pytest.mark.neo4j
@pytest.mark.graphrag
def test_llm_export_has_every_line_neo4j_graphrag_gives() -> None:
    try:
        import neo4j_graphrag  # noqa: F401
    except ImportError:
        if os.environ.get("NEOSENSE_REQUIRE_GRAPHRAG"):
            pytest.fail("neo4j-graphrag is required here: pip install -e '.[bench]'")
        # .ci/run installs the bench extra before `make test`, so there this test runs.
        pytest.skip(
            "neo4j-graphrag is not installed here: pip install -e '.[bench]' to run this "
            "comparison (.ci/run installs it before `make test`)"
        )
    # The test owns the APOC server; the script finds it running and leaves it be.
    port, _ = start_own_server("NEOSENSE_APOC_TEST_PORT", "--apoc")
    try:
        done = subprocess.run(
            [sys.executable, str(SCRIPT), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        stop_own_server(port)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 missing" in done.stdout
