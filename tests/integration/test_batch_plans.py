"""The batched label reads' query texts and plans on the real server (issue 28): on a server
that scans dynamic labels (2026.08.1) every label group is one fixed text, planned once,
read through the token lookup index; elsewhere (5.26) the static union, also on the index.
Never a scan of every node, with hostile names, for each way a sample is drawn."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from benchmarks.server_work import Recorded, RecordingClient
from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.cypher import escape_name, plans_dynamic_label_scans
from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.graph_client import GraphClient
from tests.integration.engine_support import settings_for
from tests.neo4j_support import TEST_VERSION, GraphFixture

pytestmark = pytest.mark.neo4j

# Small (read whole), big enough to sample, and hostile names.
LABELS = {"Small": 10, "Big`) MATCH (m) //": 3_000, "名 前|<b>": 2_000, "Mid": 400}


def _operators(plan: Mapping[str, Any]) -> list[str]:
    out = [str(plan["operatorType"]).split("@")[0]]
    for child in plan.get("children", []):
        out += _operators(child)
    return out


async def test_label_batches_read_the_label_index_and_repeat_one_text(graph: GraphFixture) -> None:
    for name, count in LABELS.items():
        graph.run(
            f"UNWIND range(1, $n) AS i CREATE (:{escape_name(name)} {{k: i, s: toString(i)}})",
            n=count,
        )
    record: Recorded = []

    def factory(s: ConnectionSettings, password: str, timeout_s: float) -> GraphClient:
        return RecordingClient(s, password, query_timeout_s=timeout_s, record=record)

    options = RunOptions(mode="sampled", sample_size=300, max_concurrent_queries=4)
    settings = settings_for(graph.server)
    async with ExtractionRun(
        settings, graph.server.password, options, client_factory=factory
    ) as run:
        report = await run.run()
    assert {x.name for x in report.labels} == set(LABELS)
    for label in report.labels:
        assert {p.name for p in label.properties} == {"k", "s"}, label.name

    batches = [(c, p) for name, c, p in record if name.startswith("schema.batch")]
    assert len(batches) == 2, [name for name, _, _ in record]
    dynamic = plans_dynamic_label_scans(TEST_VERSION)
    texts = {c for c, _ in batches}
    if dynamic:
        assert len(texts) == 1 and "$(x.name)" in next(iter(texts))
        assert not any(escape_name(name) in c for c, _ in batches for name in LABELS)
    else:
        assert len(texts) == 2
    with graph.server.driver() as driver, driver.session(database="neo4j") as session:
        for cypher, params in batches:
            operators = _operators(session.run("EXPLAIN " + cypher, params).consume().plan)
            assert "AllNodesScan" not in operators, operators
            lookups = [o for o in operators if o in ("NodeByLabelScan", "DynamicLabelNodeLookup")]
            assert lookups, operators
