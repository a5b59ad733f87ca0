"""Names that would break or change a query, round-tripped through a real server."""

from __future__ import annotations

import pytest

from neosense_desktop.core.cypher import escape_name
from tests.neo4j_support import GraphFixture

NASTY = [
    "has space",
    "a`b",
    "``",
    "dot.ted.name",
    "Ünïcødé 名前 🚀",
    "RELATIONSHIP",
    "MATCH",
    "x\\u0060) DETACH DELETE (n",
    "back\\slash",
    "end\\",
    "semi;colon",
    "'quote\"",
    "`) RETURN 1 //",
]


@pytest.mark.neo4j
@pytest.mark.parametrize("name", NASTY)
def test_label_type_and_key_round_trip(graph: GraphFixture, name: str) -> None:
    q = escape_name(name)
    graph.run(f"CREATE (a:{q} {{{q}: 1}})-[:{q} {{{q}: 2}}]->(b:Other)")
    labels = {r["label"] for r in graph.run("CALL db.labels()")}
    types = {r["relationshipType"] for r in graph.run("CALL db.relationshipTypes()")}
    keys = {r["propertyKey"] for r in graph.run("CALL db.propertyKeys()")}
    assert name in labels and name in types and name in keys
    rows = graph.run(
        f"MATCH (a:{q})-[r:{q}]->() RETURN a[$k] AS a, r[$k] AS r, a.{q} AS direct", k=name
    )
    assert rows == [{"a": 1, "r": 2, "direct": 1}]
    # Nothing else was touched: both nodes still exist.
    assert graph.run("MATCH (n) RETURN count(n) AS c") == [{"c": 2}]
