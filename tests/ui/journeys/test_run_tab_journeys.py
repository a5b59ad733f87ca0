"""Journey of the Run tab's plan as a newcomer reads it: every column fits, "Why" is shown
whole, times read as "0.3 ms" or "1.2 s", and nothing internal ("count_store", "*", "~0.00026
s") reaches the screen (issue 26 item 4)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QRect, Qt

from neosense_desktop.ui.plan_model import COL_HOW, COL_SUBJECT, COL_WHY, HEADERS
from tests.neo4j_support import GraphFixture
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
