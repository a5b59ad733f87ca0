"""Journey of the Overview as a dashboard: the score with its top findings, relationship
types by size, a completeness heat map and the indexes never read, each leading to its
place in Results by a click (issue 26 item 15)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from neosense_desktop.ui.main_window import MainWindow
from neosense_desktop.ui.overview_dashboard import heat_map, never_read_indexes, top_findings
from neosense_desktop.ui.services import Tab
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for
from tests.ui.journeys.journey_support import screenshot, wait_run_ends
from tests.ui.window_support import add_profile, open_window

pytestmark = [pytest.mark.neo4j, pytest.mark.keyring]


def _current_key(window: MainWindow) -> tuple[str, ...]:
    results = window.results
    index = results.proxy.mapToSource(results.tree.currentIndex())
    return results.tree_model.node(index).key


async def _back_to_overview(window: MainWindow) -> None:
    window.show_tab(Tab.OVERVIEW)
    await wait_for(lambda: window.tabs.currentIndex() == Tab.OVERVIEW, 5, "the Overview")


async def test_journey_the_overview_leads_to_results(graph: GraphFixture) -> None:
    graph.load_northwind()
    # An index nobody reads, on a label with a sparse property: both show on the dashboard.
    graph.run("CREATE INDEX never_read_idx IF NOT EXISTS FOR (n:Supplier) ON (n.fax)")
    graph.run("CALL db.awaitIndexes(60)")
    # A new index has no read count (null) until the server starts tracking it, a few
    # seconds later; unknown is not "never read", so wait for the server to count.
    await wait_for(
        lambda: graph.run(
            "SHOW INDEXES YIELD name, trackedSince WHERE name = 'never_read_idx' "
            "RETURN trackedSince IS NOT NULL AS tracked"
        )[0]["tracked"],
        60,
        "the server to track the new index's reads",
    )
    async with open_window() as window:
        await add_profile(window, graph.server, "Northwind")
        window.act_run.trigger()
        await wait_run_ends(window)
        report = window.results.report
        assert report is not None
        await _back_to_overview(window)
        dash = window.results.dashboard
        assert dash.score_label.text().startswith(f"Score {report.quality.score:.0f} / 100")

        # Top findings: the five that cost most, in words, each opening its finding.
        top = top_findings(report)
        assert len(top) == 5 and dash.findings.list_model.rowCount() == 5
        first_text = dash.findings.list_model.index(0, 0).data()
        assert "_" not in first_text.split(":")[0]  # a title in words, not a code
        rect = dash.findings.visualRect(dash.findings.list_model.index(0, 0))
        QTest.mouseClick(dash.findings.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        await wait_for(lambda: window.tabs.currentIndex() == Tab.RESULTS, 5, "the Results tab")
        assert _current_key(window) == ("finding", top[0][0].code, top[0][0].subject)

        # Relationship types by size: the largest first; a click selects it in Results.
        await _back_to_overview(window)
        names = [name for name, _ in dash.type_sizes.items]
        assert names[0] == max(report.relationship_types, key=lambda t: t.count).name
        top_row_y = int(dash.type_sizes.fontMetrics().height() + 12 + 6)
        QTest.mouseClick(dash.type_sizes, Qt.MouseButton.LeftButton, pos=QPoint(60, top_row_y))
        await wait_for(lambda: window.tabs.currentIndex() == Tab.RESULTS, 5, "the Results tab")
        assert _current_key(window) == ("type", names[0])

        # The heat map: a cell of a held property opens that property of that label.
        await _back_to_overview(window)
        labels, props, cells = heat_map(report)
        assert labels[0] == "Order" and cells
        row, col = next(
            (r, c)
            for r, line in enumerate(cells)
            for c, cell in enumerate(line)
            if cell.fill_rate is not None
        )
        left, top_y, cell_w, cell_h = dash.heat._geometry()
        at = QPoint(int(left + (col + 0.5) * cell_w), int(top_y + (row + 0.5) * cell_h))
        QTest.mouseClick(dash.heat, Qt.MouseButton.LeftButton, pos=at)
        await wait_for(lambda: window.tabs.currentIndex() == Tab.RESULTS, 5, "the Results tab")
        assert _current_key(window) == ("label", labels[row], "property", props[col])

        # Indexes never read: the new one is listed and opens its index row.
        await _back_to_overview(window)
        unread = never_read_indexes(report)
        assert "never_read_idx" in unread
        listed = [
            dash.unread.list_model.index(r, 0).data()
            for r in range(dash.unread.list_model.rowCount())
        ]
        assert listed == unread
        await screenshot(window, "overview-dashboard")
        at_row = listed.index("never_read_idx")
        rect = dash.unread.visualRect(dash.unread.list_model.index(at_row, 0))
        QTest.mouseClick(dash.unread.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        await wait_for(lambda: window.tabs.currentIndex() == Tab.RESULTS, 5, "the Results tab")
        assert _current_key(window) == ("index", "never_read_idx")
