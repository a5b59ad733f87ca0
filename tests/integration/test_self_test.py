"""`neosense-desktop --self-test` from the source tree (CI also runs it on the frozen app)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.neo4j_support import TEST_VERSION, GraphFixture, Neo4jServer


@pytest.mark.neo4j
@pytest.mark.keyring
@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_self_test_passes_against_the_real_server(
    graph: GraphFixture, neo4j_server: Neo4jServer, scheme: str
) -> None:
    graph.run("CREATE (:Person {name: 'Ada'})-[:KNOWS]->(:Person {name: 'Alan'})")
    env = dict(
        os.environ,
        NEO4J_URI=neo4j_server.uri.replace("bolt://", f"{scheme}://"),
        NEO4J_USERNAME=neo4j_server.user,
        NEO4J_PASSWORD=neo4j_server.password,
        QT_QPA_PLATFORM="offscreen",
    )
    out = subprocess.run(
        [sys.executable, "-m", "neosense_desktop", "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    lines = [x for x in out.stdout.splitlines() if x.startswith("self-test:")]
    assert f"self-test: server: ok - Neo4j {TEST_VERSION}, CYPHER 5, {scheme}://" in lines, lines
    assert any("extraction: ok - 1 labels, 1 types" in x for x in lines), lines
    assert any("report matches schema: ok" in x for x in lines), lines
    assert "self-test: driver codec: ok - rust" in lines, lines  # neo4j-rust-ext installed
    assert lines[-1].startswith("self-test: done: ok")
    assert neo4j_server.password not in out.stdout + out.stderr


def test_self_test_without_environment_says_what_to_set() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    out = subprocess.run(
        [sys.executable, "-m", "neosense_desktop", "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1
    assert "set NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD" in out.stdout
