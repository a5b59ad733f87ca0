"""The baseline journey on a real server: run, mark the run as the connection's baseline
(Ctrl+B), change the graph and run again, and read the verdict in the Run tab and in Recent
runs; its link opens the changes in Compare."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from neosense_desktop.ui.main_window import MainWindow
from neosense_desktop.ui.services import Tab
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for
from tests.ui.journeys.journey_support import assert_idle, press, screenshot, wait_run_ends
from tests.ui.window_support import add_profile, open_window

GRAPH = """
CREATE (:Customer {name: 'Ada', vip: true})-[:BOUGHT]->(:Product {title: 'Notes'}),
       (:Customer {name: 'Charles', vip: false})
"""

pytestmark = [pytest.mark.neo4j, pytest.mark.keyring]


def _recent_texts(window: MainWindow) -> list[str]:
    recent = window.files.recent_list
    return [recent.item(i).text() for i in range(recent.count())]


async def _run(window: MainWindow, runs_before: int) -> None:
    await press(window, Qt.Key.Key_F5)
    await wait_for(
        lambda: window.files.recent_list.count() == runs_before + 1, 120, "the run saved"
    )
    await wait_run_ends(window)
    assert_idle(window)


async def test_journey_mark_a_baseline_change_the_graph_and_see_the_verdict(
    graph: GraphFixture,
) -> None:
    graph.run(GRAPH)
    async with open_window() as window:
        await add_profile(window, graph.server, "Shop")
        await _run(window, 0)
        assert not window.runs.panel.baseline_status.isVisible()  # no baseline yet

        await press(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
        await wait_for(
            lambda: "is now the baseline of Shop" in window.statusBar().currentMessage(),
            10,
            "the status bar to say the baseline was marked",
        )
        await wait_for(
            lambda: _recent_texts(window)[0].endswith("the baseline"), 10, "marked in the list"
        )
        await wait_for(
            lambda: (
                "this run is its connection's baseline" in window.runs.panel.baseline_status.text()
            ),
            10,
            "the Run tab to say so",
        )

        # Only additions: reported, not failed.
        graph.run("CREATE (:Customer {name: 'Grace', vip: true})")
        await _run(window, 1)
        await wait_for(
            lambda: "conforms to baseline" in window.runs.panel.baseline_status.text(),
            30,
            "the Run tab's verdict",
        )
        assert _recent_texts(window)[0].endswith("conforms to baseline")

        # A property removed: it breaks the baseline.
        graph.run("MATCH (c:Customer) REMOVE c.vip")
        await _run(window, 2)
        await wait_for(
            lambda: "1 change breaks the baseline" in window.runs.panel.baseline_status.text(),
            30,
            f"the Run tab's verdict ({window.runs.panel.baseline_status.text()!r})",
        )
        texts = _recent_texts(window)
        assert texts[0].endswith("1 change breaks the baseline"), texts
        assert texts[1].endswith("conforms to baseline") and texts[2].endswith("the baseline")
        assert window.tabs.currentIndex() == Tab.RUN
        link = window.runs.panel.baseline_link
        assert link.isVisible()
        await screenshot(window, "baseline-verdict-run-tab")

        link.click()
        await wait_for(lambda: window.tabs.currentIndex() == Tab.COMPARE, 5, "Compare shown")
        compare = window.compare
        await wait_for(lambda: compare.diff is not None, 20, "the run against its baseline")
        baseline = window.verdicts.baseline_of(window.profiles.profiles[0].id)
        assert baseline is not None
        assert compare.compare_a.currentData() == baseline.run_id
        report = window.results.report
        assert report is not None and compare.compare_b.currentData() == report.run.id
        model = compare.diff_model
        rows = [
            model.index(r, 0, model.index(g, 0)).data()
            for g in range(model.rowCount())
            for r in range(model.rowCount(model.index(g, 0)))
        ]
        assert any("vip" in row and "removed" in row for row in rows), rows
        # The row that breaks the baseline says so; additions and counts do not.
        kinds = {
            model.index(r, 0, model.index(g, 0)).data(): model.index(r, 1, model.index(g, 0)).data()
            for g in range(model.rowCount())
            for r in range(model.rowCount(model.index(g, 0)))
        }
        breaking = [row for row, kind in kinds.items() if kind.endswith("breaks the baseline")]
        assert len(breaking) == 1 and "vip" in breaking[0], kinds
        assert "Against the baseline: 1 change breaks the baseline." in (
            compare.compare_summary.text()
        )
        await screenshot(window, "baseline-changes-in-compare")

        # Recent runs offers the same: select the conforming run, Compare with baseline.
        recent = window.files.recent_list
        recent.setCurrentRow(1)
        assert window.files.recent_compare.isEnabled()
        window.files.recent_compare.click()
        await wait_for(
            lambda: compare.diff is not None and compare.compare_b.currentData() != report.run.id,
            20,
            "the conforming run against the baseline",
        )
        assert compare.compare_a.currentData() == baseline.run_id
        recent.setCurrentRow(2)  # the baseline itself: nothing to compare it with
        assert not window.files.recent_compare.isEnabled()
        log_text = window.log_panel.text.toPlainText()
        assert "Traceback" not in log_text, log_text[-2000:]
