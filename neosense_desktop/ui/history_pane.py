"""The History tab: one connection's saved runs over time, as a chart and a table.

It follows the connection selected in the Connections list (or the one picked here). A
click on a run in the chart, or Enter on a row of the table, compares that run with the
one before it (the Compare tab). "Mark as baseline" makes the selected run the
connection's baseline; the table says what each later run is against it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.terminal_text import printable
from .history_model import HistoryModel
from .plain_text import plain_label
from .timeline_chart import TimelineChart

if TYPE_CHECKING:
    from ..core.profiles import Profile
    from ..core.runs import RunSummary
    from .baseline_verdicts import BaselineVerdicts

FIRST_RUN = "This is the connection's first saved run: there is no run before it to compare."


class HistoryPane(QWidget):
    """Signals:
    compare_requested(str, str): compare the run of the first id (before) with the second.
    mark_requested(object): make this RunSummary its connection's baseline.
    """

    compare_requested = Signal(str, str)
    mark_requested = Signal(object)

    def __init__(
        self,
        verdicts: BaselineVerdicts,
        saved_runs: Callable[[], list[RunSummary]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.verdicts = verdicts
        self._saved_runs = saved_runs
        self.profiles: list[Profile] = []
        self.model = HistoryModel(verdicts.text, self)
        self.connection_box = QComboBox(self)
        self.connection_box.setObjectName("history-connection")
        self.connection_box.setAccessibleName("Connection")
        self.connection_box.setMinimumContentsLength(24)
        self.connection_box.currentIndexChanged.connect(lambda _i: self.show_runs())
        connection_label = QLabel("C&onnection:", self)
        connection_label.setBuddy(self.connection_box)
        self.mark_button = QPushButton("Mark as &baseline", self)
        self.mark_button.setObjectName("history-mark-baseline")
        self.mark_button.clicked.connect(self._mark_clicked)
        self.status = plain_label("", self)
        self.status.setObjectName("history-status")
        self.status.setWordWrap(True)
        self.chart = TimelineChart(self.model, self)
        self.chart.setObjectName("history-chart")
        self.chart.run_activated.connect(self.compare_with_previous)
        self.chart.current_changed.connect(self._chart_moved)
        self.table = QTableView(self)
        self.table.setObjectName("history-table")
        self.table.setAccessibleName("Saved runs of the connection")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(lambda index: self.compare_with_previous(index.row()))
        self.table.selectionModel().currentRowChanged.connect(self._table_moved)
        top = QHBoxLayout()
        top.addWidget(connection_label)
        top.addWidget(self.connection_box, 1)
        top.addWidget(self.mark_button)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)
        verdicts.changed.connect(self._verdicts_changed)
        self._update_buttons()

    # ------------------------------------------------------------------ connections
    def set_profiles(self, profiles: list[Profile], current: Profile | None) -> None:
        self.profiles = list(profiles)
        keep = current.id if current is not None else self.connection_box.currentData()
        self.connection_box.blockSignals(True)
        self.connection_box.clear()
        for profile in self.profiles:
            self.connection_box.addItem(printable(profile.name), profile.id)
        index = self.connection_box.findData(keep) if keep is not None else -1
        self.connection_box.setCurrentIndex(max(index, 0) if self.profiles else -1)
        self.connection_box.blockSignals(False)
        self.show_runs()

    def follow(self, profile: Profile | None) -> None:
        """Another connection was selected in the Connections list."""
        if profile is not None and profile.id != self.connection_box.currentData():
            index = self.connection_box.findData(profile.id)
            if index >= 0:
                self.connection_box.setCurrentIndex(index)

    def profile_id(self) -> str:
        data = self.connection_box.currentData()
        return data if isinstance(data, str) else ""

    def show_runs(self) -> None:
        """The selected connection's saved runs, from the run store's latest list."""
        pid = self.profile_id()
        selected = self.selected_run()
        runs = [s for s in self._saved_runs() if pid and s.profile_id == pid]
        self.model.set_runs(runs)
        row = self.model.row_of(selected.id) if selected is not None else -1
        self._select(row if row >= 0 else len(runs) - 1)
        self._mark_baseline()
        self._say_runs()
        self._update_buttons()

    def _say_runs(self) -> None:
        count = len(self.model.runs)
        name = self.connection_box.currentText()
        self.status.setText(
            f"{count:,} saved run{'s' if count != 1 else ''} on {name}. "
            "Click a run in the chart (or Enter on a row) to compare it with the one before."
            if count
            else f"No saved runs on {name} yet: press F5 to run one."
            if name
            else "No connection yet."
        )

    def _verdicts_changed(self) -> None:
        self.model.verdicts_changed()
        self._mark_baseline()
        self._update_buttons()  # the selected run may be the baseline now

    def _mark_baseline(self) -> None:
        baseline = self.verdicts.baseline_of(self.profile_id())
        self.chart.baseline_row = self.model.row_of(baseline.run_id) if baseline else -1
        self.chart.update()

    # ------------------------------------------------------------------ selection
    def selected_run(self) -> RunSummary | None:
        row = self.table.currentIndex().row()
        return self.model.runs[row] if 0 <= row < len(self.model.runs) else None

    def _select(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(row, 0))
        self.chart.set_current(row)

    def _chart_moved(self, row: int) -> None:
        if self.table.currentIndex().row() != row:
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _table_moved(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.chart.set_current(current.row())
        self._say_runs()  # what was said about the run selected before no longer holds
        self._update_buttons()

    def _update_buttons(self) -> None:
        run = self.selected_run()
        self.mark_button.setEnabled(run is not None and not self.verdicts.is_baseline(run.id))

    # ------------------------------------------------------------------ actions
    def compare_with_previous(self, row: int) -> None:
        if not 0 <= row < len(self.model.runs):
            return
        self._select(row)
        if row == 0:
            self.status.setText(FIRST_RUN)
            return
        self.compare_requested.emit(self.model.runs[row - 1].id, self.model.runs[row].id)

    def _mark_clicked(self) -> None:
        run = self.selected_run()
        if run is not None:
            self.mark_requested.emit(run)
