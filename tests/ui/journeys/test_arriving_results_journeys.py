"""Journeys of results as they arrive: F5, then the labels and their counts in the Results
tree while the run is still going (two activities held back on purpose), the rows kept
open and selected as more arrives, then the final report; and Esc on such a run."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest

from neosense_desktop.ui.main_window import MainWindow
from neosense_desktop.ui.report_nodes import COL_COUNT, COL_NAME
from tests.fault_clients import HeldQueriesClient
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for
from tests.ui.journeys.journey_support import (
    assert_idle,
    press,
    run_status,
    screenshot,
    wait_run_ends,
    wait_running,
)
from tests.ui.window_support import RecordingClients, add_profile, open_window

ODD = "Odd <b>name</b> | `x`"
GRAPH = f"""
CREATE (a:Person {{name: 'Ada', born: 1815}})-[:KNOWS]->(b:Person {{name: 'Charles'}}),
       (a)-[:WROTE]->(:Paper {{title: 'Notes'}}),
       (:`{ODD.replace("`", "``")}` {{v: 1}}), (:`{ODD.replace("`", "``")}` {{v: 2}})
"""
LABEL_ROWS = {"Odd <b>name</b> | `x`": "2", "Paper": "1", "Person": "2"}
HELD = ("quality_and_context", "statistics_and_indexes")  # they wait on the node census

pytestmark = [pytest.mark.neo4j, pytest.mark.keyring]


def labels_index(window: MainWindow) -> QModelIndex:
    proxy = window.results.proxy
    index = proxy.index(1, COL_NAME)
    assert index.data() == "Labels"
    return index


def label_rows(window: MainWindow) -> dict[str, str]:
    """Name -> count of the rows under Labels, as the tree shows them."""
    proxy = window.results.proxy
    if proxy.rowCount() < 2:
        return {}
    parent = labels_index(window)
    return {
        str(proxy.index(r, COL_NAME, parent).data()): str(proxy.index(r, COL_COUNT, parent).data())
        for r in range(proxy.rowCount(parent))
    }


def row_of(window: MainWindow, name: str, parent: QModelIndex) -> QModelIndex:
    proxy = window.results.proxy
    for r in range(proxy.rowCount(parent)):
        index = proxy.index(r, COL_NAME, parent)
        if index.data() == name:
            return index
    return QModelIndex()


def child_names(window: MainWindow, parent: QModelIndex) -> set[str]:
    proxy = window.results.proxy
    return {str(proxy.index(r, COL_NAME, parent).data()) for r in range(proxy.rowCount(parent))}


def person(window: MainWindow) -> QModelIndex:
    return row_of(window, "Person", labels_index(window))


async def test_journey_labels_arrive_before_the_run_ends(graph: GraphFixture) -> None:
    graph.run(GRAPH)
    clients = RecordingClients()
    async with open_window(clients=clients) as window:
        await add_profile(window, graph.server)
        held = HeldQueriesClient.hold("schema.", "census.")
        clients.client_class = HeldQueriesClient
        await press(window, Qt.Key.Key_F5)
        await wait_running(window)  # the Run tab, with the plan
        await press(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
        await wait_for(lambda: window.tabs.currentIndex() == 1, 5, "the Results tab")

        # The labels and their counts, while the run goes on (no activity of the schema or
        # the census has finished: these come from the count store, right after planning).
        await wait_for(lambda: label_rows(window) == LABEL_ROWS, 60, "the label rows")
        tree = window.results.tree
        assert tree.isExpanded(labels_index(window))
        assert window.runs.cancel_button.isEnabled() and not window.runs.run_button.isEnabled()
        assert not window.act_save.isEnabled(), "results so far are not a report to export"
        assert "Still running" in window.results.overview_text.text()
        assert child_names(window, person(window)) == set()

        # A person selects Person; the schema then arrives and fills in its properties,
        # and Person stays selected.
        rect = tree.visualRect(person(window))
        QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        await wait_for(lambda: tree.currentIndex() == person(window), 5, "Person selected")
        held["schema."].set()
        await wait_for(
            lambda: {"name", "born"} <= child_names(window, person(window)),
            60,
            "Person's properties",
        )
        assert tree.currentIndex() == person(window)
        await press(tree, Qt.Key.Key_Right)
        await wait_for(lambda: tree.isExpanded(person(window)), 5, "Person open")
        overview = window.results.overview_text.text()
        assert "Still running" in overview and all(a in overview for a in HELD), overview
        assert "schema" not in overview.split("Still running")[1], overview
        assert window.runs.cancel_button.isEnabled(), "the run ended while held"
        assert "Person" in window.results.details.toPlainText()
        await screenshot(window, "arriving-partial")
        await press(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
        await wait_for(lambda: window.tabs.currentIndex() == 0, 5, "the Overview tab")
        await screenshot(window, "arriving-partial-overview")
        await press(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)

        held["census."].set()
        await wait_run_ends(window)
        assert_idle(window)
        report = window.results.report
        assert report is not None and not window.results.partial
        assert {a.status.value for a in report.activities.values()} == {"succeeded"}
        assert label_rows(window) == LABEL_ROWS
        # What the person opened and selected is still open and selected in the final report.
        assert tree.isExpanded(labels_index(window)) and tree.isExpanded(person(window))
        assert tree.currentIndex() == person(window)
        assert "Still running" not in window.results.overview_text.text()
        assert window.act_save.isEnabled()
        await wait_for(lambda: window.files.recent_list.count() == 1, 10, "the run saved")
        await screenshot(window, "arriving-final")


async def test_journey_escape_while_results_arrive_puts_back_the_last_report(
    graph: GraphFixture,
) -> None:
    graph.run(GRAPH)
    clients = RecordingClients()
    async with open_window(clients=clients) as window:
        await add_profile(window, graph.server)
        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        before = window.results.report
        assert before is not None

        graph.run("CREATE (:Newcomer)")
        HeldQueriesClient.hold("census.")
        clients.client_class = HeldQueriesClient
        await press(window, Qt.Key.Key_F5)
        await wait_running(window)
        await press(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
        await wait_for(lambda: "Newcomer" in label_rows(window), 60, "the new run's labels")
        assert window.results.partial
        await press(window, Qt.Key.Key_Escape)
        await wait_run_ends(window, "Cancelled")
        assert_idle(window)
        # The report shown before the run is back, whole: nothing half-made stays on screen.
        await wait_for(lambda: window.results.report is before, 10, "the last report back")
        await wait_for(lambda: label_rows(window) == LABEL_ROWS, 10, "its label rows")
        assert not window.results.partial and window.act_save.isEnabled()
        assert "Still running" not in window.results.overview_text.text()
        assert "Cancelled" in run_status(window)
        await press(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
        await wait_for(lambda: window.tabs.currentIndex() == 1, 5, "the Results tab")
        await screenshot(window, "arriving-cancelled")
