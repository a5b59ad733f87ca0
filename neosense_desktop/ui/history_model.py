"""HistoryModel: the saved runs of one connection, oldest first, one row per run, with the
figures the timeline draws and each run's word against the baseline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from .plain_text import plain_tooltip
from .read_only_models import column_title, read_only_flags
from .run_entries import score_text

if TYPE_CHECKING:
    from ..core.runs import RunSummary

ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Metric:
    """One figure of a run, as a column and as a chart."""

    title: str
    value: Callable[[RunSummary], float | None]


METRICS: tuple[Metric, ...] = (
    Metric("Nodes", lambda s: s.node_count),
    Metric("Relationships", lambda s: s.relationship_count),
    Metric("Labels", lambda s: s.label_count),
    Metric("Relationship types", lambda s: s.relationship_type_count),
    Metric("Properties", lambda s: s.property_count),
    Metric("Quality score", lambda s: s.score),
)
COLUMNS = ("Started", *(m.title for m in METRICS), "Against the baseline")
NUMBERS = range(1, 1 + len(METRICS))


def metric_text(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


class HistoryModel(QAbstractTableModel):
    """Rows: runs oldest first. UserRole of any cell: the run id."""

    def __init__(self, verdict_text: Callable[[str], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._verdict_text = verdict_text
        self.runs: list[RunSummary] = []

    def set_runs(self, runs: Sequence[RunSummary]) -> None:
        self.beginResetModel()
        self.runs = sorted(runs, key=lambda s: (s.started_at, s.id))
        self.endResetModel()

    def verdicts_changed(self) -> None:
        if self.runs:
            last = len(COLUMNS) - 1
            self.dataChanged.emit(self.index(0, last), self.index(len(self.runs) - 1, last))

    def row_of(self, run_id: str) -> int:
        return next((i for i, s in enumerate(self.runs) if s.id == run_id), -1)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.runs)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        return column_title(COLUMNS, section, orientation, role)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return read_only_flags(index)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.runs):
            return None
        run = self.runs[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.UserRole:
            return run.id
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f"{run.started_at:%Y-%m-%d %H:%M:%S}"
            if col in NUMBERS:
                metric = METRICS[col - 1]
                value = metric.value(run)
                if metric.title == "Quality score":
                    return score_text(value).removeprefix("score ")
                return metric_text(value)
            return self._verdict_text(run.id)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == len(COLUMNS) - 1:
            text = self._verdict_text(run.id)
            return plain_tooltip(text) if text else None
        return None
