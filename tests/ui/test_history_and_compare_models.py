"""The models behind History and Compare, and the one-entry-per-run rule of the pickers."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from neosense_desktop.core.diff import diff_reports
from neosense_desktop.core.drift_policy import check_drift
from neosense_desktop.core.profiles import Profile
from neosense_desktop.core.report import Report
from neosense_desktop.core.runs import RunOrigin, RunStore, RunSummary
from neosense_desktop.ui.diff_model import DiffTreeModel
from neosense_desktop.ui.history_model import COLUMNS, HistoryModel
from neosense_desktop.ui.run_entries import merge_entries
from neosense_desktop.ui.timeline_chart import TimelineChart
from tests.ui.report_factory import make_report


def _report(number: int, labels: int = 3) -> Report:
    report = make_report(labels=labels)
    report.run.id = f"20261207T0800{number:02d}Z-{number:06d}"
    report.run.started_at += timedelta(minutes=number)
    return report


def _summaries(tmp_path: Path, *reports: Report, profile: str = "p1") -> list[RunSummary]:
    store = RunStore(tmp_path / "runs")
    for report in reports:
        store.save(report, RunOrigin(profile, "Staging"))
    return store.list_runs()


def test_the_history_model_passes_the_model_tester_and_says_each_verdict(
    qtmodeltester: ModelTester, tmp_path: Path
) -> None:
    runs = _summaries(tmp_path, _report(2, 4), _report(1, 3), _report(3, 5))
    verdicts = {runs[0].id: "conforms to baseline"}
    model = HistoryModel(lambda run_id: verdicts.get(run_id, ""))
    model.set_runs(runs)
    qtmodeltester.check(model, force_py=True)
    assert [model.index(r, 0).data() for r in range(3)] == [
        "2026-01-02 03:05:05",
        "2026-01-02 03:06:05",
        "2026-01-02 03:07:05",
    ]  # oldest first, whatever the list's order
    assert model.index(2, 1).data() == "499,990"
    assert model.index(2, COLUMNS.index("Labels")).data() == "5"
    assert model.index(2, len(COLUMNS) - 1).data() == "conforms to baseline"
    assert model.index(0, len(COLUMNS) - 1).data() == ""
    assert model.index(1, 0).data(Qt.ItemDataRole.UserRole) == runs[1].id


def test_the_diff_model_passes_the_model_tester_and_shows_words_not_paths(
    qtmodeltester: ModelTester,
) -> None:
    before, after = make_report(labels=3), make_report(labels=4)
    after.labels[0].properties.pop()
    verdict = check_drift(before, after)
    model = DiffTreeModel()
    model.set_changes([*verdict.violations, *verdict.reported], verdict.violations)
    qtmodeltester.check(model, force_py=True)
    rows = {
        model.index(r, 0, model.index(g, 0)).data(): model.index(r, 1, model.index(g, 0)).data()
        for g in range(model.rowCount())
        for r in range(model.rowCount(model.index(g, 0)))
    }
    assert len(rows) == len(diff_reports(before, after).changes)
    for message, kind in rows.items():
        assert "/" not in message and "_count" not in message, message
        if kind.endswith("breaks the baseline"):
            assert "prop2" in message and "Label0" in message
    assert sum(kind.endswith("breaks the baseline") for kind in rows.values()) == 1
    groups = [model.index(g, 0).data() for g in range(model.rowCount())]
    assert groups[0].startswith("Labels") and not any("_" in g for g in groups)


def test_a_run_saved_and_shown_is_one_entry_and_an_opened_file_is_its_own(
    tmp_path: Path,
) -> None:
    first, second, opened = _report(1), _report(2), _report(3)
    saved = _summaries(tmp_path, first, second)
    profile = Profile(id="p1", name="Staging renamed", connection={"uri": "bolt://x", "user": "u"})
    entries = merge_entries(
        saved,
        [("run on Staging", second), ("/home/me/exports/prod.json", opened)],
        [profile],
    )
    assert [e.key for e in entries] == [opened.run.id, second.run.id, first.run.id]
    assert entries[1].report is second  # shown this session: not read again
    assert entries[2].report is None and entries[2].saved
    assert entries[1].text == "Staging renamed · 2026-01-02 03:06:05 · 299,997 nodes · score 87.5"
    assert entries[0].text.startswith("prod.json · 2026-01-02 03:07:05")
    assert entries[1].same_connection(entries[2])


def test_a_connection_name_with_control_and_bidi_characters_is_shown_escaped(
    tmp_path: Path,
) -> None:
    (summary,) = _summaries(tmp_path, _report(1))
    hostile = replace(summary, profile_name="a\u202eb\x1b[31m")
    (entry,) = merge_entries([hostile], [], [])
    assert "\u202e" not in entry.text and "\x1b" not in entry.text
    assert entry.text.startswith("a\\u202eb\\x1b[31m · ")


def test_a_click_in_any_chart_picks_the_run_of_that_column(qtbot: QtBot, tmp_path: Path) -> None:
    runs = _summaries(tmp_path, *(_report(i, 3 + i % 2) for i in range(1, 6)))
    model = HistoryModel(lambda _run_id: "")
    model.set_runs(runs)
    chart = TimelineChart(model)
    qtbot.addWidget(chart)
    chart.resize(900, 400)
    chart.show()
    assert chart.current == 4  # the newest run, after a reset
    for metric in range(6):
        for row in range(5):
            point = chart.point(metric, row)
            assert point is not None
            assert chart.row_at(point.x()) == row, (metric, row)
    activated: list[int] = []
    chart.run_activated.connect(activated.append)
    point = chart.point(4, 1)
    assert point is not None
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=point.toPoint())
    assert activated == [1] and chart.current == 1
