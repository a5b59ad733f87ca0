"""The cypher export of a hostile hand-made report, run the ways people run scripts: by the
real cypher-shell (`--fail-at-end`, so a failing statement does not stop the rest), and by a
tool that splits the script on every `;`. On a database holding a sentinel node, nothing but
the export's own CREATE statements may run, and the items they create carry exactly the
report's names (the script writes `;`, backslashes, controls and all non-ASCII as \\uXXXX
escapes, which the server decodes).

cypher-shell comes from Maven Central (org.neo4j:cypher-shell) through
`scripts/neo4j-local cypher-shell`, cached under .neo4j/tools/ like the server's jars.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import neo4j
import pytest

from neosense_desktop.core.formats import save_as
from tests.hostile_reports import (
    LEGIT_CONSTRAINTS,
    LEGIT_INDEXES,
    REFUSED_BY_SERVER,
    hostile_report,
)
from tests.neo4j_support import NEO4J_LOCAL, GraphFixture


def _cypher_shell(graph: GraphFixture, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "NEO4J_USERNAME": graph.server.user,
        "NEO4J_PASSWORD": graph.server.password,
    }
    shell = [sys.executable, str(NEO4J_LOCAL), "cypher-shell", "--address", graph.server.uri]
    return subprocess.run(
        [*shell, "--", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )


def _plant_sentinel(graph: GraphFixture) -> None:
    graph.run("CREATE (:Sentinel {keep: true})")


def _assert_only_the_legit_items_ran(graph: GraphFixture) -> None:
    assert graph.run("MATCH (n) RETURN count(n) AS all, count(n:Sentinel) AS kept") == [
        {"all": 1, "kept": 1}
    ], "the sentinel node was touched"
    graph.run("CALL db.awaitIndexes(120)")
    indexes = {
        r["name"]: r
        for r in graph.run(
            "SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, options, "
            "owningConstraint WHERE type <> 'LOOKUP' AND owningConstraint IS NULL RETURN *"
        )
    }
    assert set(indexes) == {name for name, *_ in LEGIT_INDEXES}, sorted(indexes)
    for name, kind, entity, on, props, options in LEGIT_INDEXES:
        row = indexes[name]
        assert (row["type"], row["entityType"], row["labelsOrTypes"], row["properties"]) == (
            kind,
            entity,
            on,
            props,
        ), name
        config = row["options"]["indexConfig"]  # type: ignore[index]
        for key, value in options.get("indexConfig", {}).items():
            assert config[key] == value, (name, key, config)
    constraints = {
        r["name"]: r
        for r in graph.run(
            "SHOW CONSTRAINTS YIELD name, entityType, labelsOrTypes, properties RETURN *"
        )
    }
    assert set(constraints) == {name for name, *_ in LEGIT_CONSTRAINTS}, sorted(constraints)
    for name, _kind, entity, on, props in LEGIT_CONSTRAINTS:
        row = constraints[name]
        assert (row["entityType"], row["labelsOrTypes"], row["properties"]) == (
            entity,
            [on],
            props,
        ), name


@pytest.mark.neo4j
def test_cypher_shell_runs_a_hostile_reports_export_without_harm(
    graph: GraphFixture, tmp_path: Path
) -> None:
    _plant_sentinel(graph)
    script = save_as(hostile_report(), tmp_path / "schema.cypher", "cypher")
    done = _cypher_shell(graph, "--fail-at-end", "--format", "plain", "-f", str(script))
    # One statement fails, and only that one: the fulltext index whose analyzer is the
    # payload, written as a string (a value), which the server refuses as an analyzer.
    assert done.returncode == 1, done.stdout + done.stderr
    assert "analyzer" in done.stderr.lower(), done.stderr
    assert done.stderr.count("CREATE ") <= 1 and REFUSED_BY_SERVER.name in done.stderr
    _assert_only_the_legit_items_ran(graph)
    # A second run re-creates nothing and harms nothing.
    again = _cypher_shell(graph, "--fail-at-end", "--format", "plain", "-f", str(script))
    assert again.returncode == 1, again.stderr
    _assert_only_the_legit_items_ran(graph)


@pytest.mark.neo4j
def test_a_naive_split_on_semicolons_runs_only_the_exports_statements(
    graph: GraphFixture, tmp_path: Path
) -> None:
    _plant_sentinel(graph)
    script = save_as(hostile_report(), tmp_path / "schema.cypher", "cypher")
    failed: list[str] = []
    for piece in script.read_text(encoding="utf-8").split(";"):
        code = [line for line in piece.splitlines() if line and not line.startswith("//")]
        if not code:
            continue  # what is left after the last `;`: comments
        try:
            graph.run(piece)
        except neo4j.exceptions.Neo4jError:
            failed.append(piece)
    assert len(failed) == 1 and f"INDEX `{REFUSED_BY_SERVER.name}`" in failed[0], failed
    _assert_only_the_legit_items_ran(graph)
