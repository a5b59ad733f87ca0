"""A generated 10k graph, bulk-imported into a real server, is what its ground truth says.

Uses its own scripts/neo4j-local server on a free port (or NEOSENSE_GRAPHGEN_PORT), because the
import replaces the whole neo4j database; the server is stopped afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest

from benchmarks import bench
from benchmarks import coverage as cov
from benchmarks.graphgen import generate
from benchmarks.graphload import load, loaded_graph, neo4j_local
from tests.neo4j_support import TEST_VERSION, claim_instance, server_port, stop_own_server


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Any], Any]]:
    out: Path = tmp_path_factory.mktemp("graph10k")
    truth = generate(10_000, 42, out)
    # graphload runs scripts/neo4j-local in this process: give it the version under test.
    saved = os.environ.get("NEOSENSE_NEO4J_VERSION")
    os.environ["NEOSENSE_NEO4J_VERSION"] = TEST_VERSION
    nl = neo4j_local()
    port = server_port("NEOSENSE_GRAPHGEN_PORT")
    try:
        timings = load(out, port, heap="768m", pagecache="256m", log=lambda _m: None)
        claim_instance(port)
        assert loaded_graph(port) == "v1-n10000-s42"
        assert timings["import_s"] > 0
        driver = neo4j.GraphDatabase.driver(
            f"bolt://127.0.0.1:{port}",
            auth=("neo4j", nl._password()),
            notifications_min_severity="OFF",
        )
        yield truth, driver
        driver.close()
    finally:
        stop_own_server(port)
        if saved is None:
            os.environ.pop("NEOSENSE_NEO4J_VERSION", None)
        else:
            os.environ["NEOSENSE_NEO4J_VERSION"] = saved


def _rows(driver: Any, cypher: str) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(cypher, database_="neo4j")
    return [r.data() for r in records]


@pytest.mark.neo4j
def test_counts_and_patterns_match(imported: tuple[dict[str, Any], Any]) -> None:
    truth, driver = imported
    assert _rows(driver, "MATCH (n) RETURN count(n) AS c")[0]["c"] == truth["nodes"]
    labels = _rows(driver, "MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS c")
    assert {r["l"]: r["c"] for r in labels} == {x["name"]: x["count"] for x in truth["labels"]}
    types = _rows(driver, "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c")
    assert {r["t"]: r["c"] for r in types} == {
        x["name"]: x["count"] for x in truth["relationship_types"]
    }
    patterns = _rows(
        driver,
        "MATCH (a)-[r]->(b) "
        "WITH coalesce(nullif(labels(a), []), [null]) AS la, type(r) AS t, "
        "     coalesce(nullif(labels(b), []), [null]) AS lb "
        "UNWIND la AS x UNWIND lb AS y RETURN x, t, y, count(*) AS c",
    )
    assert {(r["x"], r["t"], r["y"]): r["c"] for r in patterns} == {
        (p["start"], p["type"], p["end"]): p["count"] for p in truth["patterns"]
    }
    orphans = _rows(driver, "MATCH (n) WHERE NOT (n)--() RETURN count(n) AS c")[0]["c"]
    assert orphans == truth["statistics"]["orphan_nodes"]
    unlabeled = _rows(driver, "MATCH (n) WHERE size(labels(n)) = 0 RETURN count(n) AS c")
    assert unlabeled[0]["c"] == truth["unlabeled"]["count"]
    top = _rows(driver, "MATCH (n) RETURN max(COUNT { (n)--() }) AS m")[0]["m"]
    assert top == truth["statistics"]["max_degree"]


@pytest.mark.neo4j
def test_value_types_as_cypher_sees_them(imported: tuple[dict[str, Any], Any]) -> None:
    truth, driver = imported
    rows = _rows(
        driver,
        "MATCH (n) UNWIND labels(n) AS l UNWIND keys(n) AS k "
        "RETURN l, k, valueType(n[k]) AS t, count(*) AS c",
    )
    seen = {(r["l"], r["k"], cov.normalize_type(r["t"])): r["c"] for r in rows}
    want = {
        (x["name"], p["name"], t): c
        for x in truth["labels"]
        for p in x["properties"]
        for t, c in p["type_counts"].items()
    }
    assert seen == want
    rows = _rows(
        driver,
        "MATCH ()-[r]->() UNWIND keys(r) AS k RETURN type(r) AS t, k, "
        "valueType(r[k]) AS vt, count(*) AS c",
    )
    seen = {(r["t"], r["k"], cov.normalize_type(r["vt"])): r["c"] for r in rows}
    want = {
        (x["name"], p["name"], t): c
        for x in truth["relationship_types"]
        for p in x["properties"]
        for t, c in p["type_counts"].items()
    }
    assert seen == want


@pytest.mark.neo4j
def test_indexes_and_constraints_are_online(imported: tuple[dict[str, Any], Any]) -> None:
    truth, driver = imported
    indexes = {
        r["name"]: r
        for r in _rows(driver, "SHOW INDEXES YIELD name, type, state, labelsOrTypes, properties")
    }
    for item in truth["indexes"]:
        got = indexes[item["name"]]
        assert (got["type"], got["state"]) == (item["type"], "ONLINE")
        assert got["labelsOrTypes"] == item["labels_or_types"]
        assert got["properties"] == item["properties"]
    constraints = {r["name"]: r for r in _rows(driver, "SHOW CONSTRAINTS YIELD name, type")}
    for item in truth["constraints"]:
        assert constraints[item["name"]]["type"] == item["type"]


@pytest.mark.neo4j
def test_builtin_tool_reads_everything_but_patterns(
    imported: tuple[dict[str, Any], Any],
) -> None:
    """The bench's type mapping on real procedure output: builtins are exact, no patterns."""
    truth, driver = imported
    ctx = bench.Context("", "", driver, apoc=False, timeout_s=120, sample=1000)
    got = cov.coverage(bench.tool_builtin(ctx), cov.expected_from_truth(truth))
    assert got == {
        "labels": 1.0,
        "types": 1.0,
        "patterns": 0.0,
        "property_keys": 1.0,
        "value_types": 1.0,
    }
    with pytest.raises(bench.Skip):
        bench.tool_apoc_meta_schema(ctx)
