"""Journey of the Run tab's plan as a newcomer reads it: every column fits, "Why" is shown
whole, times read as "0.3 ms" or "1.2 s", and nothing internal ("count_store", "*", "~0.00026
s") reaches the screen (issue 26 item 4)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QRect, Qt

from neosense_desktop.ui.plan_model import COL_HOW, COL_SUBJECT, COL_WHY, HEADERS
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for
from tests.ui.journeys.journey_support import press, screenshot, wait_run_ends
from tests.ui.window_support import add_profile, open_window

pytestmark = [pytest.mark.neo4j, pytest.mark.keyring]

GRAPH = """
UNWIND range(1, 600) AS i
CREATE (:Reading {value: i, at: 'x' + i})-[:OF]->(:`<b>Sensor</b>` {serial: i})
"""


async def test_journey_the_plan_reads_whole_and_in_words(graph: GraphFixture) -> None:
    graph.run(GRAPH)
    graph.run("CREATE ()-[:LOOSE]->()")  # an unlabeled end: the plan's whole-database row
    async with open_window() as window:
        await add_profile(window, graph.server)
        runs = window.runs
        runs.mode_box.setCurrentIndex(runs.mode_box.findData("sampled"))
        runs.sample_size.setValue(50)
        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        await press(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
        table, model = runs.panel.plan_table, runs.panel.plan_model
        assert model.rowCount() > 0
        headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(HEADERS))]
        assert headers == ["Activity", "Subject", "How", "Rows to read", "Why"]

        cells = [
            [model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())
        ]
        every = "\n".join("\t".join(row) for row in cells)
        for internal in ("count_store", "_", "O(1)", "~"):
            assert internal not in every, (internal, every)
        assert not re.search(r"\d\.\d{3,}", every), every  # no "0.00026 s"
        assert not re.search(r"\b\d{4,}\b", every), every  # "1,202", not "1202"
        assert not re.search(r"\b1 (nodes|relationships)\b", every), every
        assert "*" not in {row[COL_SUBJECT] for row in cells}
        assert {row[COL_HOW] for row in cells} >= {"Sample", "Count store"}
        assert any(row[COL_SUBJECT] == "(:<b>Sensor</b>)" for row in cells)  # a name as text
        assert "steps: " in runs.panel.plan_summary.text()

        # Each column shows its content whole; "Why" wraps into its row's height.
        metrics = table.fontMetrics()
        for c in range(model.columnCount() - 1):
            widest = max(metrics.horizontalAdvance(row[c]) for row in cells)
            assert table.columnWidth(c) >= widest, (HEADERS[c], table.columnWidth(c), widest)
        why_width = table.columnWidth(COL_WHY) - 8
        for r, row in enumerate(cells):
            needed = metrics.boundingRect(
                QRect(0, 0, why_width, 10_000), int(Qt.TextFlag.TextWordWrap), row[COL_WHY]
            ).height()
            assert table.rowHeight(r) >= needed, (row[COL_WHY], table.rowHeight(r), needed)
            tip = model.index(r, COL_WHY).data(Qt.ItemDataRole.ToolTipRole)
            assert "Sensor" not in row[COL_WHY] or "&lt;b&gt;" in tip
        for state_row in runs.panel.rows.values():
            assert re.fullmatch(
                r"(under 0\.1 ms|[\d.]+ ms|[\d.]+ s|\d+ min( \d+ s)?)?", state_row.elapsed.text()
            ), state_row.elapsed.text()
        await screenshot(window, "run-tab-plan")


async def test_journey_show_plan_fits_its_rows_to_the_why_column(graph: GraphFixture) -> None:
    """Show plan (Ctrl+P) before any run, then the Run tab: each row is as tall as its
    wrapped "Why" and no taller (the rows were once fitted while "Why" was still narrow,
    and stayed tall)."""
    graph.run(GRAPH)
    graph.run("CREATE ()-[:LOOSE]->()")
    async with open_window() as window:
        await add_profile(window, graph.server)
        runs = window.runs
        runs.mode_box.setCurrentIndex(runs.mode_box.findData("sampled"))
        runs.sample_size.setValue(50)
        # The plan arrives while another tab is shown, as when a person presses Ctrl+P
        # from the Overview, then opens the Run tab to read it.
        await press(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
        table, model = runs.panel.plan_table, runs.panel.plan_model
        await wait_for(lambda: model.rowCount() > 0, 60, "the plan to show")
        await press(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
        await wait_for(table.isVisible, 10, "the Run tab to show the plan")
        metrics = table.fontMetrics()

        def excess() -> list[tuple[str, int, int]]:
            why_width = table.columnWidth(COL_WHY) - 8
            too_tall = []
            for r in range(model.rowCount()):
                why = model.index(r, COL_WHY).data()
                needed = metrics.boundingRect(
                    QRect(0, 0, why_width, 10_000), int(Qt.TextFlag.TextWordWrap), why
                ).height()
                # a row may keep a line's slack for its margins, never more
                if table.rowHeight(r) > needed + metrics.lineSpacing() + 8:
                    too_tall.append((why, table.rowHeight(r), needed))
            return too_tall

        await wait_for(lambda: not excess(), 10, f"every plan row to fit its Why: {excess()}")
        assert "Press F5" in runs.panel.status.text()
        # The plan was read from the server: the status bar says so, never "Not connected".
        assert window.connection_status.text().startswith("Connected: Neo4j "), (
            window.connection_status.text()
        )
        await screenshot(window, "run-tab-show-plan")
