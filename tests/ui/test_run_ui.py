"""Runs through the real window on the real server: tree, filter, export, compare, cancel,
retry, close during a run, and the northwind screenshot."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from neosense_desktop.core.graph_client import GraphClient
from neosense_desktop.core.report import Report
from neosense_desktop.ui.main_window import MainWindow
from neosense_desktop.ui.report_nodes import COL_COUNT, COL_FILL, SECTION_NAMES
from tests.fault_clients import SlowCensusClient
from tests.neo4j_support import REPO, GraphFixture
from tests.ui.helpers import child_named, child_names, wait_for
from tests.ui.window_support import RecordingClients, add_profile, open_window

SMALL = """
CREATE (a:Person {name: 'Ada', born: 1815})-[:KNOWS {since: 1833}]->(b:Person {name: 'Charles'}),
       (a)-[:WROTE]->(:Paper {title: 'Notes'}),
       (:Person:Author {name: 'Mary', born: 1797})
"""


def _large_fixture(graph: GraphFixture, nodes: int) -> None:
    graph.run(
        "UNWIND range(1, $n) AS i CALL (i) { "
        "CREATE (:Big {a: i, b: toString(i), c: i % 7})-[:NEXT {w: i}]->(:Small {x: i}) "
        "} IN TRANSACTIONS OF 20000 ROWS",
        n=nodes,
    )


@pytest.mark.neo4j
@pytest.mark.keyring
async def test_run_fills_the_tree_as_the_database_says(graph: GraphFixture, qtbot: QtBot) -> None:
    graph.run(SMALL)
    async with open_window() as window:
        await add_profile(window, graph.server)
        probe = await window.profiles.test_connection()
        assert probe is not None
        assert (
            "Neo4j 5.26" in window.profiles.probe_label.text()
            and "neo4j" in window.profiles.probe_label.text()
        )
        assert "Connected" in window.connection_status.text()

        QTest.keyClick(window, Qt.Key.Key_F5)
        await wait_for(lambda: window.tasks.running("run"), 5, "run to start")
        assert not window.runs.run_button.isEnabled() and window.runs.cancel_button.isEnabled()
        await wait_for(lambda: not window.tasks.running("run"), 60, "run to finish")
        report = window.results.report
        assert report is not None

        # Plan and per-activity progress were shown.
        assert window.runs.panel.plan_model.rowCount() == len(report.plan) > 0
        assert all(row.state == "succeeded" for row in window.runs.panel.rows.values())
        assert window.runs.panel.overall.value() == 1000

        # The tree against the database.
        model = window.results.proxy
        db_labels = _check_tree_against_the_database(model, graph)

        # The picture: one disc per label, arrows with type and count; a click selects.
        assert set(window.results.schema_view.labels) == set(db_labels)
        assert len(window.results.schema_view.edges) >= 2
        window.results.schema_view.labels["Paper"].setSelected(True)
        current = window.results.tree.currentIndex()
        assert current.data() == "Paper"
        assert "Label :Paper\n1 node." in window.results.details.toPlainText()

        # The filter keeps matching descendants and their parents.
        window.results.filter_edit.setText("born")
        await wait_for(lambda: window.results.proxy.needle == "born", 3, "debounced filter")
        labels = child_named(model, QModelIndex(), "Labels")
        assert sorted(child_names(model, labels)) == ["Author", "Person"]
        assert child_names(model, child_named(model, labels, "Person")) == ["born"]
        assert "Relationship types" not in child_names(model)
        window.results.filter_edit.clear()
        await wait_for(lambda: window.results.proxy.needle == "", 3)

        # Copy puts the selected row on the clipboard.
        window.results.tree.setFocus()
        window.results.tree.setCurrentIndex(
            child_named(model, child_named(model, QModelIndex(), "Labels"), "Paper")
        )
        window.results.copy_selection(window.focusWidget())
        from PySide6.QtGui import QGuiApplication

        assert QGuiApplication.clipboard().text().startswith("Paper\t1")

        # The run was saved to the run store and shows in Recent runs.
        await wait_for(lambda: window.files.recent_list.count() == 1, 5, "recent run")


def _check_tree_against_the_database(model: Any, graph: GraphFixture) -> dict[str, Any]:
    """The Results tree's sections, labels with counts, SMALL's properties and patterns, as
    the database holds them. Returns the database's node count per label."""
    assert child_names(model) == list(SECTION_NAMES)
    labels = child_named(model, QModelIndex(), "Labels")
    db_labels = {
        r["label"]: r["n"]
        for r in graph.run("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n")
    }
    assert sorted(child_names(model, labels)) == sorted(db_labels)
    for name, count in db_labels.items():
        row = child_named(model, labels, name)
        assert model.index(row.row(), COL_COUNT, labels).data() == f"{count:,}"
    person = child_named(model, labels, "Person")
    assert sorted(child_names(model, person)) == ["born", "name"]
    born = child_named(model, person, "born")
    assert model.index(born.row(), COL_FILL, person).data() == "66.7%"
    types = child_named(model, QModelIndex(), "Relationship types")
    assert sorted(child_names(model, types)) == ["KNOWS", "WROTE"]
    knows = child_named(model, types, "KNOWS")
    patterns = child_named(model, knows, "Patterns")
    assert child_names(model, patterns) == ["(:Person)-[:KNOWS]->(:Person)"]
    return db_labels


async def _pick_the_two_saved_runs(window: MainWindow, expected: int) -> None:
    """The Compare tab picks the two saved runs: one entry per run (the reopened export is
    the first run, not a third entry), and a picker's change recomputes."""
    await window.files.refresh_recent_runs()
    compare = window.compare
    assert compare.compare_a.count() == 2
    compare.compare_b.setCurrentIndex(0)
    compare.compare_a.setCurrentIndex(0)  # the newer run on both sides: cleared, and why
    assert compare.diff_model.rowCount() == 0
    assert "same run" in compare.compare_summary.text()
    compare.compare_a.setCurrentIndex(1)  # the older run
    task = window.tasks.get("compare")
    assert task is not None
    again = await task
    assert again is not None and len(again.changes) == expected
    assert compare.diff_model.change_count == expected


@pytest.mark.neo4j
@pytest.mark.keyring
async def test_export_reopen_and_compare_before_and_after_a_change(
    graph: GraphFixture, qtbot: QtBot, tmp_path: Path
) -> None:
    graph.run(SMALL)
    async with open_window() as window:
        profile = await add_profile(window, graph.server, "Compare me")
        first = await window.runs.run_extraction()
        assert first is not None
        name = window.files.default_export_name()
        assert name.startswith("Compare-me-neo4j-") and name.endswith(".json")
        exported = await window.files.export_report(tmp_path / name)
        data = json.loads(exported.read_text())
        assert {lb["name"] for lb in data["labels"]} == {"Person", "Author", "Paper"}
        assert graph.server.password not in exported.read_text()

        graph.run("CREATE (:Company {name: 'Acme'})<-[:WORKS_AT]-(:Person {name: 'Bob'})")
        graph.run("MATCH (p:Paper) REMOVE p:Paper SET p:Article")
        second = await window.runs.run_extraction()
        assert second is not None and window.results.report is second

        # Reopen the export offline: the tree shows the first run again.
        reopened = await window.files.open_report(exported)
        assert isinstance(reopened, Report) and reopened.run.id == first.run.id
        labels = child_named(window.results.proxy, QModelIndex(), "Labels")
        assert "Paper" in child_names(window.results.proxy, labels)
        assert "Company" not in child_names(window.results.proxy, labels)
        assert str(exported) in window.results.overview_text.text()

        diff = await window.compare.compare(reopened, second)
        model = window.compare.diff_model
        assert model.change_count == len(diff.changes) > 0
        rows: dict[str, str] = {}
        for g in range(model.rowCount()):
            group = model.index(g, 0)
            for r in range(model.rowCount(group)):
                rows[model.index(r, 0, group).data()] = model.index(r, 1, group).data()
        assert any("Company" in k and v.endswith("added") for k, v in rows.items()), rows
        assert any("Paper" in k and v.endswith("removed") for k, v in rows.items()), rows
        assert any("Article" in k and v.endswith("added") for k, v in rows.items()), rows
        assert f"{len(diff.changes)} changes" in window.compare.compare_summary.text()
        # Colour-coded: added rows are green, removed red.
        for g in range(model.rowCount()):
            group = model.index(g, 0)
            for r in range(model.rowCount(group)):
                kind = model.index(r, 0, group).data(Qt.ItemDataRole.UserRole)
                brush = model.index(r, 0, group).data(Qt.ItemDataRole.ForegroundRole)
                if kind == "added":
                    assert brush.color().green() > brush.color().red()
                if kind == "removed":
                    assert brush.color().red() > brush.color().green()

        await _pick_the_two_saved_runs(window, len(diff.changes))
        del profile


@pytest.mark.neo4j
@pytest.mark.keyring
async def test_cancel_midway_and_close_during_a_run(graph: GraphFixture, qtbot: QtBot) -> None:
    _large_fixture(graph, 60_000)
    clients = RecordingClients()
    async with open_window(clients=clients) as window:
        await add_profile(window, graph.server)
        window.runs.mode_box.setCurrentIndex(window.runs.mode_box.findData("exact"))
        window.runs.run_clicked()
        await wait_for(
            lambda: any(r.state == "running" for r in window.runs.panel.rows.values()),
            30,
            "an activity to run",
        )
        # The window keeps working during the run: tabs, resizing, scrolling, painting.
        for tab in (0, 1, 2, 4, 3):
            window.tabs.setCurrentIndex(tab)
            await asyncio.sleep(0.02)
            assert window.tabs.currentIndex() == tab
        window.resize(1100, 760)
        window.runs.panel.plan_table.scrollToBottom()
        assert not window.grab().isNull()
        assert window.tasks.running("run"), "the run ended before it could be cancelled"
        # Esc cancels.
        QTest.keyClick(window, Qt.Key.Key_Escape)
        await wait_for(lambda: not window.tasks.running("run"), 30, "cancel")
        assert window.runs.panel.status.text() == "Cancelled."
        assert any(r.state == "cancelled" for r in window.runs.panel.rows.values())
        assert window.tasks.active == []
        assert clients.clients and not any(c.driver_open for c in clients.clients)
        assert window.results.report is None

        # Run again, and close the window while it runs.
        window.runs.run_clicked()
        await wait_for(
            lambda: any(r.state == "running" for r in window.runs.panel.rows.values()),
            30,
            "the second run",
        )
        closed = asyncio.get_running_loop().create_future()
        window.closed.connect(lambda: closed.done() or closed.set_result(True))
        window.close()
        assert await asyncio.wait_for(closed, 30)
        assert not window.isVisible()
        assert window.tasks.active == []
        assert not any(c.driver_open for c in clients.clients)
        assert window.tasks.start("late", asyncio.sleep(0)) is None  # refused after close


@pytest.mark.neo4j
@pytest.mark.keyring
async def test_retry_a_failed_activity(graph: GraphFixture, qtbot: QtBot) -> None:
    _large_fixture(graph, 20_000)
    clients = RecordingClients()
    async with open_window(clients=clients) as window:
        await add_profile(window, graph.server)
        window.runs.mode_box.setCurrentIndex(window.runs.mode_box.findData("exact"))
        clients.client_class = SlowCensusClient  # the census query times out on the server
        report = await window.runs.run_extraction()
        assert report is not None
        failed = window.runs.panel.failed_activities()
        assert failed, {n: a.status for n, a in report.activities.items()}
        activity = failed[0]
        row = window.runs.panel.rows[activity]
        assert row.retry.isVisible() and row.error.isVisible()
        assert "timeout" in row.error.text().lower()
        assert "•" in row.error.text()  # the suggestions are listed
        shot = Path(os.environ.get("NEOSENSE_SCREENSHOT") or REPO / "artifacts" / "main-window.png")
        shot.parent.mkdir(parents=True, exist_ok=True)
        window.tabs.setCurrentIndex(3)
        await asyncio.sleep(0.2)
        assert window.grab().save(str(shot.with_name(f"{shot.stem}-failed-activity.png")))

        clients.client_class = GraphClient  # the fault is gone: the retry can succeed
        row.retry.click()
        await wait_for(lambda: window.tasks.running("retry"), 5)
        await wait_for(lambda: not window.tasks.running("retry"), 120, "retry")
        assert window.results.report is not None and window.results.report is not report
        assert window.results.report.activities[activity].status.value == "succeeded"
        assert row.state == "succeeded" and not row.retry.isVisible()
        assert not any(c.driver_open for c in clients.clients)


@pytest.mark.neo4j
@pytest.mark.keyring
async def test_screenshot_after_a_run_on_northwind(graph: GraphFixture, qtbot: QtBot) -> None:
    graph.load_northwind()
    target = Path(os.environ.get("NEOSENSE_SCREENSHOT") or REPO / "artifacts" / "main-window.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    async with open_window() as window:
        await add_profile(window, graph.server, "Northwind")
        report = await window.runs.run_extraction()
        assert report is not None
        db_labels = graph.run("CALL db.labels() YIELD label RETURN collect(label) AS all")
        assert sorted(x.name for x in report.labels) == sorted(db_labels[0]["all"])
        await window.profiles.test_connection()
        window.tabs.setCurrentIndex(1)
        window.results.tree.collapse(window.results.proxy.index(0, 0))
        assert window.results.select_in_tree(("label", "Order"))
        window.results.tree.expand(window.results.tree.currentIndex())
        await asyncio.sleep(0.3)
        assert "Label :Order" in window.results.details.toPlainText()
        assert window.grab().save(str(target))
        for index, name in ((0, "overview"), (2, "schema"), (3, "run")):
            window.tabs.setCurrentIndex(index)
            await asyncio.sleep(0.2)
            assert window.grab().save(str(target.with_name(f"{target.stem}-{name}.png")))
        from PySide6.QtGui import QImage

        shot = QImage(str(target))
        assert shot.width() >= 1000 and shot.height() >= 700
        picked = window.results.schema_view.labels["Product"]
        assert picked.key == ("label", "Product")

        # The same window in a dark palette, for the reviewer to check icons and charts.
        qapp = QApplication.instance()
        assert isinstance(qapp, QApplication)
        light = qapp.palette()
        try:
            qapp.setPalette(_dark_palette())
            window.tabs.setCurrentIndex(1)
            await asyncio.sleep(0.3)
            assert window.grab().save(str(target.with_name(f"{target.stem}-dark.png")))
            window.tabs.setCurrentIndex(0)
            await asyncio.sleep(0.2)
            assert window.grab().save(str(target.with_name(f"{target.stem}-dark-overview.png")))
        finally:
            qapp.setPalette(light)


def _dark_palette() -> QPalette:
    p = QPalette()
    roles = QPalette.ColorRole
    for role, color in (
        (roles.Window, "#2b2b2b"),
        (roles.WindowText, "#e8e8e8"),
        (roles.Base, "#1e1e1e"),
        (roles.AlternateBase, "#262626"),
        (roles.Text, "#e8e8e8"),
        (roles.Button, "#353535"),
        (roles.ButtonText, "#e8e8e8"),
        (roles.Highlight, "#2a82da"),
        (roles.HighlightedText, "#ffffff"),
        (roles.PlaceholderText, "#9a9a9a"),
        (roles.Mid, "#555555"),
    ):
        p.setColor(role, QColor(color))
    return p
