"""Journeys of connections and files: Test connection on a dead port then the right one,
Ctrl+O then Ctrl+S (the export valid against the schema), and Compare two runs."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import jsonschema
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QHeaderView, QLineEdit

from neosense_desktop.core.export import save_report
from neosense_desktop.core.profiles import Profile
from neosense_desktop.core.resources import report_schema_path
from neosense_desktop.core.secrets import SecretStore
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for, wait_for_widget
from tests.ui.journeys.journey_support import assert_idle, press, screenshot, wait_run_ends
from tests.ui.report_factory import make_report
from tests.ui.window_support import add_profile, open_window, server_settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _choose(dialog: QFileDialog, path: Path) -> None:
    """Type a path in Qt's own file dialog and accept, as a person would."""
    name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
    assert isinstance(name_edit, QLineEdit)
    name_edit.setText(str(path))
    dialog.accept()


@pytest.mark.neo4j
@pytest.mark.keyring
async def test_journey_test_connection_dead_port_then_right_port(graph: GraphFixture) -> None:
    dead = _free_port()
    async with open_window() as window:
        await add_profile(window, graph.server, "Right port")
        wrong = server_settings(graph.server).model_copy(update={"uri": f"bolt://127.0.0.1:{dead}"})
        await window.profiles.save_profile(
            Profile(name="Dead port", connection=wrong), graph.server.password
        )
        probe = window.profiles
        assert probe.current_profile() is not None
        assert probe.current_profile().name == "Dead port"  # type: ignore[union-attr]
        height_before = probe.probe_view.height()
        await press(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
        await wait_for(lambda: probe.probe_label.text().startswith("✗"), 60, "the failure")
        text = probe.probe_label.text()
        assert f"Nothing answered at bolt://127.0.0.1:{dead}" in text, text
        assert "Errno" not in text and "ResolvedIPv4Address" not in text
        assert probe.probe_view.toggle.isVisible() and not probe.probe_view.details.isVisible()
        probe.probe_view.toggle.click()
        assert probe.probe_view.details.isVisible()
        assert "unreachable" in probe.probe_view.details.text()
        assert "auth_failed" not in window.connection_status.text()
        assert probe.probe_view.height() >= height_before
        await screenshot(window, "dead-port")

        probe.profile_list.setCurrentRow([p.name for p in probe.profiles].index("Right port"))
        assert probe.probe_label.text() == "" and not probe.probe_view.toggle.isVisible()
        await press(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
        await wait_for(lambda: probe.probe_label.text().startswith("✓"), 60, "the server")
        assert "Neo4j 5.26" in probe.probe_label.text()
        # The database list and APOC (none on the test server) come from the probe's single
        # round of reads, the list no longer waiting for the version.
        assert "Databases: neo4j" in probe.probe_label.text()
        assert "no APOC" in probe.probe_label.text()
        assert window.connection_status.text().startswith("Connected: Neo4j")
        assert not probe.probe_busy.isVisible()
        await screenshot(window, "dead-port-then-right-port")


async def test_journey_ctrl_o_then_ctrl_s_exports_a_valid_report(tmp_path: Path) -> None:
    source = save_report(make_report(labels=4), tmp_path / "mailed <b>report</b>.json")
    target = tmp_path / "exported.json"
    async with open_window(SecretStore(fail.Keyring())) as window:
        await press(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
        dialog = await wait_for_widget(QFileDialog, "open-file-dialog")
        assert isinstance(dialog, QFileDialog)
        _choose(dialog, source)
        await wait_for(lambda: window.tabs.currentIndex() == 1, 20, "the Results tab")
        await wait_for(lambda: window.results.proxy.rowCount() > 0, 20, "tree rows")
        assert window.act_save.isEnabled()
        assert window.results.report_status.textFormat() == Qt.TextFormat.PlainText

        await press(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        dialog = await wait_for_widget(QFileDialog, "save-file-dialog")
        assert isinstance(dialog, QFileDialog)
        _choose(dialog, target)
        await wait_for(lambda: target.exists(), 20, "the exported file")
        await wait_for(
            lambda: str(target) in window.statusBar().currentMessage(), 10, "Exported to …"
        )
        schema = json.loads(report_schema_path().read_text(encoding="utf-8"))
        document = json.loads(target.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema).validate(document)
        assert len(document["labels"]) == 4
        await screenshot(window, "open-then-export")


@pytest.mark.neo4j
@pytest.mark.keyring
async def test_journey_compare_two_runs(graph: GraphFixture) -> None:
    graph.run("CREATE (:Person {name: 'Ada'})")
    async with open_window() as window:
        await add_profile(window, graph.server)
        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        graph.run("CREATE (:Robot {serial: 1})")
        await press(window, Qt.Key.Key_F5)
        await wait_for(lambda: window.files.recent_list.count() == 2, 120, "two saved runs")
        await wait_run_ends(window)
        assert_idle(window)

        await press(window, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
        await wait_for(lambda: window.tabs.currentIndex() == 4, 5, "the Compare tab")
        compare = window.compare
        assert compare.compare_a.currentIndex() != compare.compare_b.currentIndex()
        # The second run landed in After, the first in Before: compared without a click.
        await wait_for(lambda: compare.diff is not None, 30, "the comparison")
        assert " changes: " in compare.compare_summary.text()
        assert compare.diff_model.rowCount() > 0
        header = compare.diff_tree.header()
        minimum = header.minimumSectionSize()
        widths = [header.sectionSize(c) for c in range(header.count())]
        # The defect: every column shrank to the minimum width after Compare.
        assert all(w >= 100 for w in widths[:-1]), (widths, minimum)
        assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Interactive
        await screenshot(window, "compare-two-runs")
