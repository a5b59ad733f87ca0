"""Journeys of reading a report (issue 26 items 1, 2, 6 and 9): columns that mean one thing,
a details pane that reads whole and names each property's findings, the score explained
finding by finding, and a status bar that says only what still holds.

Screenshots under artifacts/journeys/ (reading-*.png)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QLineEdit, QTextBrowser

from neosense_desktop.core.export import save_report
from neosense_desktop.core.extraction.quality_scoring import score_findings
from neosense_desktop.core.profiles import Profile
from neosense_desktop.core.report import (
    Finding,
    FindingSubject,
    Label,
    Property,
    Provenance,
    Report,
    Severity,
    SuggestedCypher,
)
from neosense_desktop.ui.main_window import MainWindow
from neosense_desktop.ui.plain_text import BREAK
from neosense_desktop.ui.report_nodes import (
    COL_COUNT,
    COL_FILL,
    COL_LAST_READ,
    COL_READS,
    COLUMNS,
    Section,
)
from neosense_desktop.ui.report_tree_model import ReportTreeModel
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for, wait_for_widget
from tests.ui.journeys.journey_support import press, screenshot, wait_run_ends
from tests.ui.report_factory import make_report
from tests.ui.window_support import add_profile, open_window, server_settings

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
PLACEHOLDER_FIX = (
    "MATCH (x:`Customer`) WHERE toLower(trim(x.`country`)) IN ['n/a', 'null', 'none'] "
    "SET x.`country` = null"
)
NUMBER = re.compile(r"^~?[\d,]+(\.\d+)?$")
PERCENT = re.compile(r"^\d+(\.\d)?%$")


def reading_report() -> Report:
    """make_report's graph plus (:Customer) whose country holds 22 'NULL' placeholders,
    scored by the engine's own formula."""
    report = make_report(labels=3, properties=3, types=2)
    customer = Label(
        name="Customer",
        count=91,
        count_provenance=Provenance(method="count_store"),
        properties=[
            Property(
                name="country",
                types=["STRING"],
                fill_rate=1.0,
                provenance=Provenance(method="scan"),
                observed=91,
            ),
            Property(
                name="city",
                types=["STRING"],
                fill_rate=1.0,
                provenance=Provenance(method="scan"),
                observed=91,
            ),
        ],
    )
    about_country = [FindingSubject(kind="label", name="Customer", properties=["country"])]
    findings = [
        Finding(
            code="sentinel_values",
            severity=Severity.WARNING,
            subject="(:Customer).country",
            message="22 values of country are placeholders such as 'N/A' or 'null'.",
            subjects=about_country,
            affected=22,
            affected_provenance=Provenance(method="scan"),
            population=91,
            suggestions=[
                SuggestedCypher(
                    purpose="fix", cypher=PLACEHOLDER_FIX, description="make them missing"
                )
            ],
        ),
        Finding(
            code="mixed_type_property",
            severity=Severity.ERROR,
            subject="(:Label0).prop0",
            message="prop0 holds INTEGER and STRING values",
            subjects=[FindingSubject(kind="label", name="Label0", properties=["prop0"])],
            affected=5_000,
            affected_provenance=Provenance(method="sample", sample_size=1000),
            population=100_000,
        ),
        Finding(
            code="orphan_nodes",
            severity=Severity.INFO,
            subject="(:Customer)",
            message="2 nodes have no relationship",
            subjects=[FindingSubject(kind="label", name="Customer")],
            affected=2,
            affected_provenance=Provenance(method="scan"),
        ),
    ]
    graph = (report.statistics.node_count or 0) + (report.statistics.relationship_count or 0)
    index = report.indexes[0].model_copy(update={"read_count": 1_234, "last_read": None})
    return report.model_copy(
        update={
            "labels": [*report.labels, customer],
            "quality": score_findings(findings, graph),
            "indexes": [index],
        }
    )


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


def _row(window: MainWindow, key: tuple[str, ...]) -> QModelIndex:
    """The tree's row of key, its parents expanded (as a person opens them)."""
    results = window.results
    index = results.proxy.mapFromSource(results.tree_model.find(key))
    assert index.isValid(), key
    parent = index.parent()
    chain = []
    while parent.isValid():
        chain.append(parent)
        parent = parent.parent()
    for p in reversed(chain):
        results.tree.expand(p)
    results.tree.scrollTo(index)
    return index


async def _click_row(window: MainWindow, key: tuple[str, ...]) -> QModelIndex:
    tree = window.results.tree
    index = _row(window, key)
    await wait_for(lambda: tree.visualRect(index).isValid(), 5, "the row on screen")
    QTest.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(index).center()
    )
    await wait_for(lambda: tree.currentIndex() == index, 5, f"{key} selected")
    return index


def _all_rows(model: ReportTreeModel) -> list[QModelIndex]:
    model.build_all()
    rows: list[QModelIndex] = []
    stack = [QModelIndex()]
    while stack:
        parent = stack.pop()
        for r in range(model.rowCount(parent)):
            index = model.index(r, 0, parent)
            rows.append(index)
            stack.append(index)
    return rows


async def _click_anchor(browser: QTextBrowser, href: str) -> None:
    """A click on the link of the details page whose target is href."""
    doc = browser.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().isAnchor() and fragment.charFormat().anchorHref() == href:
                cursor = QTextCursor(doc)
                cursor.setPosition(fragment.position() + 1)
                browser.setTextCursor(cursor)
                browser.ensureCursorVisible()
                rect = browser.cursorRect(cursor)
                QTest.mouseClick(
                    browser.viewport(), Qt.MouseButton.LeftButton, pos=rect.center() + QPoint(1, 0)
                )
                return
            it += 1
        block = block.next()
    raise AssertionError(f"no link to {href} in the details")


def _title_lines(browser: QTextBrowser) -> list[str]:
    """The lines the details title was laid out in."""
    block = browser.document().begin()
    layout = block.layout()
    text = block.text()
    return [
        text[
            layout.lineAt(i).textStart() : layout.lineAt(i).textStart()
            + layout.lineAt(i).textLength()
        ]
        for i in range(layout.lineCount())
    ]


async def test_journey_every_column_means_one_thing(tmp_path: Path) -> None:
    source = save_report(reading_report(), tmp_path / "report.json")
    async with open_window() as window:
        await _open_with_ctrl_o(window, source)
        results, tree = window.results, window.results.tree
        header = [tree.model().headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
        assert header == list(COLUMNS)
        # Reads and Last read hold an index's numbers: hidden until Indexes is opened.
        assert tree.isColumnHidden(COL_READS) and tree.isColumnHidden(COL_LAST_READ)
        indexes = await _click_row(window, Section.INDEXES.key)
        await press(tree, Qt.Key.Key_Right)
        await wait_for(lambda: tree.isExpanded(indexes), 5, "Indexes open")
        assert not tree.isColumnHidden(COL_READS) and not tree.isColumnHidden(COL_LAST_READ)
        index_row = await _click_row(window, ("index", "idx_label0_prop0"))
        assert index_row.siblingAtColumn(COL_READS).data() == "1,234"
        assert index_row.siblingAtColumn(COL_LAST_READ).data() == ""
        assert index_row.siblingAtColumn(COL_COUNT).data() == ""
        assert index_row.siblingAtColumn(COL_FILL).data() == ""

        # Every row, opened: Count holds numbers only, Fill rate percentages only, the
        # index columns nothing but an index's (no unit word in a value column).
        model = results.tree_model
        for row in _all_rows(model):
            node = model.node(row)
            count, fill = (
                row.siblingAtColumn(COL_COUNT).data(),
                row.siblingAtColumn(COL_FILL).data(),
            )
            assert count == "" or NUMBER.match(count), (node.name, count)
            assert fill == "" or PERCENT.match(fill), (node.name, fill)
            if node.kind.value != "index":
                assert row.siblingAtColumn(COL_READS).data() == "", node.name
                assert row.siblingAtColumn(COL_LAST_READ).data() == "", node.name
        labels = await _click_row(window, Section.LABELS.key)
        assert labels.siblingAtColumn(COL_COUNT).data() == ""
        await _click_row(window, ("label", "Customer"))
        path = await screenshot(window, "reading-columns")
        assert path.exists()


async def test_journey_details_pane_a_third_wrapping_whole_words_with_findings(
    tmp_path: Path,
) -> None:
    source = save_report(reading_report(), tmp_path / "report.json")
    async with open_window() as window:
        window.resize(1280, 820)
        await _open_with_ctrl_o(window, source)
        results = window.results
        tree_w, details_w = results.splitter.sizes()
        assert 0.28 < details_w / (tree_w + details_w) < 0.40, (tree_w, details_w)

        # The property with placeholders: marked in the tree, its findings in the details.
        country = await _click_row(window, ("label", "Customer", "property", "country"))
        tip = country.data(Qt.ItemDataRole.ToolTipRole)
        assert "Warning: 22 placeholder values" in tip
        assert country.data(Qt.ItemDataRole.DecorationRole) is not None
        city = _row(window, ("label", "Customer", "property", "city"))
        assert "placeholder" not in (city.data(Qt.ItemDataRole.ToolTipRole) or "")
        text = results.details.toPlainText()
        assert "100.0% filled, 22 placeholder values" in text
        assert "Findings (1)" in text and BREAK not in text

        # A narrow pane wraps the title at its dot, never inside "country".
        results.splitter.setSizes([900, 190])
        await wait_for(lambda: len(_title_lines(results.details)) > 1, 5, "the title to wrap")
        lines = _title_lines(results.details)
        # Each line ends between words (a space or a break point), "country" whole.
        assert all(line.endswith((" ", BREAK)) for line in lines[:-1]), lines
        assert lines[-1] == "country" and lines[-2].replace(BREAK, "") == "(:Customer).", lines
        await screenshot(window, "reading-details-narrow")

        # Its finding: the Cypher wraps between tokens and is copied without break marks.
        results.splitter.setSizes([760, 330])
        await _click_row(window, ("finding", "sentinel_values", "(:Customer).country"))
        details = results.details
        details.setFocus()
        await press(details, Qt.Key.Key_A, CTRL)
        QGuiApplication.clipboard().clear()
        await press(details, Qt.Key.Key_C, CTRL)
        await wait_for(lambda: bool(QGuiApplication.clipboard().text()), 5, "the copy")
        copied = QGuiApplication.clipboard().text()
        assert PLACEHOLDER_FIX in copied and BREAK not in copied
        await _click_row(window, ("label", "Customer", "property", "country"))
        await screenshot(window, "reading-details-findings")

        # The person widens the details pane; the next window keeps it.
        handle = results.splitter.handle(1)
        QTest.mousePress(handle, Qt.MouseButton.LeftButton, pos=handle.rect().center())
        QTest.mouseMove(handle, handle.rect().center() - QPoint(200, 0))
        QTest.mouseRelease(
            handle, Qt.MouseButton.LeftButton, pos=handle.rect().center() - QPoint(200, 0)
        )
        moved = results.splitter.sizes()
        assert moved[1] > details_w + 100, moved
        await press(window, Qt.Key.Key_Q, CTRL)  # File > Quit
        await wait_for(lambda: window.finished_closing, 20, "the window to close")
    async with open_window() as window:
        await press(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
        await wait_for(lambda: window.results.results.isVisible(), 5, "the Results tab")
        # The same share of the tab (the window itself may come back at another size).
        kept = window.results.splitter.sizes()
        assert abs(kept[1] / sum(kept) - moved[1] / sum(moved)) < 0.02, (kept, moved)


async def test_journey_the_score_explained_finding_by_finding(tmp_path: Path) -> None:
    report = reading_report()
    source = save_report(report, tmp_path / "report.json")
    async with open_window() as window:
        window.resize(1280, 820)
        await _open_with_ctrl_o(window, source)
        await press(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
        await wait_for(lambda: window.tabs.currentIndex() == 0, 5, "the Overview")
        overview = window.results.overview_text
        assert "How is it computed?" in overview.text()
        await screenshot(window, "reading-overview-score-link")
        # The link beside the score, by keyboard: Tab onto it, Enter.
        overview.setFocus()
        await press(overview, Qt.Key.Key_Tab)
        await press(overview, Qt.Key.Key_Return)
        await wait_for(lambda: window.tabs.currentIndex() == 1, 5, "the Results tab")
        details = window.results.details
        await wait_for(lambda: "Quality score" in details.toPlainText(), 5, "the explanation")
        text = details.toPlainText()
        score = report.quality.score
        assert score is not None
        assert f"{score:.0f} / 100" in text and f"= {score:.1f}" in text
        assert "0.005 for an information finding" in text
        assert "3 findings took off" in text and f"{100 - score:.1f} points" in text
        for words in ("Finding", "Severity", "Share", "Points", "Placeholder values"):
            assert words in text, words
        assert "Property with mixed types" in text and "Nodes without relationships" in text
        assert "sentinel_values" not in text
        # The error weighs most: it is listed first, with the most points.
        assert text.index("Property with mixed types") < text.index("Placeholder values")
        await screenshot(window, "reading-score-explained")

        # The dashboard's score, clicked, leads to the same page; its points are the same.
        await press(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
        await wait_for(lambda: window.tabs.currentIndex() == 0, 5, "the Overview")
        dash = window.results.dashboard
        first = dash.findings.list_model.index(0, 2).data()
        assert f"\n{first}\n" in f"\n{text}\n" or f" {first}" in text, (first, text)
        window.results.select_in_tree(Section.LABELS.key)  # elsewhere, to see it move back
        QTest.mouseClick(dash.score_label, Qt.MouseButton.LeftButton)
        await wait_for(lambda: window.tabs.currentIndex() == 1, 5, "the Results tab")
        await wait_for(lambda: "took off" in details.toPlainText(), 5, "the explanation")

        # Each deduction leads to its finding.
        placeholders = next(
            i for i, d in enumerate(report.quality.deductions) if d.code == "sentinel_values"
        )
        await _click_anchor(details, f"neosense:deduction/{placeholders}")
        tree, model = window.results.tree, window.results.tree_model
        await wait_for(
            lambda: (
                tree.currentIndex().isValid()
                and model.node(window.results.proxy.mapToSource(tree.currentIndex())).key
                == ("finding", "sentinel_values", "(:Customer).country")
            ),
            5,
            "the finding selected",
        )
        assert "Placeholder values" in details.toPlainText()
        await screenshot(window, "reading-score-to-finding")


@pytest.mark.neo4j
@pytest.mark.keyring
async def test_journey_status_bar_and_details_say_only_what_holds(
    graph: GraphFixture, tmp_path: Path
) -> None:
    graph.run(
        "UNWIND range(1, 20) AS i CREATE (:Customer {country: 'NULL', name: 'c' + i})"
        "-[:BOUGHT]->(:Product {name: 'p' + i})"
    )
    async with open_window() as window:
        window.resize(1280, 820)
        await add_profile(window, graph.server, "Good")
        wrong = Profile(name="Wrong password", connection=server_settings(graph.server))
        await window.profiles.save_profile(wrong, "not-the-password")
        profiles = window.profiles
        names = [p.name for p in profiles.profiles]
        profile_list = profiles.profile_list

        async def choose(name: str) -> None:
            profile_list.setFocus()
            rect = profile_list.visualItemRect(profile_list.item(names.index(name)))
            QTest.mouseClick(profile_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            await wait_for(lambda: profiles.current_profile().name == name, 5, name)

        status = window.connection_status
        await choose("Good")
        await press(window, Qt.Key.Key_T, CTRL)
        await wait_for(lambda: status.text().startswith("Connected: Neo4j"), 30, "Connected")
        await choose("Wrong password")
        assert status.text() == "Not connected"
        await choose("Good")
        assert status.text().startswith("Connected: Neo4j")

        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        await wait_for(lambda: window.results.report is not None, 30, "the report")
        # Export; then a second run: the export's message does not outlive it.
        await press(window, Qt.Key.Key_S, CTRL_SHIFT)
        dialog = await wait_for_widget(QFileDialog, "export-as-dialog")
        assert isinstance(dialog, QFileDialog)
        _type_path(dialog, tmp_path / "shared.html")
        await wait_for(
            lambda: "Exported as" in window.statusBar().currentMessage(), 20, "the export message"
        )
        first = window.results.report
        await press(window, Qt.Key.Key_F5)
        await wait_for(lambda: window.results.report is not first, 60, "the second report")
        await wait_run_ends(window)
        assert window.statusBar().currentMessage() == ""
        assert status.text().startswith("Connected: Neo4j") and status.isVisible()

        # The details follow the filter: a row it hides leaves the pane.
        window.show_tab(1)
        await _click_row(window, ("label", "Customer"))
        assert "Customer" in window.results.details.toPlainText()
        await press(window, Qt.Key.Key_F, CTRL)
        QTest.keyClicks(window.results.filter_edit, "Product")
        await wait_for(lambda: window.results.proxy.needle == "product", 10, "the filter")
        await wait_for(lambda: window.results.details.toPlainText() == "", 5, "details cleared")
        assert not window.results.tree.currentIndex().isValid()
        await _click_row(window, ("label", "Product"))
        assert "Product" in window.results.details.toPlainText()
        await choose("Wrong password")
        assert status.text() == "Not connected"
        await screenshot(window, "reading-status-and-filter")
