"""scripts/neo4j-local: statement splitting, the cypher command, status."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.neo4j_support import GraphFixture, Neo4jServer, _load_splitter


def test_split_statements_respects_quotes_comments_and_lines() -> None:
    split = _load_splitter()
    text = (
        "// a comment; with semicolon\nCREATE (:A {s: 'x;y'});\n\n"
        '/* block; */ MATCH (`we;ird`) RETURN 1;\nRETURN "a\\";b"'
    )
    assert split(text) == [
        (2, "CREATE (:A {s: 'x;y'})"),
        (4, "MATCH (`we;ird`) RETURN 1"),
        (5, 'RETURN "a\\";b"'),
    ]


@pytest.mark.neo4j
def test_status_reports_running(neo4j_server: Neo4jServer) -> None:
    if neo4j_server.port is None:
        pytest.fail("this test needs the server started by scripts/neo4j-local")
    out = neo4j_server.local("status")
    assert out.returncode == 0, out.stderr
    assert neo4j_server.uri in out.stdout


@pytest.mark.neo4j
def test_cypher_command_names_the_failed_statement(
    graph: GraphFixture, neo4j_server: Neo4jServer, tmp_path: Path
) -> None:
    script = tmp_path / "s.cypher"
    script.write_text("CREATE (:Ok1);\nTHIS IS NOT CYPHER;\nCREATE (:Ok2);\n")
    out = neo4j_server.local("cypher", str(script))
    assert out.returncode == 1
    assert "statement 2 (line 2) failed" in out.stderr
    assert graph.run("MATCH (n) RETURN labels(n)[0] AS l") == [{"l": "Ok1"}]
    out = neo4j_server.local("cypher", str(script), "--continue-on-error")
    assert out.returncode == 1
    assert "2/3 statements succeeded" in out.stderr
    assert sorted(r["l"] for r in graph.run("MATCH (n) RETURN labels(n)[0] AS l")) == [
        "Ok1",
        "Ok1",
        "Ok2",
    ]
