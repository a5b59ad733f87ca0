"""Queries in flight against the real server: the processor count the probe reads, the number
the run uses and records, its fallback when the server will not say, and --parallel 1."""

from __future__ import annotations

import logging
import os
from typing import Any

import pytest

from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.extraction.concurrency import auto_concurrency
from neosense_desktop.core.graph_client import GraphClient
from neosense_desktop.core.probe import probe_connection, probe_processors
from neosense_desktop.core.report import Report
from tests.fault_clients import InFlightClient, NoJmxClient, client_factory
from tests.integration.engine_support import settings_for
from tests.neo4j_support import GraphFixture, Neo4jServer

pytestmark = pytest.mark.neo4j


async def test_the_probe_reads_the_servers_processor_count(neo4j_server: Neo4jServer) -> None:
    async with GraphClient(settings_for(neo4j_server), neo4j_server.password) as client:
        processors = await probe_processors(client, None)
        probe = await probe_connection(client)
    # The server runs on this machine: at least one processor, at most the machine's.
    assert processors is not None and 1 <= processors <= (os.cpu_count() or 1)
    assert probe.processors == processors
    assert f"{processors} processors" in probe.summary()


async def _run(graph: GraphFixture, factory: Any = None, **options: Any) -> tuple[Report, str]:
    async with ExtractionRun(
        settings_for(graph.server),
        graph.server.password,
        RunOptions.model_validate(options),
        client_factory=factory,
    ) as run:
        await run.plan()
        line = run.concurrency_text()
        report = await run.run()
    failed = {k: v.error for k, v in report.activities.items() if v.status.value != "succeeded"}
    assert not failed, failed
    return report, line


async def test_an_auto_run_records_and_shows_its_concurrency(graph: GraphFixture) -> None:
    graph.load_fixture("engine_mixed.cypher")
    report, line = await _run(graph, mode="sampled", sample_size=50)
    processors = report.server.processors
    assert processors is not None and processors >= 1
    assert report.run.concurrent_queries == auto_concurrency(processors)
    assert report.run.concurrent_queries_requested == "auto"
    plural = "s" if processors != 1 else ""
    assert line == (
        f"{auto_concurrency(processors)} queries at a time "
        f"(auto; server reports {processors} processor{plural})"
    )


async def test_a_refused_jmx_call_falls_back_to_4_and_the_run_succeeds(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture
) -> None:
    graph.load_fixture("engine_mixed.cypher")
    with caplog.at_level(logging.DEBUG, logger="neosense_desktop.core.probe"):
        report, line = await _run(graph, client_factory(NoJmxClient), mode="sampled")
    assert report.server.processors is None
    assert report.run.concurrent_queries == 4
    assert line == "4 queries at a time (auto; processor count unknown)"
    assert len(report.labels) == 8 and all(x.properties for x in report.labels)
    [record] = [r for r in caplog.records if "processor count unknown" in r.getMessage()]
    assert record.levelno == logging.DEBUG
    assert "dbms.queryJmx" in record.getMessage() and graph.server.uri.split("//")[1] in (
        record.getMessage()
    )
    # Not an error anyone sees: the report has no note or error about it.
    assert not any("processor" in n.lower() or "jmx" in n.lower() for n in report.notes)


def _metadata(report: Report) -> dict[str, Any]:
    """Everything an exact run reads from the data. Left out: the run's own ids and times,
    and the indexes' use (read_count, last_read; and the score's index_never_read findings
    from them), which the previous run's own reads change."""
    data = report.model_dump(
        mode="json",
        include={
            "labels",
            "relationship_types",
            "label_combinations",
            "indexes",
            "constraints",
            "statistics",
        },
    )
    for index in data["indexes"]:
        del index["read_count"], index["last_read"]
    data["findings"] = [
        f.model_dump(mode="json") for f in report.quality.findings if f.code != "index_never_read"
    ]
    return data


async def test_parallel_1_keeps_one_query_in_flight_and_reads_the_same(graph: GraphFixture) -> None:
    graph.load_fixture("engine_mixed.cypher")
    factory = client_factory(InFlightClient)
    InFlightClient.reset()
    one, line = await _run(graph, factory, mode="exact", max_concurrent_queries=1)
    assert InFlightClient.run_queries > 10 and InFlightClient.peak == 1
    assert one.run.concurrent_queries == 1 and one.run.concurrent_queries_requested == 1
    assert line.startswith("1 query at a time (set by the run options; ")
    InFlightClient.reset()
    auto, _ = await _run(graph, factory, mode="exact")
    # Auto really runs queries side by side, and never more than 2 per server processor
    # within [4, 16] (the rule written out here, not taken from the code under test).
    processors = auto.server.processors
    assert processors is not None and processors >= 1
    expected = min(16, max(4, 2 * processors))
    assert auto.run.concurrent_queries == expected
    assert 1 < InFlightClient.peak <= expected
    assert _metadata(one) == _metadata(auto)
