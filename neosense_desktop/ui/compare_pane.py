"""The Compare tab: two runs, Before and After, and what changed between them, in words.

Never stale: the table is recomputed, or cleared with the reason said, whenever either
picker changes, a run lands, or a run or report is opened (the report shown becomes After).
Each run is one entry (run_entries.py), whether it is saved, shown this session or both.
"Latest runs" compares the latest run of one connection with the latest of another in two
clicks (open the box, pick the pair).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import NeoSenseError
from ..core.terminal_text import printable
from .diff_model import DiffTreeModel
from .plain_text import plain_label, plain_tooltip
from .run_entries import RunEntry, merge_entries
from .services import Tab

if TYPE_CHECKING:
    from ..core.diff import ReportDiff
    from ..core.profiles import Profile
    from ..core.report import Report
    from .report_files import ReportFiles
    from .results_pane import ResultsPane
    from .services import ShowTab
    from .tasks import TaskRegistry

log = logging.getLogger(__name__)

TOOLTIP = Qt.ItemDataRole.ToolTipRole

NEEDS_TWO = "Compare needs two runs: run an extraction twice, or open a saved report."
PICK_BEFORE = "Pick a run in Before."
PICK_AFTER = "Pick a run in After."
SAME_RUN = "Before and After are the same run: pick another one in Before."
LATEST_PROMPT = "Latest of two connections…"
# Wide enough for "connection name · 2026-12-07 08:09:03 · 1,234,567 nodes · score 61.7".
MIN_ENTRY_CHARS = 64
LOADED_KEPT = 4  # reports read from the run store, kept for the next comparison


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def summary_text(diff: ReportDiff) -> str:
    if not diff.changes:
        return "No differences: the two runs read the same schema, counts and quality."
    kinds = Counter(str(ch.kind) for ch in diff.changes)
    parts = [f"{kinds[k]:,} {k}" for k in ("added", "removed", "changed") if kinds[k]]
    return f"{_plural(len(diff.changes), 'change')}: " + ", ".join(parts) + "."


class ComparePane(QWidget):
    """Signals:
    compared(str): the table now shows this (the summary line, or why it is empty).

    Attributes:
        entries: the runs the pickers offer, newest first.
        diff: what the table shows (None when it is empty).
    """

    compared = Signal(str)

    def __init__(
        self,
        tasks: TaskRegistry,
        results: ResultsPane,
        files: ReportFiles,
        show_tab: ShowTab,
        profiles: Callable[[], list[Profile]],
        parent: QWidget | None = None,
        *,
        baseline_of: Callable[[str], str | None] = lambda _run_id: None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.results = results
        self.files = files
        self._show_tab = show_tab
        self._profiles = profiles
        self._baseline_of = baseline_of
        self.entries: list[RunEntry] = []
        self.diff: ReportDiff | None = None
        self._followed: Report | None = None  # the shown report After last followed
        self._loaded: dict[str, Report] = {}

        self.compare_a = self._picker("Before")
        self.compare_b = self._picker("After")
        self.latest_box = QComboBox(self)
        self.latest_box.setObjectName("compare-latest")
        self.latest_box.setAccessibleName("Latest runs of two connections")
        self.latest_box.activated.connect(self._latest_chosen)
        self.compare_summary = plain_label("", self)
        self.compare_summary.setObjectName("compare-summary")
        self.compare_summary.setWordWrap(True)
        self.diff_model = DiffTreeModel(self)
        self.diff_tree = QTreeView(self)
        self.diff_tree.setObjectName("diff-tree")
        self.diff_tree.setModel(self.diff_model)
        self.diff_tree.setUniformRowHeights(True)
        self.diff_tree.setAccessibleName("Changes")
        header = self.diff_tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self._buddy("&Before:", self.compare_a), self.compare_a)
        form.addRow(self._buddy("&After:", self.compare_b), self.compare_b)
        form.addRow(self._buddy("&Latest runs:", self.latest_box), self.latest_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.compare_summary)
        layout.addWidget(self.diff_tree, 1)
        self.compare_a.currentIndexChanged.connect(lambda _i: self.recompute())
        self.compare_b.currentIndexChanged.connect(lambda _i: self.recompute())
        results.history_changed.connect(self.refresh_choices)
        files.saved_runs_changed.connect(self._saved_runs_changed)
        self._fill_latest_box()
        self._clear(NEEDS_TWO)

    def _picker(self, name: str) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(f"compare-{name.lower()}")
        box.setAccessibleName(name)
        box.setMinimumContentsLength(MIN_ENTRY_CHARS)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        return box

    def _buddy(self, text: str, box: QComboBox) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(box)
        return label

    # ------------------------------------------------------------------ choices
    def entry(self, key: str | None) -> RunEntry | None:
        return next((e for e in self.entries if e.key == key), None)

    def _key(self, box: QComboBox) -> str | None:
        data = box.currentData()
        return data if isinstance(data, str) else None

    def _saved_runs_changed(self) -> None:
        # A retried run is saved again under its id: what was read of it is stale.
        self._loaded.clear()
        self.refresh_choices()

    def refresh_choices(self) -> None:
        """Rebuild the pickers from the saved runs and the reports shown; keep what was
        picked (by run), follow a newly shown report into After, and recompute."""
        before, after = self._key(self.compare_a), self._key(self.compare_b)
        self.entries = merge_entries(
            self.files.saved_runs, list(self.results.history), self._profiles()
        )
        for box in (self.compare_a, self.compare_b):
            box.blockSignals(True)
            box.clear()
            for e in self.entries:
                box.addItem(e.text, e.key)
                box.setItemData(box.count() - 1, plain_tooltip(e.text), TOOLTIP)
            box.view().setMinimumWidth(box.view().sizeHintForColumn(0) + 24)
            box.blockSignals(False)
        shown = self.results.report
        if shown is not None and not self.results.partial and shown is not self._followed:
            self._followed = shown
            before, after = self._follow(shown.run.id, before)
        elif after is None or self.entry(after) is None:
            # Nothing picked yet: the newest run against the one before it on its connection.
            after = self.entries[0].key if self.entries else None
            before = before if self.entry(before) is not None else self._previous(after)
        self._select(before, after)
        self._fill_latest_box()
        self.recompute()

    def _follow(self, shown: str, before: str | None) -> tuple[str | None, str | None]:
        """A run landed or a report was opened: it is After. Before stays unless it is
        that same run (or gone): then the run before it on its connection."""
        if before is None or before == shown or self.entry(before) is None:
            before = self._previous(shown)
        return before, shown

    def _previous(self, key: str | None) -> str | None:
        """The run before this one on its connection (entries are newest first)."""
        current = self.entry(key)
        if current is None:
            return None
        older = self.entries[self.entries.index(current) + 1 :]
        return next((e.key for e in older if e.same_connection(current)), None)

    def latest(self, connection: str) -> RunEntry | None:
        return next((e for e in self.entries if e.connection == connection), None)

    def _select(self, before: str | None, after: str | None) -> None:
        for box, key in ((self.compare_a, before), (self.compare_b, after)):
            box.blockSignals(True)
            box.setCurrentIndex(box.findData(key) if key is not None else -1)
            box.blockSignals(False)

    def _fill_latest_box(self) -> None:
        """One item per ordered pair of connections that have runs: two clicks."""
        connections = list(dict.fromkeys(e.connection for e in self.entries))
        self.latest_box.blockSignals(True)
        self.latest_box.clear()
        self.latest_box.addItem(LATEST_PROMPT, None)
        for a in connections:
            for b in connections:
                if a != b:
                    text = f"latest of {printable(a)} → latest of {printable(b)}"
                    self.latest_box.addItem(text, (a, b))
        self.latest_box.setEnabled(len(connections) > 1)
        self.latest_box.setCurrentIndex(0)
        self.latest_box.blockSignals(False)

    def _latest_chosen(self, index: int) -> None:
        pair = self.latest_box.itemData(index)
        self.latest_box.setCurrentIndex(0)  # a list of shortcuts, not a state
        if isinstance(pair, tuple):
            self.compare_latest(str(pair[0]), str(pair[1]))

    # ------------------------------------------------------------------ comparing
    def compare_latest(self, before_connection: str, after_connection: str) -> None:
        a, b = self.latest(before_connection), self.latest(after_connection)
        self.compare_runs(a.key if a else None, b.key if b else None)

    def compare_runs(self, before: str | None, after: str | None, *, show: bool = True) -> None:
        """Pick these two runs (by run id) and compare them; show the Compare tab."""
        self._select(before, after)
        self.recompute()
        if show:
            self._show_tab(Tab.COMPARE)

    def compare_with_previous(self, key: str) -> bool:
        """The run against the one before it on its connection; False if there is none."""
        before = self._previous(key)
        if before is None:
            return False
        self.compare_runs(before, key)
        return True

    def recompute(self) -> None:
        """Clear now (nothing stale stays on screen), then compare in the background."""
        before, after = self._key(self.compare_a), self._key(self.compare_b)
        reason = (
            NEEDS_TWO
            if len(self.entries) < 2
            else PICK_BEFORE
            if before is None
            else PICK_AFTER
            if after is None
            else SAME_RUN
            if before == after
            else None
        )
        if reason is not None:
            self.tasks.cancel("compare")
            self._clear(reason)
            return
        assert before is not None and after is not None
        self._clear("Comparing…")
        self.tasks.start("compare", self._compare_keys(before, after))

    def _clear(self, reason: str) -> None:
        self.diff = None
        self.diff_model.set_changes([])
        self.compare_summary.setText(reason)
        self.compared.emit(reason)

    async def _resolve(self, key: str) -> Report:
        entry = self.entry(key)
        if entry is not None and entry.report is not None:
            return entry.report
        report = self._loaded.get(key)
        if report is None:
            report = await self.files.load_run(key)
            self._loaded[key] = report
            while len(self._loaded) > LOADED_KEPT:
                del self._loaded[next(iter(self._loaded))]
        return report

    async def _compare_keys(self, before: str, after: str) -> ReportDiff | None:
        reports = []
        for key in (before, after):
            try:
                reports.append(await self._resolve(key))
            except NeoSenseError as exc:
                entry = self.entry(key)
                name = entry.text if entry else key
                log.warning("compare: the run %s could not be read: %s", key, exc)
                self._clear(f"The run “{name}” could not be read: {exc.message}")
                return None
        if self._baseline_of(after) == before:
            return await self.compare_with_baseline(*reports)
        return await self.compare(*reports)

    async def compare(self, before: Report, after: Report) -> ReportDiff:
        """Compare two reports and show the changes (not switching tabs)."""
        from ..core.diff import diff_reports

        loop = asyncio.get_running_loop()
        diff = await loop.run_in_executor(None, diff_reports, before, after)
        self.diff = diff
        self.diff_model.set_changes(list(diff.changes))
        self.diff_tree.expandAll()
        self._fit_columns()
        text = summary_text(diff)
        self.compare_summary.setText(text)
        self.compared.emit(text)
        return diff

    async def compare_with_baseline(self, baseline: Report, after: Report) -> ReportDiff:
        """As compare, Before being After's baseline: the rows that break it say so (the
        window's verdict, core.drift_policy's default policy)."""
        from ..core.diff import ReportDiff
        from ..core.drift_policy import check_drift

        loop = asyncio.get_running_loop()
        verdict = await loop.run_in_executor(None, check_drift, baseline, after)
        changes = [*verdict.violations, *verdict.reported]
        diff = ReportDiff(baseline.run.id, after.run.id, changes)
        self.diff = diff
        self.diff_model.set_changes(changes, verdict.violations)
        self.diff_tree.expandAll()
        self._fit_columns()
        text = f"{summary_text(diff)} Against the baseline: {verdict.summary()}."
        self.compare_summary.setText(text)
        self.compared.emit(text)
        return diff

    def showEvent(self, event: QShowEvent) -> None:
        # Compared while another tab was shown, the tree had no width to fit into.
        super().showEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """The change column wide enough for its sentences (within reason); the kind
        column takes the rest."""
        header = self.diff_tree.header()
        metrics = self.diff_tree.fontMetrics()
        title = str(self.diff_model.headerData(0, Qt.Orientation.Horizontal) or "")
        hint = max(
            self.diff_tree.sizeHintForColumn(0),
            metrics.horizontalAdvance(title) + 24,
            240,
        )
        header.resizeSection(0, min(hint, max(240, self.diff_tree.width() - 160)))
