"""Failures stay inside their activity: injected faults, real timeouts, cancel, auth.

Fakes here only inject faults into the real client talking to the real server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest

from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.graph_client import GraphClient, Row
from tests.fault_clients import FailingSchemaClient, SlowCensusClient, client_factory
from tests.integration.engine_support import settings_for
from tests.neo4j_support import GraphFixture

pytestmark = pytest.mark.neo4j

MARKER = "neosense-run:"


class GhostTokenClient(GraphClient):
    """Acts as a server whose db.labels()/db.relationshipTypes() list unused tokens."""

    async def read(
        self,
        query_name: str,
        cypher: str,
        parameters: Mapping[str, Any] | None = None,
        **kw: Any,
    ) -> list[Row]:
        rows = await super().read(query_name, cypher, parameters, **kw)
        if query_name == "tokens.labels":
            rows.append({"label": "Ghost"})
        if query_name == "tokens.types":
            rows.append({"relationshipType": "GONE"})
        return rows


async def test_failed_activity_leaves_others_and_rerun_merges(graph: GraphFixture) -> None:
    graph.load_fixture("engine_mixed.cypher")
    settings = settings_for(graph.server)
    async with ExtractionRun(
        settings,
        graph.server.password,
        RunOptions(mode="exact"),
        client_factory=client_factory(FailingSchemaClient),
    ) as run:
        report = await run.run()
    status = {k: v.status.value for k, v in report.activities.items()}
    assert status == {
        "node_labels": "succeeded",
        "relationship_types": "succeeded",
        "schema": "failed",
        "quality_and_context": "succeeded",
        "statistics_and_indexes": "succeeded",
    }
    err = report.activities["schema"].error
    assert err is not None and err.code == "query_failed"
    assert err.context["activity"] == "schema" and err.context["query"].startswith("schema.")
    assert err.context["uri"] == graph.server.uri and err.suggestions
    assert all(not x.properties for x in report.labels)
    assert any(x.count == 4 for x in report.labels if x.name == "Person")  # node_labels kept
    assert any("schema activity did not succeed" in n for n in report.notes)

    async with ExtractionRun(settings, graph.server.password, RunOptions(mode="exact")) as run:
        merged = await run.rerun_activity(report, "schema")
    assert merged.activities["schema"].status.value == "succeeded"
    assert merged.activities["node_labels"] == report.activities["node_labels"]
    person = next(x for x in merged.labels if x.name == "Person")
    assert {p.name for p in person.properties} >= {"name", "age", "id"}
    assert person.count == 4
    assert report.activities["schema"].status.value == "failed"  # the original is untouched
    assert any("re-run" in n for n in merged.notes)


async def test_real_timeout_fails_only_the_census_users(graph: GraphFixture) -> None:
    graph.load_fixture("engine_mixed.cypher")
    async with ExtractionRun(
        settings_for(graph.server),
        graph.server.password,
        RunOptions(mode="exact"),
        client_factory=client_factory(SlowCensusClient),
    ) as run:
        report = await run.run()
    acts = report.activities
    assert acts["node_labels"].status.value == "succeeded"
    assert acts["schema"].status.value == "succeeded"
    for name in ("quality_and_context", "statistics_and_indexes"):
        err = acts[name].error
        assert acts[name].status.value == "failed" and err is not None
        assert err.code == "timeout", err
        assert any("sampled" in s for s in err.suggestions)
    # What statistics read before the census is still in the report.
    assert report.statistics.node_count == 13
    assert any(i.type == "LOOKUP" for i in report.indexes)


async def test_unused_tokens_are_not_labels(graph: GraphFixture) -> None:
    graph.run("CREATE (:Real)-[:LINK]->(:Real)")
    async with ExtractionRun(
        settings_for(graph.server),
        graph.server.password,
        RunOptions(),
        client_factory=client_factory(GhostTokenClient),
    ) as run:
        report = await run.run()
    assert [x.name for x in report.labels] == ["Real"]
    assert [x.name for x in report.relationship_types] == ["LINK"]
    codes = {(f.code, f.subject) for f in report.quality.findings}
    assert ("unused_label_token", "(:Ghost)") in codes
    assert ("unused_relationship_type_token", "[:GONE]") in codes
    assert any("Ghost" in n for n in report.notes), report.notes


async def test_wrong_password_raises(graph: GraphFixture) -> None:
    async with ExtractionRun(settings_for(graph.server), "not-the-password", RunOptions()) as run:
        with pytest.raises(NeoSenseError) as info:
            await run.run()
    assert info.value.code is ErrorCode.AUTH_FAILED
    assert run.report is None


async def _own_transactions(graph: GraphFixture) -> list[dict[str, object]]:
    return await asyncio.to_thread(
        graph.run,
        "SHOW TRANSACTIONS YIELD transactionId, currentQuery, status "
        "WHERE currentQuery CONTAINS $m RETURN transactionId, currentQuery, status",
        m=MARKER,
    )


async def test_cancel_leaves_no_transaction_on_the_server(graph: GraphFixture) -> None:
    graph.run(
        "UNWIND range(1, 200000) AS i CALL (i) { CREATE (:Big {i: i, s: toString(i), "
        "f: i * 1.5, d: date('2020-01-01')}) } IN TRANSACTIONS OF 50000 ROWS"
    )
    run = ExtractionRun(settings_for(graph.server), graph.server.password, RunOptions(mode="exact"))
    task = asyncio.create_task(run.run())
    seen: list[dict[str, object]] = []
    for _ in range(400):
        seen = await _own_transactions(graph)
        if seen or task.done():
            break
        await asyncio.sleep(0.05)
    assert seen, "the run's queries never showed up on the server"
    assert not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _own_transactions(graph) == []
    assert run.report is not None
    statuses = {v.status.value for v in run.report.activities.values()}
    assert "cancelled" in statuses
    cancelled = [v for v in run.report.activities.values() if v.status.value == "cancelled"]
    assert all(v.error is not None and v.error.code == "cancelled" for v in cancelled)
    assert run._client is None  # the driver was closed
