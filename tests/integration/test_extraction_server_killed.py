"""A server killed mid-run: the run returns a partial report with the failed activities.

This test starts and kills its OWN server (a free port, or NEOSENSE_KILL_TEST_PORT), never the
shared test server.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator

import neo4j
import pytest

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from tests.neo4j_support import instance_home, start_own_server, stop_own_server

pytestmark = pytest.mark.neo4j

PASSWORD = os.environ.get("NEOSENSE_NEO4J_PASSWORD", "neosense-test")


def _pid(port: int) -> int:
    return int((instance_home(port) / "run" / "neosense-neo4j.pid").read_text())


@pytest.fixture
def doomed_server() -> Iterator[tuple[int, str]]:
    port, uri = start_own_server("NEOSENSE_KILL_TEST_PORT")
    try:
        # CALL ... IN TRANSACTIONS needs an auto-commit transaction: session.run.
        with (
            neo4j.GraphDatabase.driver(uri, auth=("neo4j", PASSWORD)) as driver,
            driver.session(database="neo4j") as session,
        ):
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()
            session.run(
                "UNWIND range(1, 100000) AS i CALL (i) { CREATE (:Big {i: i, s: toString(i)})"
                "-[:NEXT]->(:Small {i: i}) } IN TRANSACTIONS OF 50000 ROWS"
            ).consume()
        yield port, uri
    finally:
        stop_own_server(port)


async def test_server_killed_mid_run_gives_a_partial_report(
    doomed_server: tuple[int, str],
) -> None:
    port, uri = doomed_server
    settings = ConnectionSettings(uri=uri, user="neo4j", connection_timeout_s=3)
    run = ExtractionRun(settings, PASSWORD, RunOptions(mode="exact", query_timeout_s=30))
    task = asyncio.create_task(run.run())
    watcher = neo4j.GraphDatabase.driver(uri, auth=("neo4j", PASSWORD))
    try:
        in_flight = []
        for _ in range(600):
            records, _, _ = await asyncio.to_thread(
                watcher.execute_query,
                # The marker is a parameter, so this query's own text does not match it.
                "SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS $marker "
                "AND currentQuery CONTAINS 'MATCH' RETURN currentQuery",
                marker="/* neosense-run:",
            )
            in_flight = [r["currentQuery"] for r in records]
            if in_flight or task.done():
                break
            await asyncio.sleep(0.05)
        assert in_flight and not task.done(), "no activity query was seen running"
    finally:
        watcher.close()
    os.kill(_pid(port), signal.SIGKILL)

    report = await asyncio.wait_for(task, timeout=120)  # returns, never raises

    statuses = {k: v.status.value for k, v in report.activities.items()}
    failed = {k: v for k, v in report.activities.items() if v.status.value == "failed"}
    assert failed, statuses
    for name, result in failed.items():
        assert result.error is not None
        assert result.error.code in ("connection_lost", "unreachable", "timeout"), (name, result)
        assert result.error.context["activity"] == name
        assert result.error.suggestions
    assert set(statuses.values()) <= {"succeeded", "failed"}
    assert report.server.address == f"127.0.0.1:{port}"
    assert report.run.finished_at is not None
    assert run._client is None  # the driver was closed
