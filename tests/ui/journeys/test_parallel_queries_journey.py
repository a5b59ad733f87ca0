"""Journey: a DBA makes the run gentler with the Parallel queries box; the run keeps to it,
the Run tab says so, the report records it and the window remembers it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox

from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for
from tests.ui.journeys.journey_support import press, screenshot, wait_run_ends
from tests.ui.window_support import add_profile, open_window

pytestmark = [pytest.mark.neo4j, pytest.mark.keyring]

SMALL = """
CREATE (a:Person {name: 'Ada', born: 1815})-[:KNOWS {since: 1833}]->(b:Person {name: 'Charles'}),
       (a)-[:WROTE]->(:Paper {title: 'Notes'})
"""


async def test_journey_parallel_queries_set_by_keys_is_used_shown_and_kept(
    graph: GraphFixture,
) -> None:
    graph.run(SMALL)
    async with open_window() as window:
        await add_profile(window, graph.server)
        box = window.runs.controls.findChild(QSpinBox, "parallel-queries")
        assert box is not None and box.text() == "Auto"  # the default, shown as a word
        assert "busy production server" in box.toolTip()
        box.setFocus()
        await wait_for(box.hasFocus, 10, "the Parallel queries box to take the focus")
        await press(box, Qt.Key.Key_Up)  # Auto -> 1
        await press(box, Qt.Key.Key_Up)  # -> 2
        assert box.text() == "2"

        window.act_run.trigger()
        await wait_run_ends(window)
        report = window.results.report
        assert report is not None
        assert report.run.concurrent_queries == 2
        assert report.run.concurrent_queries_requested == 2
        processors = report.server.processors
        assert processors is not None and processors >= 1
        summary = window.runs.panel.plan_summary.text()
        assert (
            f"2 queries at a time (set by the run options; server reports {processors} "
            f"processor{'s' if processors != 1 else ''})." in summary
        )
        assert window.runs.panel.plan_summary.textFormat() == Qt.TextFormat.PlainText
        await screenshot(window, "parallel-queries-2")

        # Back to Auto by keys: the next run decides from the server's processors.
        await press(box, Qt.Key.Key_Down)
        await press(box, Qt.Key.Key_Down)
        assert box.text() == "Auto"
        await press(box, Qt.Key.Key_Up)  # 1, kept for the next window
        window.act_run.trigger()
        await wait_for(
            lambda: (
                window.results.report is not None
                and window.results.report.run.id != report.run.id
                and window.runs.run_button.isEnabled()
            ),
            120,
            "the second run to finish",
        )
        await wait_run_ends(window)
        assert window.results.report.run.concurrent_queries == 1
        assert "1 query at a time" in window.runs.panel.plan_summary.text()
        # Retry of an activity asks for what the run was asked for.
        _, retry_options = window.runs.retry_target(window.results.report)
        assert retry_options.max_concurrent_queries == 1
        window.act_quit.trigger()  # Ctrl+Q: the window saves its state as it closes
        await wait_for(lambda: window.finished_closing, 10, "the window to close")

    # The window remembers the choice, like the mode.
    async with open_window() as again:
        box = again.runs.controls.findChild(QSpinBox, "parallel-queries")
        assert box is not None and box.value() == 1 and box.text() == "1"
