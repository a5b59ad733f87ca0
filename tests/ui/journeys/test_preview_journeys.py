"""Journey: values in the window. The Run options' Values box sets the policy; Preview rows
(Ctrl+R) on a label selected in Results shows its first rows under that policy (issue 26
item 8)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from neosense_desktop.ui.row_preview import PreviewDialog
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for, wait_for_widget
from tests.ui.journeys.journey_support import press, screenshot, wait_run_ends
from tests.ui.window_support import add_profile, open_window

pytestmark = [pytest.mark.neo4j, pytest.mark.keyring]

SECRET = "ada@example.org"


async def _preview(window: object) -> PreviewDialog:
    await press(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # type: ignore[arg-type]
    dialog = await wait_for_widget(QDialog, "preview-dialog", 30)
    assert isinstance(dialog, PreviewDialog)
    return dialog


async def test_journey_preview_rows_follows_the_values_policy(graph: GraphFixture) -> None:
    graph.run(
        "UNWIND range(1, 30) AS i "
        "CREATE (:`Person <b>` {email: $email, born: 1800 + i, tags: ['a']})",
        email=SECRET,
    )
    async with open_window() as window:
        await add_profile(window, graph.server)
        values = window.runs.values_box
        assert values.currentText() == "Statistics"
        assert "safe to share" in values.toolTip()
        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        assert window.results.report is not None
        assert window.results.report.run.values == "stats"
        assert window.results.select_in_tree(("label", "Person <b>"))

        dialog = await _preview(window)
        assert dialog.model.rowCount() == 25
        email = dialog.model.table.columns.index("email")
        cell = dialog.model.index(0, email).data()
        assert cell == f"(string, {len(SECRET)} characters)"
        assert "values policy: statistics" in dialog.caption.text()
        assert dialog.windowTitle() == "Preview rows of (:Person <b>)"
        await screenshot(dialog, "preview-rows-statistics")
        dialog.reject()

        # The person picks Examples in the Values box by keys; the preview shows values.
        await press(window, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # "Va&lues:"
        await wait_for(values.hasFocus, 5, "the Values box focused")
        await press(values, Qt.Key.Key_Down)
        assert values.currentData() == "examples"
        dialog = await _preview(window)
        assert dialog.model.table.columns.index("email") == email  # columns never move
        assert dialog.model.index(0, email).data() == SECRET
        await screenshot(dialog, "preview-rows-examples")
        dialog.reject()
