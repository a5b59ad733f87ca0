"""Faults around a whole extraction run, on the real server through tests/fault_proxy.

Each case must end with a report or a typed error carrying suggestions, within the
configured timeouts, with the run's driver closed. Cancelling works in every phase.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.export import load_report, save_report
from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.extraction.progress import ProgressEvent
from neosense_desktop.core.report import ACTIVITY_NAMES, ActivityStatus
from tests.fault_proxy import FaultProxy
from tests.neo4j_support import GraphFixture, Neo4jServer

pytestmark = pytest.mark.neo4j

LOST = {ErrorCode.CONNECTION_LOST.value, ErrorCode.UNREACHABLE.value, ErrorCode.TIMEOUT.value}


def _port(server: Neo4jServer) -> int:
    return int(server.uri.rsplit(":", 1)[1])


def _settings(uri: str, **kw: object) -> ConnectionSettings:
    return ConnectionSettings.model_validate(
        {"uri": uri, "user": "neo4j", "connection_timeout_s": 3, **kw}
    )


def _fill(graph: GraphFixture, nodes: int = 20_000) -> None:
    graph.run(
        "UNWIND range(1, $n) AS i CREATE (a:Item {i: i, s: toString(i)})"
        "-[:NEXT {w: i % 7}]->(:Tag {t: i % 100})",
        n=nodes // 2,
    )


def _open_transactions(graph: GraphFixture) -> list[str]:
    rows = graph.run("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery")
    return [str(r["currentQuery"]) for r in rows if "neosense-run:" in str(r["currentQuery"])]


async def _run_with_fault(server: Neo4jServer, fault: str) -> tuple[object, float, ExtractionRun]:
    """Run exact mode through a proxy; inject `fault` once the activities are running."""
    with FaultProxy(_port(server)) as proxy:
        loop = asyncio.get_running_loop()
        fired = False

        def on_progress(event: ProgressEvent) -> None:
            nonlocal fired
            if event.state == "running" and not fired:
                fired = True
                proxy.refuse_new = True  # no reconnecting around the fault
                loop.call_later(0.05, getattr(proxy, fault))

        run = ExtractionRun(
            _settings(proxy.uri),
            server.password,
            RunOptions(mode="exact", query_timeout_s=20),
            on_progress=on_progress,
        )
        t0 = time.monotonic()
        async with run:
            outcome: object
            try:
                outcome = await run.run()
            except NeoSenseError as exc:
                outcome = exc
        return outcome, time.monotonic() - t0, run


@pytest.mark.parametrize("fault", ["reset", "cut"])
async def test_connection_dropped_mid_run_gives_a_partial_report(
    graph: GraphFixture, neo4j_server: Neo4jServer, fault: str
) -> None:
    _fill(graph)
    outcome, elapsed, run = await _run_with_fault(neo4j_server, fault)
    assert not isinstance(outcome, NeoSenseError), outcome
    report = outcome
    failed = {
        n: a
        for n, a in report.activities.items()  # type: ignore[attr-defined]
        if a.status is ActivityStatus.FAILED
    }
    assert failed, "the fault reached no activity"
    for activity in failed.values():
        assert activity.error is not None
        assert activity.error.code in LOST, activity.error
        assert activity.error.suggestions
        assert neo4j_server.password not in activity.error.model_dump_json()
    assert elapsed < 20 + 3 + 10, elapsed  # query timeout + connect timeout + slack
    assert run._client is None  # the run's driver is closed
    await asyncio.sleep(0.5)
    assert _open_transactions(graph) == []


async def test_two_seconds_of_latency_slows_but_succeeds(
    graph: GraphFixture, neo4j_server: Neo4jServer
) -> None:
    graph.run("CREATE (:A {x: 1})-[:R]->(:B {y: 'z'})")
    with FaultProxy(_port(neo4j_server)) as proxy:
        proxy.delay_s = 1.0  # each way: 2 s per round trip
        async with ExtractionRun(
            _settings(proxy.uri, connection_timeout_s=15),
            neo4j_server.password,
            RunOptions(mode="exact", query_timeout_s=30),
        ) as run:
            t0 = time.monotonic()
            report = await run.run()
            elapsed = time.monotonic() - t0
    assert {a.status for a in report.activities.values()} == {ActivityStatus.SUCCEEDED}
    assert {label.name for label in report.labels} == {"A", "B"}
    assert elapsed >= 2.0
    assert elapsed < 300, elapsed


async def test_server_down_before_the_run(neo4j_server: Neo4jServer) -> None:
    run = ExtractionRun(_settings("bolt://127.0.0.1:9"), "whatever", RunOptions())
    t0 = time.monotonic()
    with pytest.raises(NeoSenseError) as info:
        async with run:
            await run.run()
    assert info.value.code is ErrorCode.UNREACHABLE
    assert any("running" in s for s in info.value.suggestions)
    assert time.monotonic() - t0 < 3 + 5 + 2
    assert run._client is None


async def test_missing_database(neo4j_server: Neo4jServer) -> None:
    run = ExtractionRun(
        _settings(neo4j_server.uri, database="doesnotexist"), neo4j_server.password, RunOptions()
    )
    with pytest.raises(NeoSenseError) as info:
        async with run:
            await run.run()
    assert info.value.code is ErrorCode.DATABASE_MISSING
    assert info.value.suggestions
    assert run._client is None


async def test_repeated_authentication_failures(
    graph: GraphFixture, neo4j_server: Neo4jServer
) -> None:
    # A user of its own, so the server's lock-out never touches the other tests' user.
    graph.database = "system"
    graph.run("CREATE OR REPLACE USER victim SET PASSWORD 'right-password' CHANGE NOT REQUIRED")
    graph.database = "neo4j"
    codes = []
    t0 = time.monotonic()
    for _ in range(5):
        run = ExtractionRun(
            _settings(neo4j_server.uri, user="victim"), "wrong-password", RunOptions()
        )
        with pytest.raises(NeoSenseError) as info:
            async with run:
                await run.run()
        codes.append(info.value.code)
        assert "wrong-password" not in info.value.user_text()
        assert run._client is None
    assert codes == [ErrorCode.AUTH_FAILED] * 5
    assert time.monotonic() - t0 < 5 * (3 + 5)


# ------------------------------------------------------------------ cancel in each phase


async def _cancel_when(
    run: ExtractionRun, coro_factory: str, trigger: asyncio.Event, delay: float = 0.0
) -> asyncio.Task[object]:
    task: asyncio.Task[object] = asyncio.ensure_future(getattr(run, coro_factory)())
    await asyncio.wait_for(trigger.wait(), timeout=60)
    await asyncio.sleep(delay)
    task.cancel()
    return task


@pytest.mark.parametrize("phase", ["probe", "plan"])
async def test_cancel_during_probe_or_plan(
    graph: GraphFixture, neo4j_server: Neo4jServer, phase: str
) -> None:
    with FaultProxy(_port(neo4j_server)) as proxy:
        if phase == "probe":
            proxy.blackhole = True  # the probe waits on a silent network
        run = ExtractionRun(
            _settings(proxy.uri, connection_timeout_s=30), neo4j_server.password, RunOptions()
        )
        started = asyncio.Event()
        asyncio.get_running_loop().call_later(0.5, started.set)
        if phase == "plan":
            proxy.delay_s = 0.3  # slow enough to be caught mid-plan
        t0 = time.monotonic()
        task = await _cancel_when(run, "plan", started)
        with pytest.raises(asyncio.CancelledError):
            await task
        await run.aclose()
        assert time.monotonic() - t0 < 5, "cancel did not stop the phase promptly"
        assert run._client is None


@pytest.mark.parametrize("activity", ACTIVITY_NAMES)
async def test_cancel_while_each_activity_runs(
    graph: GraphFixture, neo4j_server: Neo4jServer, activity: str
) -> None:
    _fill(graph, 6_000)
    running = asyncio.Event()

    def on_progress(event: ProgressEvent) -> None:
        if event.activity == activity and event.state == "running":
            running.set()

    run = ExtractionRun(
        _settings(neo4j_server.uri),
        neo4j_server.password,
        RunOptions(mode="exact"),
        on_progress=on_progress,
    )
    task = await _cancel_when(run, "run", running)
    with pytest.raises(asyncio.CancelledError):
        await task
    assert run._client is None
    assert run.report is not None
    state = run.report.activities.get(activity)
    assert state is None or state.status in (ActivityStatus.CANCELLED, ActivityStatus.SUCCEEDED)
    await asyncio.sleep(0.5)
    assert _open_transactions(graph) == []


async def test_cancel_during_export_leaves_old_or_new_file_never_half(
    graph: GraphFixture, neo4j_server: Neo4jServer, tmp_path: Path
) -> None:
    graph.load_fixture("engine_mixed.cypher")
    async with ExtractionRun(
        _settings(neo4j_server.uri), neo4j_server.password, RunOptions()
    ) as run:
        report = await run.run()
    target = tmp_path / "r.json"
    save_report(report.model_copy(update={"notes": ["old"]}), target)
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(None, save_report, report, target)
    task = asyncio.ensure_future(asyncio.wait_for(asyncio.shield(future), 10))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await future  # the writer thread finishes on its own; the file is whole either way
    loaded = load_report(target)
    assert loaded.notes in (["old"], report.notes)
    assert sorted(os.listdir(tmp_path)) == ["r.json"]
