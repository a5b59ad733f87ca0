"""The Compare tab: pick two reports (shown this session, or saved runs) and list what
changed between them."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import TYPE_CHECKING, TypeAlias

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from .diff_model import DiffTreeModel
from .report_files import RECENT_SHOWN, run_entry_text
from .services import Tab

if TYPE_CHECKING:
    from ..core.diff import ReportDiff
    from ..core.report import Report
    from .report_files import ReportFiles
    from .results_pane import ResultsPane
    from .services import ShowTab
    from .tasks import TaskRegistry

# A report shown this session, or the id of a saved run (loaded when compared).
Choice: TypeAlias = "Report | str"


class ComparePane(QWidget):
    def __init__(
        self,
        tasks: TaskRegistry,
        results: ResultsPane,
        files: ReportFiles,
        show_tab: ShowTab,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.results = results
        self.files = files
        self._show_tab = show_tab
        self.compare_a = QComboBox(self)
        self.compare_b = QComboBox(self)
        self.compare_a.setAccessibleName("Before")
        self.compare_b.setAccessibleName("After")
        self.compare_button = QPushButton("Co&mpare", self)
        self.compare_button.clicked.connect(self.compare_clicked)
        self.compare_summary = QLabel("", self)
        self.compare_summary.setTextFormat(Qt.TextFormat.PlainText)
        self.diff_model = DiffTreeModel(self)
        self.diff_tree = QTreeView(self)
        self.diff_tree.setObjectName("diff-tree")
        self.diff_tree.setModel(self.diff_model)
        self.diff_tree.setUniformRowHeights(True)
        header = self.diff_tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Before:", self))
        row.addWidget(self.compare_a, 1)
        row.addWidget(QLabel("After:", self))
        row.addWidget(self.compare_b, 1)
        row.addWidget(self.compare_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.compare_summary)
        layout.addWidget(self.diff_tree, 1)
        results.history_changed.connect(self.refresh_choices)
        files.saved_runs_changed.connect(self.refresh_choices)

    def refresh_choices(self) -> None:
        choices: list[tuple[str, Choice]] = [
            (f"{source} ({report.run.started_at:%Y-%m-%d %H:%M:%S}, {report.run.id})", report)
            for source, report in reversed(self.results.history)
        ]
        choices += [
            (f"saved: {run_entry_text(entry)}", entry.id)
            for entry in self.files.saved_runs[:RECENT_SHOWN]
        ]
        for box in (self.compare_a, self.compare_b):
            keep = box.currentIndex()
            box.clear()
            for text, data in choices:
                box.addItem(text, data)
            if 0 <= keep < box.count():
                box.setCurrentIndex(keep)
        if (
            self.compare_b.count() > 1
            and self.compare_a.currentIndex() == self.compare_b.currentIndex()
        ):
            self.compare_a.setCurrentIndex(1)
            self.compare_b.setCurrentIndex(0)

    def compare_clicked(self) -> None:
        self.tasks.start("compare", self.compare_choices())

    async def _resolve(self, data: Choice) -> Report:
        from ..core.report import Report

        if isinstance(data, Report):
            return data
        return await self.files.load_run(data)

    async def compare_choices(self) -> ReportDiff | None:
        from ..core.report import Report

        a = self.compare_a.currentData()
        b = self.compare_b.currentData()
        if not isinstance(a, Report | str) or not isinstance(b, Report | str):
            return None
        return await self.compare(await self._resolve(a), await self._resolve(b))

    async def compare(self, before: Report, after: Report) -> ReportDiff:
        from ..core.diff import diff_reports

        loop = asyncio.get_running_loop()
        diff = await loop.run_in_executor(None, diff_reports, before, after)
        changes = list(diff.changes)
        self.diff_model.set_changes(changes)
        self.diff_tree.expandAll()
        self._fit_columns()
        counts = Counter(ch.kind for ch in changes)
        self.compare_summary.setText(
            "No differences."
            if not changes
            else f"{len(changes)} change(s): "
            + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        )
        self._show_tab(Tab.COMPARE)
        return diff

    def _fit_columns(self) -> None:
        """Size columns to their contents, never below the header text nor a readable
        minimum (resizeColumnToContents on a tree not yet laid out gives the minimum)."""
        header = self.diff_tree.header()
        metrics = self.diff_tree.fontMetrics()
        for c in range(self.diff_model.columnCount()):
            title = str(self.diff_model.headerData(c, Qt.Orientation.Horizontal) or "")
            hint = max(
                self.diff_tree.sizeHintForColumn(c),
                metrics.horizontalAdvance(title) + 24,
                120,
            )
            header.resizeSection(c, min(hint, 600))
