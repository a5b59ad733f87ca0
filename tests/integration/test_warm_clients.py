"""WarmClients against the real server: runs share one driver, and every reason to drop it
(a changed password or setting, a connect error, idle time, quit, an edited profile) drops
it. Nothing is faked."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from neosense_desktop.core.client_pool import WarmClients
from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.graph_client import GraphClient
from neosense_desktop.core.probe import probe_connection
from neosense_desktop.core.report import Report
from tests.integration.engine_support import settings_for
from tests.neo4j_support import GraphFixture

pytestmark = pytest.mark.neo4j

OPTIONS = RunOptions(mode="exact")


class MadeClients:
    """The pool's make_client: the real GraphClient, remembered so the test can look at
    the drivers the pool opened."""

    def __init__(self) -> None:
        self.clients: list[GraphClient] = []

    def __call__(self, settings: ConnectionSettings, password: str) -> GraphClient:
        client = GraphClient(settings, password)
        self.clients.append(client)
        return client


async def _pooled_run(pool: WarmClients, settings: ConnectionSettings, password: str) -> Report:
    async with ExtractionRun(settings, password, OPTIONS, client_lease=pool.lease) as run:
        return await run.run()


def _metadata(report: Report) -> dict[str, Any]:
    """The report without what differs between any two runs: ids, times, durations."""
    data = report.model_dump(mode="json", exclude={"run"})
    data["activities"] = {k: v["status"] for k, v in data["activities"].items()}
    # Index usage is server state that moves on its own (the runs' reads, the server's
    # periodic usage statistics): its counters, the index_never_read findings and the score
    # parts they weigh on differ between any two runs, pooled or not.
    for index in data["indexes"]:
        index.pop("read_count")
        index.pop("last_read")
    quality = data["quality"]
    quality["findings"] = [f for f in quality["findings"] if f["code"] != "index_never_read"]
    for derived in ("score", "parts", "deductions"):
        quality.pop(derived)
    return data


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_two_runs_share_one_driver_and_report_as_a_fresh_one(graph: GraphFixture) -> None:
    graph.load_fixture("engine_mixed.cypher")
    graph.run("CALL db.awaitIndexes(60)")  # a populating index would change the second report
    settings, password = settings_for(graph.server), graph.server.password
    made = MadeClients()
    pool = WarmClients(make_client=made)
    try:
        first = await _pooled_run(pool, settings, password)
        assert len(made.clients) == 1 and made.clients[0].driver_open  # the run did not close it
        driver = made.clients[0].driver
        second = await _pooled_run(pool, settings, password)
        assert len(made.clients) == 1 and made.clients[0].driver is driver
        assert (pool.counts.opened, pool.counts.reused, pool.counts.dropped) == (1, 1, 0)
    finally:
        await pool.close_all()
    async with ExtractionRun(settings, password, OPTIONS) as run:  # its own, fresh driver
        fresh = await run.run()
    assert all(a.status.value == "succeeded" for a in second.activities.values())
    assert _metadata(first) == _metadata(fresh)
    assert _metadata(second) == _metadata(fresh)
    assert second.run.id != first.run.id


async def test_changed_password_or_settings_get_a_new_client(graph: GraphFixture) -> None:
    settings, password = settings_for(graph.server), graph.server.password
    made = MadeClients()
    pool = WarmClients(make_client=made)
    try:
        async with pool.lease(settings, password) as client:
            await probe_connection(client)
        async with pool.lease(settings, password) as client:  # the same: reused
            await probe_connection(client)
        assert len(made.clients) == 1

        # Same settings, another password: never the old driver, which is closed.
        with pytest.raises(NeoSenseError) as refused:
            async with pool.lease(settings, password + "-changed") as client:
                await probe_connection(client)
        assert refused.value.code is ErrorCode.AUTH_FAILED
        assert len(made.clients) == 2 and not made.clients[0].driver_open

        # Another setting (as an edited profile would have): a client of its own.
        longer = settings.model_copy(update={"connection_timeout_s": 7.0})
        async with pool.lease(settings, password) as client:
            await probe_connection(client)
        async with pool.lease(longer, password) as client:
            await probe_connection(client)
        assert len(made.clients) == 4
        assert made.clients[2].settings == settings and made.clients[3].settings == longer
        assert len(pool) == 2
    finally:
        await pool.close_all()


async def test_connect_errors_drop_the_client(graph: GraphFixture) -> None:
    settings, password = settings_for(graph.server), graph.server.password
    made = MadeClients()
    pool = WarmClients(make_client=made)
    try:
        # A run refused by the server: raised, and its driver closed and out of the pool.
        with pytest.raises(NeoSenseError) as refused:
            await _pooled_run(pool, settings, "not-the-password")
        assert refused.value.code is ErrorCode.AUTH_FAILED
        assert len(pool) == 0 and not made.clients[0].driver_open

        dead = settings.model_copy(update={"uri": f"bolt://127.0.0.1:{_free_port()}"})
        with pytest.raises(NeoSenseError) as unreachable:
            async with pool.lease(dead, password) as client:
                await probe_connection(client)
        assert unreachable.value.code is ErrorCode.UNREACHABLE
        assert len(pool) == 0 and not made.clients[1].driver_open
        assert pool.counts.dropped == 2

        # The right password afterwards: a new driver, kept.
        report = await _pooled_run(pool, settings, password)
        assert report.server.version and len(pool) == 1 and made.clients[2].driver_open
    finally:
        await pool.close_all()


async def test_an_idle_client_is_dropped_without_another_lease(graph: GraphFixture) -> None:
    settings, password = settings_for(graph.server), graph.server.password
    made = MadeClients()
    pool = WarmClients(make_client=made, idle_limit_s=0.3)
    try:
        async with pool.lease(settings, password) as client:
            await probe_connection(client)
        assert len(pool) == 1 and made.clients[0].driver_open
        # Nothing else touches the pool: its own timer closes the driver.
        for _ in range(100):  # up to 5 s
            if not len(pool):
                break
            await asyncio.sleep(0.05)
        assert len(pool) == 0 and not made.clients[0].driver_open
        async with pool.lease(settings, password) as client:
            await probe_connection(client)
        assert pool.counts.opened == 2 and pool.counts.reused == 0
    finally:
        await pool.close_all()


async def test_close_all_closes_every_driver(graph: GraphFixture) -> None:
    settings, password = settings_for(graph.server), graph.server.password
    made = MadeClients()
    pool = WarmClients(make_client=made)
    for database in ("", "neo4j"):
        async with pool.lease(settings.model_copy(update={"database": database}), password) as c:
            await probe_connection(c)
    assert len(pool) == 2 and all(c.driver_open for c in made.clients)
    await pool.close_all()
    assert len(pool) == 0 and not any(c.driver_open for c in made.clients)


async def test_forget_drops_the_profiles_clients_after_their_leases(graph: GraphFixture) -> None:
    settings, password = settings_for(graph.server), graph.server.password
    made = MadeClients()
    pool = WarmClients(make_client=made)
    other = settings.model_copy(update={"connection_timeout_s": 9.0})
    try:
        async with pool.lease(other, password) as client:
            await probe_connection(client)
        async with pool.lease(settings.model_copy(update={"database": "neo4j"}), password) as c:
            assert await c.read("before-forget", "RETURN 1 AS one") == [{"one": 1}]
            # The profile is edited while a run uses its driver: the run goes on.
            await pool.forget(settings)
            assert len(pool) == 1 and made.clients[1].driver_open
            rows = await c.read("after-forget", "RETURN 1 AS one")
            assert rows == [{"one": 1}]
        assert not made.clients[1].driver_open  # closed once the lease ended
        assert made.clients[0].driver_open and len(pool) == 1  # another connection's: kept
    finally:
        await pool.close_all()
