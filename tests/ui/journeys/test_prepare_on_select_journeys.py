"""Journeys of the server preparation (issue 28): selecting a connection has its server
plan the run's texts before F5 (ui/query_preparer.py), shows only "Connected: …", never
asks for anything, never shows an error, gives way to F5, and can be turned off."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QInputDialog

from neosense_desktop.core.profiles import Profile
from neosense_desktop.ui.query_preparer import PREPARE_KEY
from neosense_desktop.ui.run_controller import WARMUP_TASK
from tests.fault_clients import HeldExplainClient
from tests.neo4j_support import GraphFixture, free_port
from tests.ui.helpers import wait_for
from tests.ui.journeys.journey_support import (
    assert_idle,
    press,
    screenshot,
    wait_run_ends,
    warmup_ended,
)
from tests.ui.window_support import RecordingClients, add_profile, open_window, server_settings

pytestmark = [pytest.mark.neo4j, pytest.mark.keyring]

GRAPH = """
UNWIND range(1, 600) AS i
CREATE (:Reading {value: i, at: 'x' + i})-[:OF]->(:`<b>Sensor</b>` {serial: i})
"""


def _password_prompt() -> QInputDialog | None:
    return next(
        (
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QInputDialog) and w.objectName() == "password-dialog"
        ),
        None,
    )


async def test_journey_selecting_a_connection_prepares_its_server(graph: GraphFixture) -> None:
    """Nothing pressed: the status bar comes to say Connected, the server has planned the
    run's texts, the Run tab shows no plan nobody asked for; F5 then runs as ever."""
    graph.run(GRAPH)
    async with open_window(prepare_on_select=True, pooled=True) as window:
        assert window.act_prepare.isChecked()
        await add_profile(window, graph.server)
        status = window.connection_status
        await wait_for(lambda: status.text().startswith("Connected: Neo4j"), 60, "Connected")
        await wait_for(lambda: warmup_ended(window), 60, "the preparation to end")
        task = window.tasks.get(WARMUP_TASK)
        assert task is not None and not task.cancelled()
        assert task.result() >= 2  # a label batch and a type batch at least
        assert window.runs.panel.plan_model.rowCount() == 0
        assert not window.error_dialogs and _password_prompt() is None
        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        assert_idle(window)
        assert all(r.state == "succeeded" for r in window.runs.panel.rows.values())
        assert {label.name for label in window.results.report.labels} == {
            "Reading",
            "<b>Sensor</b>",
        }
        await screenshot(window, "prepared-then-f5")


async def test_journey_f5_while_preparing_comes_first(graph: GraphFixture) -> None:
    """F5 during the preparation cancels it: the run never waits behind an EXPLAIN."""
    graph.run(GRAPH)
    HeldExplainClient.reset()
    clients = RecordingClients()
    clients.client_class = HeldExplainClient
    async with open_window(clients=clients, prepare_on_select=True) as window:
        await add_profile(window, graph.server)
        await wait_for(lambda: bool(HeldExplainClient.held), 60, "the preparation's first EXPLAIN")
        assert window.tasks.running(WARMUP_TASK)
        await press(window, Qt.Key.Key_F5)
        await wait_for(lambda: warmup_ended(window), 10, "the preparation to stop")
        task = window.tasks.get(WARMUP_TASK)
        assert task is not None and task.cancelled()
        await wait_run_ends(window)
        assert len(HeldExplainClient.held) == 1  # one query at a time, and none after the cancel
        assert not window.error_dialogs
        assert all(r.state == "succeeded" for r in window.runs.panel.rows.values())
        await screenshot(window, "preparing-then-f5")


async def test_journey_preparing_never_asks_never_complains(graph: GraphFixture) -> None:
    """A connection whose password is not known is not prepared (no prompt); a dead server
    is not an error: the status bar stays "Not connected", no dialog opens."""
    async with open_window(prepare_on_select=True) as window:
        unknown = Profile(name="No password yet", connection=server_settings(graph.server))
        await window.profiles.save_profile(unknown, "")
        await wait_for(lambda: warmup_ended(window), 30, "the preparation to end")
        task = window.tasks.get(WARMUP_TASK)
        assert task is not None and task.result() == 0
        assert _password_prompt() is None
        assert window.connection_status.text() == "Not connected"

        dead = Profile(
            name="Nobody listens",
            connection=server_settings(graph.server).model_copy(
                update={"uri": f"bolt://127.0.0.1:{free_port()}"}
            ),
        )
        first = task
        await window.profiles.save_profile(dead, graph.server.password)
        await wait_for(
            lambda: window.tasks.get(WARMUP_TASK) is not first and warmup_ended(window),
            60,
            "the dead server's preparation to end",
        )
        task = window.tasks.get(WARMUP_TASK)
        assert task is not None and task.result() == 0
        assert window.connection_status.text() == "Not connected"
        assert not window.error_dialogs and _password_prompt() is None
        await screenshot(window, "preparing-a-dead-server")


async def test_journey_preparation_turned_off_stays_off(graph: GraphFixture) -> None:
    async with open_window(prepare_on_select=True) as window:
        await add_profile(window, graph.server, "First")
        # On: a selection starts the countdown to a preparation at once.
        assert window.preparer.timer.isActive() or window.tasks.get(WARMUP_TASK) is not None
        window.act_prepare.trigger()
        assert not window.act_prepare.isChecked()
        assert not window.preparer.timer.isActive() and not window.tasks.running(WARMUP_TASK)
        started = window.tasks.get(WARMUP_TASK)
        await add_profile(window, graph.server, "Second")
        assert window.profiles.current_profile().name == "Second"
        assert not window.preparer.timer.isActive()
        assert window.tasks.get(WARMUP_TASK) is started
        assert str(QSettings().value(PREPARE_KEY)).lower() == "false"
        await screenshot(window, "preparation-turned-off")


async def test_journey_other_run_options_prepare_again(graph: GraphFixture) -> None:
    """Another mode sends other texts: choosing it prepares the server again."""
    graph.run(GRAPH)
    async with open_window(prepare_on_select=True) as window:
        await add_profile(window, graph.server)
        await wait_for(lambda: warmup_ended(window), 60, "the first preparation to end")
        first = window.tasks.get(WARMUP_TASK)
        mode = window.runs.mode_box
        assert mode.currentData() == "auto"
        mode.setFocus()
        await press(mode, Qt.Key.Key_Down)
        assert mode.currentData() == "exact"
        await wait_for(
            lambda: window.tasks.get(WARMUP_TASK) is not first and warmup_ended(window),
            60,
            "the preparation for Exact to end",
        )
        task = window.tasks.get(WARMUP_TASK)
        assert task is not None and not task.cancelled() and task.result() >= 1
        assert not window.error_dialogs
        await screenshot(window, "prepared-again-for-exact")
