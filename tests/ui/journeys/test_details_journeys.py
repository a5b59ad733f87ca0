"""Journeys of reading and sharing a report: File > Export As… in every format, Ctrl+Shift+L
(schema for an LLM on the clipboard), the log panel behind View > Log with a status-bar
hint when an error is logged, and the details pane of Northwind's label, type and finding
(screenshots under artifacts/details/)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QLineEdit

from neosense_desktop.core.export import load_report, save_report
from neosense_desktop.core.formats import render
from neosense_desktop.core.secrets import SecretStore
from neosense_desktop.ui.main_window import MainWindow
from neosense_desktop.ui.report_files import EXPORT_FILTERS
from neosense_desktop.ui.report_nodes import label_key
from tests.neo4j_support import REPO, GraphFixture
from tests.ui.helpers import wait_for, wait_for_widget
from tests.ui.journeys.journey_support import press, wait_run_ends
from tests.ui.report_factory import make_report
from tests.ui.window_support import add_profile, open_window

DETAILS_SHOTS = REPO / "artifacts" / "details"
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _type_path(dialog: QFileDialog, path: Path) -> None:
    name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
    assert isinstance(name_edit, QLineEdit)
    name_edit.setText(str(path))
    dialog.accept()


async def _open_with_ctrl_o(window: MainWindow, path: Path) -> None:
    await press(window, Qt.Key.Key_O, CTRL)
    dialog = await wait_for_widget(QFileDialog, "open-file-dialog")
    assert isinstance(dialog, QFileDialog)
    _type_path(dialog, path)
    await wait_for(lambda: window.tabs.currentIndex() == 1, 20, "the Results tab")
    await wait_for(lambda: window.results.proxy.rowCount() > 0, 20, "tree rows")


async def test_journey_export_as_every_format_and_copy_schema_for_llm(tmp_path: Path) -> None:
    source = save_report(make_report(labels=3), tmp_path / "mailed <b>report</b>.json")
    report = load_report(source)
    async with open_window(SecretStore(fail.Keyring())) as window:
        assert not window.act_export_as.isEnabled()
        await _open_with_ctrl_o(window, source)
        assert window.act_export_as.isEnabled()
        for fmt, name_filter in EXPORT_FILTERS.items():
            # The file type filter, not the name, chooses the format.
            target = tmp_path / f"exported-{fmt}"
            await press(window, Qt.Key.Key_S, CTRL_SHIFT)
            dialog = await wait_for_widget(QFileDialog, "export-as-dialog")
            assert isinstance(dialog, QFileDialog)
            dialog.selectNameFilter(name_filter)
            dialog.filterSelected.emit(name_filter)  # what picking it in the combo box emits
            _type_path(dialog, target)
            suffix = name_filter.split("*")[1].rstrip(")")
            written = target.with_name(target.name + suffix)
            await wait_for(lambda w=written: w.exists(), 20, f"the {fmt} export")
            await wait_for(
                lambda w=written: str(w) in window.statusBar().currentMessage(),
                10,
                "Exported as … to …",
            )
            assert written.read_text(encoding="utf-8") == render(report, fmt), fmt

        QGuiApplication.clipboard().clear()
        await press(window, Qt.Key.Key_L, CTRL_SHIFT)
        await wait_for(
            lambda: QGuiApplication.clipboard().text() == render(report, "llm"),
            10,
            "the llm schema on the clipboard",
        )
        assert window.statusBar().currentMessage().startswith("Schema for LLM copied: 3 labels")


async def test_journey_log_hidden_view_log_shows_it_and_an_error_hint(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "1.1", "run": ', encoding="utf-8")
    async with open_window(SecretStore(fail.Keyring())) as window:
        assert window.log_panel.isHidden() and not window.act_log.isChecked()
        await _open_with_ctrl_o_failing(window, broken)
        await wait_for(
            lambda: window.statusBar().currentMessage() == "An error was logged — View > Log",
            10,
            "the status-bar hint",
        )
        for box in list(window.error_dialogs):
            box.close()
        view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
        assert window.act_log in view_menu.actions()
        window.act_log.trigger()
        assert window.log_panel.isVisible() and window.act_log.isChecked()
        assert "task open failed" in window.log_panel.visible_text()
    async with open_window(SecretStore(fail.Keyring())) as window:
        assert window.log_panel.isVisible(), "View > Log is remembered"
        window.act_log.trigger()
        assert window.log_panel.isHidden()
    async with open_window(SecretStore(fail.Keyring())) as window:
        assert window.log_panel.isHidden()


async def _open_with_ctrl_o_failing(window: MainWindow, path: Path) -> None:
    await press(window, Qt.Key.Key_O, CTRL)
    dialog = await wait_for_widget(QFileDialog, "open-file-dialog")
    assert isinstance(dialog, QFileDialog)
    _type_path(dialog, path)
    await wait_for(lambda: bool(window.error_dialogs), 20, "the error dialog")


async def _shot(window: MainWindow, name: str) -> Path:
    await asyncio.sleep(0.4)  # let the last paint land
    DETAILS_SHOTS.mkdir(parents=True, exist_ok=True)
    path = DETAILS_SHOTS / f"{name}.png"
    assert window.grab().save(str(path)), path
    return path


@pytest.mark.neo4j
@pytest.mark.keyring
async def test_journey_northwind_details_of_a_label_a_type_and_a_finding(
    graph: GraphFixture,
) -> None:
    graph.load_northwind()
    async with open_window() as window:
        window.resize(1500, 900)
        await add_profile(window, graph.server, "Northwind")
        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        await wait_for(lambda: window.results.report is not None, 30, "the report")
        report = window.results.report
        assert report is not None
        window.show_tab(1)
        window.results.splitter.setSizes([700, 800])

        # A label, as a click on its row in the tree selects it.
        window.results.select_in_tree(label_key("Customer"))
        text = window.results.details.toPlainText()
        customers = next(lb for lb in report.labels if lb.name == "Customer")
        assert f"{customers.count:,} nodes." in text
        assert "Properties (" in text and "companyName" in text
        assert "Outgoing (1 pattern)" in text and "(:Customer)-[:PURCHASED]->(:Order)" in text
        assert "Indexes and constraints" in text
        await _shot(window, "label-customer")

        window.results.select_in_tree(("type", "ORDERS"))
        text = window.results.details.toPlainText()
        assert "Relationship type [:ORDERS]" in text
        assert "(:Order)-[:ORDERS]->(:Product)" in text
        assert "unitPrice" in text
        await _shot(window, "type-orders")

        assert report.quality.findings, "Northwind has findings"
        # A finding about a label with examples and a next step, where there is one.
        finding = max(
            report.quality.findings,
            key=lambda f: (
                any(s.kind == "label" for s in f.subjects),
                bool(f.examples),
                bool(f.suggestions),
                f.affected is not None,
            ),
        )
        window.results.select_in_tree(("finding", finding.code, finding.subject))
        text = window.results.details.toPlainText()
        assert finding.message in text and finding.code not in text
        for suggestion in finding.suggestions:
            assert suggestion.cypher in text
        await _shot(window, "finding")
