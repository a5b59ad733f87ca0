"""The pre-5.13 path (no valueType(): every entity's property map comes to the client)
streams rows instead of holding them all: measured on the real server, path forced."""

from __future__ import annotations

import logging
import tracemalloc

import pytest

from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from tests.fault_clients import NoSchemaProceduresClient, client_factory
from tests.integration.engine_support import extract, report_schema, settings_for
from tests.neo4j_support import GraphFixture

pytestmark = pytest.mark.neo4j

NODES = 20_000
VALUE_CHARS = 2_000  # 20,000 maps of ~2 kB: ~40 MB if they were all held at once


async def test_legacy_exact_typing_streams_property_maps(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture
) -> None:
    graph.run(
        "UNWIND range(1, $n) AS i "
        "CREATE (:Big {id: i, text: i + $pad})-[:NEXT {w: i * 1.5, note: $pad}]->(:Small {i: i})",
        n=NODES,
        pad="x" * VALUE_CHARS,
    )
    # No valueType() and no db.schema.* procedures: every map is typed on the client.
    tracemalloc.start()
    try:
        with caplog.at_level(logging.DEBUG, logger="neosense_desktop.core.graph_client"):
            async with ExtractionRun(
                settings_for(graph.server),
                graph.server.password,
                RunOptions(mode="exact", activities=["schema"]),
                use_value_type=False,
                client_factory=client_factory(NoSchemaProceduresClient),
            ) as run:
                legacy = await run.run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    ran = {m.split(":")[0].removeprefix("query ") for m in caplog.messages}
    assert {"schema.legacy_scan", "type.legacy_scan"} <= ran, ran
    assert legacy.activities["schema"].status.value == "succeeded"
    (big,) = [label for label in legacy.labels if label.name == "Big"]
    assert {p.name: p.types for p in big.properties} == {"id": ["INTEGER"], "text": ["STRING"]}
    assert all(p.fill_rate == 1.0 and p.observed == NODES for p in big.properties)
    (rel,) = legacy.relationship_types
    assert {p.name: p.types for p in rel.properties} == {"note": ["STRING"], "w": ["FLOAT"]}
    # Holding the 20,000 Big maps alone would take > 40 MB (and the NEXT maps as much again);
    # streamed, at most one fetch of 1,000 rows (~2 MB) is alive at a time.
    assert peak < 16 * 2**20, f"peak traced memory {peak / 2**20:.1f} MiB"
    modern = await extract(graph.server, mode="exact", activities=["schema"])
    assert report_schema(legacy) == report_schema(modern)
