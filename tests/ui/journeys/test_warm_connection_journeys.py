"""Journeys on the window's warm connection: F5 twice on one profile, and Test connection
then Run, each borrowing the driver the one before opened (core/client_pool.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from neosense_desktop.ui.main_window import MainWindow
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for
from tests.ui.journeys.journey_support import (
    RUN_TIMEOUT_S,
    assert_idle,
    press,
    run_status,
    screenshot,
    wait_run_ends,
)
from tests.ui.window_support import add_profile, open_window

pytestmark = [pytest.mark.neo4j, pytest.mark.keyring]


async def _f5_until_saved(window: MainWindow, saved: int) -> None:
    """F5, then wait as a person does: the run listed under recent runs, Finished shown."""
    await press(window, Qt.Key.Key_F5)
    await wait_for(
        lambda: window.files.recent_list.count() == saved, RUN_TIMEOUT_S, f"{saved} saved runs"
    )
    await wait_run_ends(window)


async def test_journey_f5_twice_reuses_the_connection(graph: GraphFixture) -> None:
    graph.run("CREATE (:Person {name: 'Ada'})-[:KNOWS]->(:Person {name: 'Alan'})")
    async with open_window(pooled=True) as window:
        pool = window.services.clients
        await add_profile(window, graph.server)
        await _f5_until_saved(window, 1)
        first = run_status(window)
        assert (pool.counts.opened, pool.counts.reused) == (1, 0)
        await _f5_until_saved(window, 2)
        second = run_status(window)
        assert first.startswith("Finished") and second.startswith("Finished"), (first, second)
        assert "failed" not in first + second
        # The second run borrowed the driver the first one opened.
        assert (pool.counts.opened, pool.counts.reused, pool.counts.dropped) == (1, 1, 0)
        assert len(pool) == 1
        shown = window.results.report
        assert shown is not None and [label.name for label in shown.labels] == ["Person"]
        assert shown.statistics.node_count == 2
        assert_idle(window)
        await screenshot(window, "f5-twice-warm-connection")
    # Closing the window closed the warm driver.
    assert len(pool) == 0 and pool.counts.dropped == 1


async def test_journey_test_connection_then_run_reuses_it(graph: GraphFixture) -> None:
    graph.run("CREATE (:Robot {serial: 1})")
    async with open_window(pooled=True) as window:
        pool = window.services.clients
        await add_profile(window, graph.server)
        probe = window.profiles
        await press(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
        await wait_for(lambda: probe.probe_label.text().startswith("✓"), 60, "the server")
        assert (pool.counts.opened, pool.counts.reused) == (1, 0)
        await _f5_until_saved(window, 1)
        assert run_status(window).startswith("Finished")
        assert (pool.counts.opened, pool.counts.reused, pool.counts.dropped) == (1, 1, 0)
        assert_idle(window)
        await screenshot(window, "test-connection-then-run-warm")
