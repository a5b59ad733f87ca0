"""Journey of a first start: no connection, no report. The Overview welcomes, says what
NeoSense does, and offers "New connection" and "Open a report" (issue 26 item 12)."""

from __future__ import annotations

from pathlib import Path

from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QFileDialog, QLineEdit

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.export import save_report
from neosense_desktop.core.profiles import Profile
from neosense_desktop.core.secrets import SecretStore
from neosense_desktop.ui.services import Tab
from tests.ui.helpers import wait_for, wait_for_widget
from tests.ui.journeys.journey_support import screenshot
from tests.ui.report_factory import make_report
from tests.ui.window_support import open_window


async def test_journey_first_start_welcomes_and_offers_both_ways_in(tmp_path: Path) -> None:
    source = save_report(make_report(labels=4), tmp_path / "saved.json")
    async with open_window(SecretStore(fail.Keyring())) as window:
        assert window.tabs.currentIndex() == Tab.OVERVIEW
        welcome = window.welcome
        assert window.overview_stack.currentWidget() is welcome
        assert welcome.isVisible()
        assert "Neo4j database" in welcome.what.text()
        assert "add a connection" in welcome.next_step.text()
        assert welcome.new_button.isVisible() and welcome.open_button.isVisible()
        await screenshot(window, "welcome-first-start")

        # "New connection…" opens the connection editor, as File > New does.
        QTest.mouseClick(welcome.new_button, Qt.MouseButton.LeftButton)
        editor = await wait_for_widget(QDialog, "profile-editor")
        editor.reject()

        # With a connection saved, the welcome says how to run it.
        profile = Profile(
            name="Staging <b>",
            connection=ConnectionSettings(uri="bolt://127.0.0.1:1", user="neo4j"),
        )
        await window.profiles.save_profile(profile, "pw")
        await wait_for(
            lambda: "Press F5 to run on “Staging <b>”" in welcome.next_step.text(),
            5,
            "the next step for the new connection",
        )

        # "Open a report…" opens the file dialog; the report replaces the welcome.
        QTest.mouseClick(welcome.open_button, Qt.MouseButton.LeftButton)
        dialog = await wait_for_widget(QFileDialog, "open-file-dialog")
        name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
        assert isinstance(name_edit, QLineEdit)
        name_edit.setText(str(source))
        dialog.accept()
        await wait_for(lambda: window.results.report is not None, 20, "the report shown")
        await wait_for(
            lambda: window.overview_stack.currentWidget() is not welcome, 5, "the dashboard"
        )
