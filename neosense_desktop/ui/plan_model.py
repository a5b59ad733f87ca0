"""The Run tab's plan as an item model: one row per plan item, in words.

The rows are the engine's PlanItems as they are (the plan shown is the plan that runs); only
their names become words here: "count_store" reads "Count store", "*" reads "whole
database", and the reason is shown whole (wrapped, and as a tooltip).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from .wording import activity_title

if TYPE_CHECKING:
    from ..core.report import PlanItem

HEADERS = ("Activity", "Subject", "How", "Rows to read", "Why")
COL_ACTIVITY, COL_SUBJECT, COL_HOW, COL_ROWS, COL_WHY = range(len(HEADERS))

METHOD_WORDS = {
    "count_store": "Count store",
    "exact": "Read in full",
    "sampled": "Sample",
}

Index = QModelIndex | QPersistentModelIndex


def method_words(method: str) -> str:
    return METHOD_WORDS.get(method, method.replace("_", " ").capitalize())


def subject_words(subject: str) -> str:
    return "whole database" if subject == "*" else subject


class PlanTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[PlanItem] = []

    def set_plan(self, plan: Sequence[PlanItem]) -> None:
        self.beginResetModel()
        self._items = list(plan)
        self.endResetModel()

    def clear(self) -> None:
        self.set_plan([])

    def item(self, row: int) -> PlanItem:
        return self._items[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's API)
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(item, col)
            if role == Qt.ItemDataRole.ToolTipRole:
                # Qt guesses rich text in tooltips: a name like "<b>" must stay text.
                return _plain_tooltip(text) if col in (COL_SUBJECT, COL_WHY) else None
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_ROWS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(item: PlanItem, col: int) -> str:
        if col == COL_ACTIVITY:
            return activity_title(item.activity)
        if col == COL_SUBJECT:
            return subject_words(item.subject)
        if col == COL_HOW:
            return method_words(item.method)
        if col == COL_ROWS:
            return f"{item.estimated_rows:,}"
        return item.reason[:1].upper() + item.reason[1:]


def _plain_tooltip(text: str) -> str:
    from html import escape

    return "<p style='white-space:pre-wrap'>" + escape(text) + "</p>"
