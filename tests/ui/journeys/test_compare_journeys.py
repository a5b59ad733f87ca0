"""Journeys of Compare and History on saved runs (real files, no server): a picker's change
recomputes the table, an opened run is followed into After, the latest runs of two
connections in two clicks, and a click on the timeline compares a run with the one before.

Each run is saved as the window saves one (RunStore.save with its connection), with the
graph changed between runs; the words checked are the ones a person reads."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox

from neosense_desktop.core.paths import runs_dir
from neosense_desktop.core.profiles import Profile, ProfileStore, default_profiles_path
from neosense_desktop.core.report import Finding, Property, Provenance, Report, Severity
from neosense_desktop.core.runs import RunOrigin, RunStore
from neosense_desktop.ui.history_model import COLUMNS
from neosense_desktop.ui.main_window import MainWindow
from neosense_desktop.ui.services import Tab
from tests.ui.helpers import wait_for
from tests.ui.journeys.journey_support import press, screenshot
from tests.ui.report_factory import make_report
from tests.ui.window_support import open_window

HOSTILE = "Staging ‮<b>x</b>|;`"


def _profile(name: str, port: int) -> Profile:
    from neosense_desktop.core.connection import ConnectionSettings

    return Profile(
        name=name, connection=ConnectionSettings(uri=f"bolt://127.0.0.1:{port}", user="neo4j")
    )


def _run(
    number: int,
    labels: int,
    *,
    extra_property: bool = False,
    score: float = 87.5,
    new_finding: bool = False,
) -> Report:
    """A run of the factory's graph with `labels` labels, `number` minutes after the first."""
    report = make_report(labels=labels)
    report.run.id = f"20261207T0800{number:02d}Z-{number:06d}"
    report.run.started_at += timedelta(minutes=number)
    report.quality.score = score
    if extra_property:
        report.labels[0].properties.append(
            Property(
                name="vip", types=["BOOLEAN"], fill_rate=0.1, provenance=Provenance(method="scan")
            )
        )
    if new_finding:
        report.quality.findings.append(
            Finding(
                code="numeric_strings",
                severity=Severity.WARNING,
                subject="(:Label0).vip",
                message="vip holds numbers written as strings",
            )
        )
    report.statistics.node_count = sum(lb.count for lb in report.labels)
    return report


def _save(profile: Profile, *reports: Report) -> None:
    store = RunStore(runs_dir())
    for report in reports:
        store.save(report, RunOrigin(profile.id, profile.name))


def _messages(window: MainWindow) -> list[str]:
    model = window.compare.diff_model
    return [
        model.index(r, 0, model.index(g, 0)).data()
        for g in range(model.rowCount())
        for r in range(model.rowCount(model.index(g, 0)))
    ]


def _entry(box: QComboBox) -> str:
    return box.currentText()


async def _compared(window: MainWindow, what: str) -> None:
    await wait_for(lambda: window.compare.diff is not None, 20, what)


def _assert_no_internal_names(texts: list[str]) -> None:
    for text in texts:
        assert "/" not in text and "_count" not in text and "properties" not in text, text


async def test_journey_change_a_picker_and_the_table_changes() -> None:
    staging = _profile(HOSTILE, 7001)
    ProfileStore(default_profiles_path()).save([staging])
    _save(
        staging,
        _run(1, 3),
        _run(2, 4),
        _run(3, 4, extra_property=True, score=80.0, new_finding=True),
    )
    async with open_window() as window:
        compare = window.compare
        await press(window, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
        await wait_for(lambda: window.tabs.currentIndex() == Tab.COMPARE, 5, "the Compare tab")
        # Opened on the newest run against the one before it on its connection.
        await _compared(window, "the newest two runs compared")
        assert _entry(compare.compare_b).endswith("03:07:05 · 399,994 nodes · score 80")
        assert _entry(compare.compare_a).endswith("03:06:05 · 399,994 nodes · score 87.5")
        # One entry per run, never twice: three runs, three entries.
        assert compare.compare_a.count() == compare.compare_b.count() == 3
        first = _messages(window)
        assert any("vip" in m for m in first), first
        # Quality in words: the score's change and the new finding, by kind.
        quality = [m for m in first if "87.5" in m and "80" in m]
        assert quality, first
        assert any(m.startswith("New warning") for m in first), first
        assert not any("Label3" in m for m in first), first

        compare.compare_a.setFocus()
        await press(compare.compare_a, Qt.Key.Key_Down)  # Before: the first run
        await wait_for(
            lambda: compare.diff is not None and any("Label3" in m for m in _messages(window)),
            20,
            "the table to show the first run against the third",
        )
        assert _entry(compare.compare_a).endswith("03:05:05 · 299,997 nodes · score 87.5")
        changed = _messages(window)
        assert changed != first
        _assert_no_internal_names(changed)

        await press(compare.compare_a, Qt.Key.Key_Up)
        await press(compare.compare_a, Qt.Key.Key_Up)  # Before: the same run as After
        await wait_for(lambda: "same run" in compare.compare_summary.text(), 5, "the reason")
        assert compare.diff_model.rowCount() == 0  # nothing stale stays
        await press(compare.compare_a, Qt.Key.Key_Down)
        await _compared(window, "the table again")
        # Pickers wide enough for every entry: none is cut.
        for box in (compare.compare_a, compare.compare_b):
            needed = box.fontMetrics().horizontalAdvance(box.currentText())
            assert box.width() > needed + 30, (box.width(), needed)
        await screenshot(window, "compare-picker-changes-table")


async def test_journey_open_an_old_run_and_the_table_follows() -> None:
    staging = _profile("Staging", 7001)
    ProfileStore(default_profiles_path()).save([staging])
    _save(staging, _run(1, 3), _run(2, 4), _run(3, 5))
    async with open_window() as window:
        compare = window.compare
        recent = window.files.recent_list
        await wait_for(lambda: recent.count() == 3, 10, "three saved runs")
        await _compared(window, "the newest two runs compared")
        assert any("Label4" in m for m in _messages(window))

        recent.setFocus()
        recent.setCurrentRow(2)  # the oldest run
        await press(recent, Qt.Key.Key_Return)
        await wait_for(
            lambda: (
                window.results.report is not None
                and window.results.report.run.id.endswith("000001")
            ),
            20,
            "the oldest run shown",
        )
        # After follows the opened run; Before stays (the second run): 2 -> 1.
        await wait_for(
            lambda: compare.diff is not None and compare.compare_b.currentData().endswith("000001"),
            20,
            "the table to follow the opened run",
        )
        assert compare.compare_a.currentData().endswith("000002")
        assert any("Label3" in m and "removed" in m for m in _messages(window)), _messages(window)

        recent.setCurrentRow(1)  # the second run: it was Before, so Before moves back
        await press(recent, Qt.Key.Key_Return)
        await wait_for(
            lambda: (
                compare.diff is not None
                and compare.compare_b.currentData().endswith("000002")
                and compare.compare_a.currentData().endswith("000001")
            ),
            20,
            "the first run against the second",
        )
        assert any("Label3" in m and "added" in m for m in _messages(window))
        await press(window, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
        await wait_for(lambda: window.tabs.currentIndex() == Tab.COMPARE, 5, "the Compare tab")
        # Compared while Results was shown: the sentences are not cut once Compare shows.
        tree = compare.diff_tree
        assert tree.header().sectionSize(0) >= tree.sizeHintForColumn(0)
        await screenshot(window, "compare-follows-opened-run")


async def test_journey_latest_of_two_connections_in_two_clicks() -> None:
    staging, production = _profile("Staging", 7001), _profile("Production", 7002)
    ProfileStore(default_profiles_path()).save([staging, production])
    _save(production, _run(1, 3), _run(2, 4))
    _save(staging, _run(3, 4), _run(4, 5, extra_property=True))
    async with open_window() as window:
        compare = window.compare
        await press(window, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
        await wait_for(lambda: compare.latest_box.isEnabled(), 10, "two connections with runs")
        box = compare.latest_box
        wanted = box.findText("latest of Production → latest of Staging")
        assert wanted > 0
        QTest.mouseClick(box, Qt.MouseButton.LeftButton)  # click 1: open the list
        view = box.view()
        await wait_for(view.isVisible, 5, "the list of pairs")
        await asyncio.sleep(0.5)  # a release right after the popup opened is ignored
        rect = view.visualRect(box.model().index(wanted, 0))
        # Near the left of the row: offscreen, the popup can be narrower than its rows.
        spot = QPoint(10, rect.center().y())
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=spot)  # click 2
        await wait_for(
            lambda: (
                compare.diff is not None
                and compare.compare_a.currentText().startswith("Production")
                and compare.compare_b.currentText().startswith("Staging")
            ),
            20,
            "production's latest against staging's latest",
        )
        assert compare.compare_a.currentData().endswith("000002")  # production's latest
        assert compare.compare_b.currentData().endswith("000004")  # staging's latest
        messages = _messages(window)
        assert any("Label4" in m for m in messages) and any("vip" in m for m in messages)
        assert box.currentIndex() == 0  # ready for the next pair
        await screenshot(window, "compare-latest-of-two-connections")


async def test_journey_click_a_run_on_the_timeline_compares_it_with_the_one_before() -> None:
    staging = _profile("Staging", 7001)
    other = _profile("Other", 7002)
    ProfileStore(default_profiles_path()).save([staging, other])
    _save(staging, _run(1, 3), _run(2, 4), _run(3, 4, extra_property=True), _run(4, 5))
    _save(other, _run(5, 2))
    async with open_window() as window:
        history = window.history
        window.profiles.select_profile(staging.id)
        await press(window, Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)
        await wait_for(lambda: window.tabs.currentIndex() == Tab.HISTORY, 5, "the History tab")
        await wait_for(lambda: history.model.rowCount() == 4, 10, "staging's four runs")
        assert history.connection_box.currentText() == "Staging"
        assert "4 saved runs on Staging" in history.status.text()
        await screenshot(window, "history-timeline")

        # Click the third run's point on the node chart.
        point = history.chart.point(0, 2)
        assert point is not None
        QTest.mouseClick(
            history.chart, Qt.MouseButton.LeftButton, pos=QPoint(int(point.x()), int(point.y()))
        )
        await wait_for(lambda: window.tabs.currentIndex() == Tab.COMPARE, 5, "Compare shown")
        compare = window.compare
        await _compared(window, "the third run against the second")
        assert compare.compare_a.currentData().endswith("000002")
        assert compare.compare_b.currentData().endswith("000003")
        assert any("vip" in m for m in _messages(window))

        # By keys: back to History, one run left, Enter: the second against the first.
        await press(window, Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)
        history.chart.setFocus()
        await press(history.chart, Qt.Key.Key_Left)
        await press(history.chart, Qt.Key.Key_Return)
        await wait_for(
            lambda: compare.diff is not None and compare.compare_b.currentData().endswith("000002"),
            20,
            "the second run against the first",
        )
        assert compare.compare_a.currentData().endswith("000001")
        # The first run has none before it: said, not compared.
        await press(window, Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)
        history.chart.setFocus()
        await press(history.chart, Qt.Key.Key_Left)
        await press(history.chart, Qt.Key.Key_Return)
        assert "first saved run" in history.status.text()

        # Mark the second run as the baseline here: the later runs say how they stand.
        history.table.setFocus()
        history.table.selectRow(1)
        assert history.mark_button.isEnabled()
        history.mark_button.click()
        last = len(COLUMNS) - 1
        await wait_for(
            lambda: (
                history.model.index(3, last).data() == "conforms to baseline"
                and history.model.index(2, last).data() == "conforms to baseline"
            ),
            20,
            "the verdicts in the table (each shown when known)",
        )
        assert history.model.index(1, last).data() == "the baseline"
        assert history.model.index(2, last).data() == "conforms to baseline"
        assert history.model.index(0, last).data() == ""  # made before the baseline
        assert history.chart.baseline_row == 1 and not history.mark_button.isEnabled()
        assert "first saved run" not in history.status.text()  # said of another run
        await screenshot(window, "history-baseline-marked")

        # Another connection selected: the timeline follows it.
        window.profiles.select_profile(other.id)
        await wait_for(lambda: history.model.rowCount() == 1, 5, "the other connection's run")
        assert history.connection_box.currentText() == "Other"
