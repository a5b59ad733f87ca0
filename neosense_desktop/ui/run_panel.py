"""RunPanel: the plan of a run, an overall progress bar and one row per activity.

Each activity row shows a progress bar, its state (waiting, running, done, failed,
cancelled, skipped), its elapsed time and item counts. A failed row shows the error and
its suggestions, with a Retry button that emits `retry_requested(activity)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.report_constants import ACTIVITY_NAMES
from ..core.wording import duration_text
from .plain_text import plain_label
from .plan_model import COL_ACTIVITY, COL_HOW, COL_ROWS, COL_SUBJECT, COL_WHY, PlanTableModel
from .wording import activity_title, counters_text, plural

if TYPE_CHECKING:
    from ..core.extraction.progress import ProgressEvent
    from ..core.report import ActivityError, ActivityResult, PlanItem

# Above this many plan rows, rows stay one line high (their whole "Why" in the tooltip):
# measuring every wrapped row of a plan for thousands of labels would stall the window.
WRAP_ROWS_MAX = 1_000

STATE_TEXT = {
    "waiting": "waiting",
    "running": "running",
    "succeeded": "done",
    "failed": "failed",
    "cancelled": "cancelled",
    "skipped": "skipped",
}
STATE_COLORS = {
    "succeeded": QColor(0x2E, 0x7D, 0x32),
    "failed": QColor(0xC6, 0x28, 0x28),
    "cancelled": QColor(0x8D, 0x6E, 0x63),
}


class ActivityRow:
    """The widgets of one activity, in the panel's grid."""

    def __init__(self, panel: RunPanel, grid: QGridLayout, row: int, activity: str) -> None:
        self.activity = activity
        self.state = "waiting"
        self.fraction = 0.0
        self.title = plain_label(activity_title(activity), panel)
        self.bar = QProgressBar(panel)
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(f"{self.title.text()} progress")
        self.state_label = plain_label("waiting", panel)
        self.elapsed = plain_label("", panel)
        self.counts = plain_label("", panel)
        self.error = plain_label("", panel)  # server errors, names
        # One line per sentence, no word wrap: a wrapped label in a grid row gets the
        # height of one line and its second line is cut off.
        self.error.setWordWrap(False)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.retry = QPushButton("Retry", panel)
        self.retry.setToolTip(f"Run {self.title.text()} again, alone")
        self.retry.setObjectName(f"retry-{activity}")
        self.retry.hide()
        self.retry.clicked.connect(lambda: panel.retry_requested.emit(activity))
        r = row * 2
        grid.addWidget(self.title, r, 0)
        grid.addWidget(self.bar, r, 1)
        grid.addWidget(self.state_label, r, 2)
        grid.addWidget(self.elapsed, r, 3)
        grid.addWidget(self.counts, r, 4)
        grid.addWidget(self.retry, r, 5)
        grid.addWidget(self.error, r + 1, 1, 1, 5)

    def set_state(self, state: str) -> None:
        self.state = state
        self.state_label.setText(STATE_TEXT.get(state, state))
        color = STATE_COLORS.get(state)
        pal = self.state_label.palette()
        if color is not None:
            pal.setColor(QPalette.ColorRole.WindowText, color)
        else:
            pal = self.title.palette()
        self.state_label.setPalette(pal)
        if state == "succeeded":
            self.bar.setValue(1000)
        bar_palette = self.bar.palette()
        chunk = STATE_COLORS.get(state) if state in ("failed", "cancelled") else None
        bar_palette.setColor(
            QPalette.ColorRole.Highlight,
            chunk
            if chunk is not None
            else self.title.palette().color(QPalette.ColorRole.Highlight),
        )
        self.bar.setPalette(bar_palette)
        self.retry.setVisible(state == "failed")
        if state != "failed":
            self.error.hide()

    def show_error(self, error: ActivityError | None, message: str = "") -> None:
        text = error.message if error is not None else message or "The activity failed."
        if error is not None and error.suggestions:
            text += "\n" + "\n".join(f"• {s}" for s in error.suggestions)
        self.error.setText(text)
        pal = self.error.palette()
        pal.setColor(QPalette.ColorRole.WindowText, STATE_COLORS["failed"])
        self.error.setPalette(pal)
        self.error.show()


class RunPanel(QWidget):
    """Signals:
    retry_requested(str): the user asked to re-run one failed activity.
    """

    retry_requested = Signal(str)
    compare_with_baseline = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.overall = QProgressBar(self)
        self.overall.setRange(0, 1000)
        self.overall.setFormat("%p%")
        self.overall.setAccessibleName("Overall progress")
        # Progress messages hold label and type names ("properties of (:Name)").
        self.status = plain_label("Press F5 to run an extraction on the selected connection.", self)
        self.status.setWordWrap(True)
        self.status.setObjectName("run-status")
        baseline_row = self._baseline_row()
        self.plan_model = PlanTableModel(self)
        self.plan_table = QTableView(self)
        self.plan_table.setModel(self.plan_model)
        self.plan_table.setObjectName("plan-table")
        self.plan_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.plan_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.plan_table.verticalHeader().hide()
        self.plan_table.setWordWrap(True)
        header = self.plan_table.horizontalHeader()
        for col in (COL_ACTIVITY, COL_SUBJECT, COL_HOW, COL_ROWS):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_WHY, QHeaderView.ResizeMode.Stretch)
        # The other columns take their widths from their contents only when the view lays
        # out, often after the plan's rows were fitted: "Why" then was narrow and its rows
        # stayed many lines tall. Fit them again whenever "Why" changes width.
        header.sectionResized.connect(self._why_resized)
        self.plan_table.setAccessibleName("Plan")
        self.plan_table.setMinimumHeight(160)
        self.plan_summary = plain_label("", self)
        self.plan_summary.setWordWrap(True)
        activities = QGroupBox("Activities", self)
        # Never squeeze the activity rows (their errors would be cut off): the plan table
        # below is the part that shrinks and scrolls.
        activities.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.grid = QGridLayout(activities)
        self.grid.setColumnStretch(1, 1)
        self.rows: dict[str, ActivityRow] = {}
        for i, name in enumerate(ACTIVITY_NAMES):
            self.rows[name] = ActivityRow(self, self.grid, i, name)
        plan_box = QGroupBox("Plan", self)
        plan_layout = QVBoxLayout(plan_box)
        plan_layout.addWidget(self.plan_summary)
        plan_layout.addWidget(self.plan_table)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(baseline_row)
        layout.addWidget(self.overall)
        layout.addWidget(activities)
        layout.addWidget(plan_box, 1)

    def _baseline_row(self) -> QHBoxLayout:
        """The finished run against its connection's baseline, and the link to its changes."""
        self.baseline_status = plain_label("", self)
        self.baseline_status.setObjectName("run-baseline")
        self.baseline_link = QPushButton("Show the changes in Compare", self)
        self.baseline_link.setObjectName("run-baseline-compare")
        # Drawn as a link (it opens another view), with the palette's link colour.
        self.baseline_link.setFlat(True)
        self.baseline_link.setCursor(Qt.CursorShape.PointingHandCursor)
        link_font = self.baseline_link.font()
        link_font.setUnderline(True)
        self.baseline_link.setFont(link_font)
        link_palette = self.baseline_link.palette()
        link_palette.setColor(
            QPalette.ColorRole.ButtonText, link_palette.color(QPalette.ColorRole.Link)
        )
        self.baseline_link.setPalette(link_palette)
        self.baseline_link.clicked.connect(self.compare_with_baseline.emit)
        baseline_row = QHBoxLayout()
        baseline_row.addWidget(self.baseline_status)
        baseline_row.addWidget(self.baseline_link)
        baseline_row.addStretch(1)
        self.show_baseline("")
        return baseline_row

    def show_baseline(self, verdict: str, *, comparable: bool = False) -> None:
        """The run's word against its baseline ("" hides the line); comparable offers the
        link to its changes in Compare."""
        self.baseline_status.setText(f"Against the baseline: {verdict}." if verdict else "")
        self.baseline_status.setVisible(bool(verdict))
        self.baseline_link.setVisible(bool(verdict) and comparable)

    def reset(self, activities: Sequence[str] = ACTIVITY_NAMES) -> None:
        self.show_baseline("")
        self.overall.setValue(0)
        for name, row in self.rows.items():
            row.fraction = 0.0
            row.bar.setValue(0)
            row.elapsed.setText("")
            row.counts.setText("")
            row.set_state("waiting" if name in activities else "skipped")

    def show_plan(self, plan: Sequence[PlanItem], concurrency: str = "") -> None:
        """The plan's steps, and under the summary how many queries run at once."""
        self.plan_model.set_plan(plan)
        exact = sampled = 0
        rows_total = 0
        for item in plan:
            rows_total += item.estimated_rows
            if item.method == "sampled":
                sampled += 1
            else:
                exact += 1
        self.fit_plan_rows()
        self.plan_summary.setText(
            f"{plural(len(plan), 'step')}: {exact:,} read in full or from the count store, "
            f"{sampled:,} from a sample; about {plural(rows_total, 'entity', 'entities')} to read."
            + (f"\n{concurrency[:1].upper()}{concurrency[1:]}." if concurrency else "")
        )

    def clear_plan(self) -> None:
        self.plan_model.clear()
        self.plan_summary.setText("")

    def fit_plan_rows(self) -> None:
        """Rows as tall as their wrapped "Why", so it reads whole. Done once per plan (not
        a ResizeToContents header, which re-measures every row on every change); past
        WRAP_ROWS_MAX rows they stay one line high, the whole text in the tooltip."""
        if self.plan_model.rowCount() <= WRAP_ROWS_MAX:
            self.plan_table.resizeRowsToContents()

    def _why_resized(self, column: int, _old: int, _new: int) -> None:
        if column == COL_WHY:
            self.fit_plan_rows()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_plan_rows()  # a wider Why column wraps into fewer lines

    def on_progress(self, event: ProgressEvent) -> None:
        row = self.rows.get(event.activity)
        if row is None:
            return
        row.fraction = 1.0 if event.state in ("succeeded", "skipped") else event.fraction
        row.bar.setValue(int(max(0.0, min(1.0, row.fraction)) * 1000))
        row.set_state(event.state)
        row.elapsed.setText(duration_text(event.elapsed_s) if event.elapsed_s else "")
        row.counts.setText(counters_text(event.counts))
        if event.state == "failed":
            row.show_error(None, event.message)
        if event.message and event.state == "running":
            # "Statistics and indexes: node and relationship totals read", not the bare
            # message, which reads as if it spoke for the whole run.
            self.status.setText(f"{row.title.text()}: {event.message}")
        self._update_overall()

    def _update_overall(self) -> None:
        active = [r for r in self.rows.values() if r.state != "skipped" or r.fraction]
        if not active:
            return
        done = sum(
            1.0 if r.state in ("succeeded", "failed", "cancelled") else r.fraction for r in active
        )
        self.overall.setValue(int(done / len(active) * 1000))

    def show_activity_errors(self, activities: Mapping[str, ActivityResult]) -> None:
        """From a finished report: mark each activity's final state, with errors."""
        for name, result in activities.items():
            row = self.rows.get(name)
            if row is None:
                continue
            state = result.status.value
            row.set_state(state)
            row.elapsed.setText(duration_text(result.duration_s))
            if state == "failed":
                row.show_error(result.error)
        self._update_overall()

    def mark_cancelled(self) -> None:
        for row in self.rows.values():
            if row.state in ("waiting", "running"):
                row.set_state("cancelled")
        self.status.setText("Cancelled.")

    def failed_activities(self) -> list[str]:
        return [name for name, row in self.rows.items() if row.state == "failed"]
