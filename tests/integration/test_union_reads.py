"""read_batched on a real server: parts that share a text are read in one branch per text
(UNWIND ... CALL), and each part still gets exactly its own rows, with hostile names."""

from __future__ import annotations

import logging

import pytest

from neosense_desktop.core.cypher import escape_name
from neosense_desktop.core.extraction.context import Capabilities, RunContext, Sizes
from neosense_desktop.core.extraction.options import RunOptions
from neosense_desktop.core.extraction.union_reads import read_batched
from neosense_desktop.core.graph_client import GraphClient
from tests.integration.engine_support import settings_for
from tests.neo4j_support import TEST_VERSION, GraphFixture

LABEL = "Odd `x` RETURN $tag AS f, 'y' <b>|;"
KEYS = ["plain", "we`ird $tag", "ünï 名", "a;b"]


def _part(label: str) -> str:
    return (
        f"MATCH (n:{escape_name(label)}) WITH n WHERE n[$example_key] IS NOT NULL "
        "RETURN $tag AS f, elementId(n) AS id, n[$example_key] AS value LIMIT 3"
    )


async def test_parts_sharing_a_text_get_their_own_rows(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture
) -> None:
    # Each key on its own nodes (value = key + i), up to 5 nodes; "a;b" on none.
    for n, key in enumerate(KEYS[:3], start=2):
        graph.run(
            f"UNWIND $rows AS row CREATE (x:{escape_name(LABEL)}:Other) SET x += row",
            rows=[{key: f"{key}{i}"} for i in range(1, n + 1)],
        )
    parts = [(_part(LABEL), {"example_key": k}) for k in KEYS] + [
        (_part("Other"), {"example_key": "plain"}),
        (_part("Missing"), {"example_key": "plain"}),
    ]
    caps = Capabilities(
        version=TEST_VERSION,
        edition="community",
        database="neo4j",
        value_type=True,
        apoc=False,
    )
    sizes = Sizes(node_count=9, relationship_count=0, label_counts={}, type_counts={})
    async with GraphClient(settings_for(graph.server), graph.server.password) as client:
        ctx = RunContext(client, RunOptions(mode="exact"), sizes, caps, run_id="t")
        with caplog.at_level(logging.DEBUG, logger="neosense_desktop.core.graph_client"):
            got = await read_batched(ctx, "quality_and_context", "test.examples", parts, batches=1)
    sent = [m for m in caplog.messages if m.startswith("query test.examples:")]
    # One query; the four parts on LABEL share one branch: 3 branches, not 6.
    assert len(sent) == 1 and "2 branches" not in sent[0] and "3 branches" in sent[0], sent
    assert got is not None
    values = [sorted(r["value"] for r in rows or []) for rows in got]
    assert values == [
        ["plain1", "plain2"],
        ["we`ird $tag1", "we`ird $tag2", "we`ird $tag3"],
        ["ünï 名1", "ünï 名2", "ünï 名3"],  # LIMIT 3 of 4, per part
        [],
        ["plain1", "plain2"],
        [],
    ]
    assert all(len(r["id"]) > 0 for rows in got for r in rows or [])
