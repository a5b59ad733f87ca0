"""Journey of the plan warm-up (issue 28): Show plan (Ctrl+P) has the server plan the run's
batch texts while the person reads the plan; F5 cancels what is left of it, so the run
never waits behind a warm-up query, and nothing of it reaches the screen as an error."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from neosense_desktop.ui.run_controller import WARMUP_TASK
from tests.fault_clients import HeldExplainClient, RefusedExplainClient
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for
from tests.ui.journeys.journey_support import (
    assert_idle,
    press,
    screenshot,
    wait_run_ends,
    warmup_ended,
)
from tests.ui.window_support import RecordingClients, add_profile, open_window

pytestmark = [pytest.mark.neo4j, pytest.mark.keyring]

GRAPH = """
UNWIND range(1, 600) AS i
CREATE (:Reading {value: i, at: 'x' + i})-[:OF]->(:`<b>Sensor</b>` {serial: i})
"""


async def _show_plan(window: Any) -> None:
    runs = window.runs
    runs.mode_box.setCurrentIndex(runs.mode_box.findData("sampled"))
    runs.sample_size.setValue(50)
    await press(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    await wait_for(lambda: runs.panel.plan_model.rowCount() > 0, 60, "the plan to show")


async def test_journey_show_plan_warms_then_f5_cancels_the_warmup(graph: GraphFixture) -> None:
    graph.run(GRAPH)
    HeldExplainClient.reset()
    clients = RecordingClients()
    clients.client_class = HeldExplainClient
    async with open_window(clients=clients) as window:
        await add_profile(window, graph.server)
        await _show_plan(window)
        tasks = window.tasks
        await wait_for(lambda: bool(HeldExplainClient.held), 60, "the warm-up's first EXPLAIN")
        assert tasks.running(WARMUP_TASK)
        assert HeldExplainClient.held[0].startswith("warmup.")

        before_run = len(HeldExplainClient.sent)
        await press(window, Qt.Key.Key_F5)
        await wait_for(lambda: not tasks.running(WARMUP_TASK), 10, "the warm-up to stop")
        warmup = tasks.get(WARMUP_TASK)
        assert warmup is not None and warmup.cancelled()
        await wait_run_ends(window)
        assert_idle(window)
        run_queries = HeldExplainClient.sent[before_run:]
        assert run_queries and not any(c.startswith("EXPLAIN ") for c in run_queries)
        assert len(HeldExplainClient.held) == 1  # one at a time, and none after the cancel
        assert not window.error_dialogs
        assert all(r.state == "succeeded" for r in window.runs.panel.rows.values())
        await screenshot(window, "plan-warmup-then-f5")


async def test_journey_another_profile_cancels_the_warmup(graph: GraphFixture) -> None:
    graph.run(GRAPH)
    HeldExplainClient.reset()
    clients = RecordingClients()
    clients.client_class = HeldExplainClient
    async with open_window(clients=clients) as window:
        await add_profile(window, graph.server, "First")
        await add_profile(window, graph.server, "Second")
        profiles = window.profiles.profile_list
        profiles.setCurrentRow(0)
        await _show_plan(window)
        tasks = window.tasks
        await wait_for(lambda: bool(HeldExplainClient.held), 60, "the warm-up's first EXPLAIN")
        assert tasks.running(WARMUP_TASK)
        await press(profiles, Qt.Key.Key_Down)
        await wait_for(lambda: profiles.currentRow() == 1, 10, "the second profile selected")
        await wait_for(lambda: not tasks.running(WARMUP_TASK), 10, "the warm-up to stop")
        warmup = tasks.get(WARMUP_TASK)
        assert warmup is not None and warmup.cancelled()
        assert not window.error_dialogs
        assert_idle(window)


async def test_journey_show_plan_warms_the_run_texts_in_full(graph: GraphFixture) -> None:
    """Left alone, the warm-up plans every batch text of the shown plan and ends quietly."""
    graph.run(GRAPH)
    async with open_window() as window:
        await add_profile(window, graph.server)
        await _show_plan(window)
        tasks = window.tasks
        await wait_for(
            lambda: warmup_ended(window),
            60,
            "the warm-up to end",
        )
        warmup = tasks.get(WARMUP_TASK)
        assert warmup is not None and not warmup.cancelled()
        assert warmup.result() >= 2  # a label batch and a type batch at least
        assert not window.error_dialogs
        assert window.runs.run_button.isEnabled()
        await screenshot(window, "plan-warmup-done")


async def test_journey_a_failing_warmup_is_never_the_users_error(graph: GraphFixture) -> None:
    """Every EXPLAIN refused: the warm-up ends having planned nothing, no error reaches the
    screen, and F5 runs as before."""
    graph.run(GRAPH)
    clients = RecordingClients()
    clients.client_class = RefusedExplainClient
    async with open_window(clients=clients) as window:
        await add_profile(window, graph.server)
        await _show_plan(window)
        tasks = window.tasks
        await wait_for(
            lambda: warmup_ended(window),
            60,
            "the warm-up to end",
        )
        warmup = tasks.get(WARMUP_TASK)
        assert warmup is not None and not warmup.cancelled() and warmup.result() == 0
        assert not window.error_dialogs
        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        assert not window.error_dialogs
        assert all(r.state == "succeeded" for r in window.runs.panel.rows.values())
        await screenshot(window, "plan-warmup-refused-then-f5")
