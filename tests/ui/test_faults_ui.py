"""Network faults during a run in the real window: a partial report, errors with
suggestions and Retry, a window that keeps painting, and every driver closed."""

from __future__ import annotations

import asyncio
import time

import pytest
from PySide6.QtCore import QTimer

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.extraction.progress import ProgressEvent
from neosense_desktop.core.profiles import Profile
from tests.fault_proxy import FaultProxy
from tests.neo4j_support import GraphFixture
from tests.ui.window_support import RecordingClients, open_window

pytestmark = pytest.mark.neo4j


class Heartbeat:
    """A 5 ms timer on the GUI thread; gaps between ticks are event-loop stalls."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.last = time.monotonic()
        self.max_gap = 0.0
        self.ticks = 0
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.monotonic()
        self.max_gap = max(self.max_gap, now - self.last)
        self.last = now
        self.ticks += 1

    def __enter__(self) -> Heartbeat:
        self.last = time.monotonic()
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()


@pytest.mark.parametrize("fault", ["reset", "blackhole"])
async def test_connection_fault_mid_run_in_the_window(graph: GraphFixture, fault: str) -> None:
    graph.run("UNWIND range(1, 10000) AS i CREATE (:Item {i: i})-[:NEXT]->(:Tag {t: i % 50})")
    port = int(graph.server.uri.rsplit(":", 1)[1])
    with FaultProxy(port) as proxy:
        clients = RecordingClients()
        async with open_window(clients=clients) as window:
            profile = Profile(
                name="Through proxy",
                connection=ConnectionSettings(
                    uri=proxy.uri, user=graph.server.user, connection_timeout_s=3
                ),
            )
            await window.profiles.save_profile(profile, graph.server.password)
            window.runs.query_timeout.setValue(8)
            fired = False
            original = window.runs.panel.on_progress

            def on_progress(event: ProgressEvent) -> None:
                nonlocal fired
                original(event)
                if event.state == "running" and not fired:
                    fired = True
                    proxy.refuse_new = True
                    if fault == "blackhole":
                        proxy.blackhole = True
                    else:
                        proxy.reset()

            window.runs.panel.on_progress = on_progress  # type: ignore[method-assign]
            t0 = time.monotonic()
            with Heartbeat() as beat:
                window.runs.run_clicked()
                run_task = window.tasks.get("run")
                assert run_task is not None
                done, _ = await asyncio.wait({run_task}, timeout=40)
                if not done:
                    import sys

                    run_task.print_stack(file=sys.stderr)
                    raise AssertionError("the run task did not end")
            elapsed = time.monotonic() - t0
            assert fired
            assert window.results.report is not None, window.runs.panel.status.text()
            failed = [
                n for n, a in window.results.report.activities.items() if a.status.value == "failed"
            ]
            assert failed
            for name in failed:
                row = window.runs.panel.rows[name]
                assert row.retry.isVisibleTo(window.runs.panel)
                assert "•" in row.error.text()  # suggestions are shown
            assert elapsed < 8 + 3 + 5 + 20, elapsed  # timeouts plus slack, never a hang
            assert beat.ticks > 0 and beat.max_gap < 2.0, beat.max_gap
            assert all(not c.driver_open for c in clients.clients)
            assert graph.server.password not in window.log_panel.text.toPlainText()
