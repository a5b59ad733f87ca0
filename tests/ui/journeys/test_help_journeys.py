"""Journeys of the Help menu: keyboard shortcuts, the offline user guide, and diagnostics
for a bug report that never hold a password (issue 26 item 13)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from neosense_desktop.core.logging_setup import log_file_path
from neosense_desktop.ui.help_dialogs import ShortcutsDialog, UserGuideDialog
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for, wait_for_widget
from tests.ui.journeys.journey_support import press, screenshot
from tests.ui.window_support import add_profile, open_window


def _rows(dialog: ShortcutsDialog) -> dict[str, str]:
    model = dialog.model
    return {model.item(row, 0).text(): model.item(row, 1).text() for row in range(model.rowCount())}


async def test_journey_keyboard_shortcuts_lists_every_shortcut_the_window_has() -> None:
    async with open_window() as window:
        await press(window, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)
        dialog = await wait_for_widget(QDialog, "shortcuts-dialog")
        assert isinstance(dialog, ShortcutsDialog)
        rows = _rows(dialog)
        assert rows["Run"] == "F5"
        assert rows["Cancel run"] == "Esc"
        assert rows["Test connection"] == "Ctrl+T"
        assert rows["Keyboard shortcuts"] == "Ctrl+/"
        assert rows["Show the Compare tab"] == "Alt+5"
        # Read from the window's own actions: every shortcut the window has is listed.
        with_keys = [a for a in window.actions() if not a.shortcut().isEmpty()]
        assert len(rows) == len(with_keys)
        assert not any("&" in what for what in rows)  # no mnemonic markers
        await screenshot(dialog, "help-keyboard-shortcuts")
        dialog.reject()


async def test_journey_f1_opens_the_user_guide_offline() -> None:
    async with open_window() as window:
        await press(window, Qt.Key.Key_F1)
        dialog = await wait_for_widget(QDialog, "user-guide-dialog")
        assert isinstance(dialog, UserGuideDialog)
        text = dialog.browser.toPlainText()
        assert text.startswith("NeoSense user guide")
        for heading in ("Connect", "Run", "Read the results", "Save and share"):
            assert f"\n{heading}\n" in text, heading
        assert "could not be read" not in text
        await screenshot(dialog, "help-user-guide")
        dialog.reject()


@pytest.mark.neo4j
@pytest.mark.keyring
async def test_journey_copy_diagnostics_never_holds_the_password(graph: GraphFixture) -> None:
    async with open_window() as window:
        await add_profile(window, graph.server)
        probe = await window.profiles.test_connection()
        assert probe is not None
        window.act_diagnostics.trigger()
        await wait_for(
            lambda: "Diagnostics copied" in window.statusBar().currentMessage(), 5, "the message"
        )
        copied = QApplication.clipboard().text()
        assert "Neo4j server" in copied and probe.version in copied
        assert str(log_file_path()) in copied
        assert "Platform" in copied and "PySide6" in copied
        assert graph.server.password not in copied
        await screenshot(window, "help-copy-diagnostics")
