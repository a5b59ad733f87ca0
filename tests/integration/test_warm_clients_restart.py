"""A server restarted between two runs on a warm driver: the second run must not fail.

Every connection the warm driver holds dies with the restart. A run starts with
verify_connectivity, which the driver always liveness-checks: it discards the dead
connections one by one and opens a new one; the activities' connections are then new or
checked after graph_client.LIVENESS_CHECK_AFTER_S idle.

This test starts and restarts its OWN server (a free port, or NEOSENSE_RESTART_TEST_PORT),
never the shared test server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import neo4j
import pytest

from neosense_desktop.core.client_pool import WarmClients
from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.report import Report
from tests.neo4j_support import run_local, start_own_server, stop_own_server

pytestmark = pytest.mark.neo4j

PASSWORD = os.environ.get("NEOSENSE_NEO4J_PASSWORD", "neosense-test")
OPTIONS = RunOptions(mode="sampled")


def _local(command: str, port: int) -> None:
    done = run_local(command, "--port", str(port))
    if done.returncode != 0:
        raise RuntimeError(f"scripts/neo4j-local {command} failed:\n{done.stderr}")


@pytest.fixture(scope="module")
def restartable_server() -> Iterator[tuple[int, ConnectionSettings]]:
    port, uri = start_own_server("NEOSENSE_RESTART_TEST_PORT")
    settings = ConnectionSettings(uri=uri, user="neo4j", connection_timeout_s=5)
    try:
        with (
            neo4j.GraphDatabase.driver(uri, auth=("neo4j", PASSWORD)) as driver,
            driver.session(database="neo4j") as session,
        ):
            session.run("MATCH (n) DETACH DELETE n").consume()
            session.run(
                "UNWIND range(1, 200) AS i CREATE (:Person {id: i})-[:KNOWS]->(:City {n: i})"
            ).consume()
        yield port, settings
    finally:
        stop_own_server(port)


async def _run(pool: WarmClients, settings: ConnectionSettings) -> Report:
    async with ExtractionRun(settings, PASSWORD, OPTIONS, client_lease=pool.lease) as run:
        return await run.run()


def _failed(report: Report) -> list[str]:
    return [name for name, a in report.activities.items() if a.status.value != "succeeded"]


async def test_a_warm_driver_survives_a_server_restart(
    restartable_server: tuple[int, ConnectionSettings],
) -> None:
    port, settings = restartable_server
    pool = WarmClients()
    try:
        first = await _run(pool, settings)
        assert _failed(first) == [] and first.statistics.node_count == 400
        _local("stop", port)
        _local("start", port)
        second = await _run(pool, settings)  # no error, no failed activity: what the user sees
        assert _failed(second) == [], second.activities
        assert second.statistics.node_count == 400
        # And it was the same warm driver, not a new one after a dropped failure.
        assert (pool.counts.opened, pool.counts.reused, pool.counts.dropped) == (1, 1, 0)
    finally:
        await pool.close_all()
