"""Names that would break or change a query, round-tripped through a real server."""

from __future__ import annotations

import pytest

from neosense_desktop.core.cypher import escape_name
from neosense_desktop.core.formats.cypher_types import parse_type
from neosense_desktop.core.formats.names import script_name, script_string
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
    "a;MATCH (n) DETACH DELETE n;//",
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


# What the cypher export writes: pure ASCII, `;` and controls and non-ASCII as \uXXXX.
SCRIPT_NAMES = [
    *NASTY,
    "a;MATCH (n) DETACH DELETE n;//",
    "new\nline\r\x1b[2J\x7f\x85",
    "\u202egnp.exe",
    "Ünïcødé 名前 🚀",
    "\\u003B;\\",
]


@pytest.mark.neo4j
def test_script_names_are_read_as_the_same_name(graph: GraphFixture) -> None:
    for n, name in enumerate(SCRIPT_NAMES):
        graph.run(f"CREATE (:{script_name(name)} {{{script_name(name)}: $n}})", n=n)
    labels = {r["label"] for r in graph.run("CALL db.labels()")}
    keys = {r["propertyKey"] for r in graph.run("CALL db.propertyKeys()")}
    assert set(SCRIPT_NAMES) <= labels and set(SCRIPT_NAMES) <= keys
    assert graph.run("MATCH (n) RETURN count(n) AS c") == [{"c": len(SCRIPT_NAMES)}]


@pytest.mark.neo4j
def test_script_strings_are_read_as_the_same_text(graph: GraphFixture) -> None:
    texts = [*SCRIPT_NAMES, "q\"uote'", "\\", '\\"', "\\\\u0022", "x\\u0022 + 1 + \\u0022"]
    for text in texts:
        assert graph.run(f"RETURN {script_string(text)} AS s") == [{"s": text}], text


# Each type's canonical spelling (formats.cypher_types) as the server parses it.
@pytest.mark.neo4j
@pytest.mark.parametrize(
    "text",
    [
        "INT",
        "SIGNED INTEGER",
        "VARCHAR",
        "BOOL",
        "TIMESTAMP WITH TIME ZONE",
        "TIME WITHOUT TIME ZONE",
        "ARRAY<INT NOT NULL>",
        "ANY<FLOAT | DATE>",
        "INTEGER | STRING | LIST<POINT NOT NULL>",
        "ANY VALUE",
        "ANY PROPERTY VALUE",
        "ANY VERTEX",
        "EDGE",
        "MAP NOT NULL",
        "PATH",
        "DURATION",
    ],
)
def test_a_parsed_type_is_written_as_the_server_reads_it(graph: GraphFixture, text: str) -> None:
    written = str(parse_type(text))
    rows = graph.run(f"RETURN 1 IS :: {written} AS one, 1 IS :: {text} AS same")
    assert rows[0]["one"] == rows[0]["same"], written
