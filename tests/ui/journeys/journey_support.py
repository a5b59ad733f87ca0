"""What the journeys share: a person's keys, waiting on what a person sees, screenshots.

A journey drives the real window (app.py's composition, through window_support) only with
key presses, QAction.trigger() or button clicks, and waits only on what is visible: status
texts, enabled states, the current tab, rows. It never awaits the window's coroutines.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from neosense_desktop.core.graph_client import GraphClient, Row
from neosense_desktop.ui.main_window import MainWindow
from neosense_desktop.ui.run_controller import WARMUP_TASK
from tests.neo4j_support import REPO
from tests.ui.helpers import wait_for

SHOTS = REPO / "artifacts" / "journeys"
RUN_TIMEOUT_S = 120.0


async def press(
    widget: QWidget,
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """A key press as a person makes it: on the active window (a closed dialog leaves
    none active offscreen, and Qt delivers shortcuts to the active window only).

    Activation is awaited on the loop, never by processEvents(): spinning Qt's events
    inside a coroutine re-enters the qasync loop and once stranded a task that was drawing
    the schema picture."""
    top = widget.window()
    if not top.isActiveWindow():
        top.activateWindow()
        await wait_for(top.isActiveWindow, 10, "the window to become active")
    QTest.keyClick(widget, key, modifiers)


def run_status(window: MainWindow) -> str:
    return window.runs.panel.status.text()


async def wait_run_ends(window: MainWindow, prefix: str = "Finished") -> None:
    """Until the Run tab says the run ended with prefix, and Run is offered again."""
    await wait_for(
        lambda: run_status(window).startswith(prefix) and window.runs.run_button.isEnabled(),
        RUN_TIMEOUT_S,
        f"the Run tab to say {prefix!r} and Run to be enabled (status: {run_status(window)!r})",
    )


async def wait_running(window: MainWindow) -> None:
    """Until the plan is shown and Cancel is offered: the activities are under way."""
    await wait_for(
        lambda: (
            window.runs.panel.plan_model.rowCount() > 0 and window.runs.cancel_button.isEnabled()
        ),
        RUN_TIMEOUT_S,
        "the plan to show while Cancel is offered",
    )


async def screenshot(window: QWidget, name: str) -> Path:
    await asyncio.sleep(0.2)  # let the last paint land
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert window.grab().save(str(path)), path
    return path


def assert_idle(window: MainWindow) -> None:
    """Run offered, Cancel not: what a person sees once nothing runs."""
    assert window.runs.run_button.isEnabled() and window.act_run.isEnabled()
    assert not window.runs.cancel_button.isEnabled() and not window.act_cancel.isEnabled()


class SlowReadsClient(GraphClient):
    """The real client, each read held back a little: a run lasts long enough to act on it
    mid-way (cancel, switch profiles, close the window)."""

    delay_s = 0.4

    async def read(
        self,
        query_name: str,
        cypher: str,
        parameters: Mapping[str, Any] | None = None,
        **kw: Any,
    ) -> list[Row]:
        await asyncio.sleep(self.delay_s)
        return await super().read(query_name, cypher, parameters, **kw)


def warmup_ended(window: MainWindow) -> bool:
    """The latest plan warm-up (after Show plan, or the preparation of a selected
    connection) has ended: finished, failed or cancelled."""
    task = window.tasks.get(WARMUP_TASK)
    return task is not None and task.done()
