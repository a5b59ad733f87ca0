"""Supernodes relative to the graph's own degrees: a planted hub is one, a busy tail is not,
and Northwind's Products of degree 43-56 (p99 44) are not; each is named by a property."""

from __future__ import annotations

import pytest

from neosense_desktop.core.extraction.statistics import display_key
from neosense_desktop.core.report import supernode_title
from tests.integration.engine_support import extract
from tests.neo4j_support import GraphFixture

pytestmark = pytest.mark.neo4j


def _plant_hub(graph: GraphFixture) -> None:
    # A chain of 2,000 items (degree 2), 40 busy items (degree ~14: the top 2 %, the tail)
    # and one hub linked to 400 items.
    graph.run("UNWIND range(0, 1999) AS i CREATE (:Item {name: 'item ' + toString(i), code: i})")
    graph.run("MATCH (a:Item), (b:Item) WHERE b.code = a.code + 1 CREATE (a)-[:NEXT]->(b)")
    graph.run(
        "MATCH (a:Item) WHERE a.code < 40 MATCH (b:Item) WHERE b.code >= 1000 + a.code * 12 "
        "AND b.code < 1012 + a.code * 12 CREATE (a)-[:BUSY]->(b)"
    )
    graph.run(
        "CREATE (h:Hub {title: 'The <hub>', id: 7}) WITH h MATCH (i:Item) WHERE i.code % 5 = 0 "
        "CREATE (h)-[:HAS]->(i)"
    )


async def test_a_planted_hub_is_the_one_supernode_and_is_named(graph: GraphFixture) -> None:
    _plant_hub(graph)
    report = await extract(graph.server, mode="exact", values="examples")
    stats = report.statistics
    rule = stats.supernode_rule
    assert rule is not None
    assert rule.p99 >= 12 and rule.threshold == max(2 * rule.p99, 10), rule
    assert "2 × p99" in rule.text and "all nodes" in rule.text
    assert [s.labels for s in stats.supernodes] == [["Hub"]]
    hub = stats.supernodes[0]
    assert hub.degree == 400 and hub.display_key == "title" and hub.display == "The <hub>"
    assert hub.element_id and hub.element_id.startswith("4:")
    assert supernode_title(hub) == "The <hub> :Hub"
    assert rule.nodes_above == 1


async def test_without_examples_no_value_leaves_the_database(graph: GraphFixture) -> None:
    _plant_hub(graph)
    report = await extract(graph.server, mode="exact")  # values 'stats'
    hub = report.statistics.supernodes[0]
    assert hub.display_key == "title" and hub.display is None
    assert supernode_title(hub) == ":Hub"


async def test_northwind_products_are_the_tail_not_supernodes(graph: GraphFixture) -> None:
    graph.load_northwind()
    report = await extract(graph.server, mode="sampled", values="examples")
    stats = report.statistics
    rule = stats.supernode_rule
    assert rule is not None and stats.degree.max == 56 and stats.degree.p99 == 44
    assert rule.threshold == 88 and stats.supernodes == [] and rule.nodes_above == 0


def test_display_key_order() -> None:
    assert display_key(["productName", "categoryID", "name"]) == "name"
    assert display_key(["Title", "companyName"]) == "Title"
    assert display_key(["contactName", "companyName", "id"]) == "companyName"
    assert display_key(["id", "code"]) == "id"
    assert display_key(["zeta", "alpha"]) == "alpha"
    assert display_key([]) is None
