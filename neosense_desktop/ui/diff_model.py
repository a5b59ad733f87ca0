"""DiffTreeModel: the changes between two reports as a colour-coded tree.

Changes are grouped by what they are about (labels, relationship types, properties,
indexes, constraints, counts, quality), in words, then listed by their message: the
sentence core.diff wrote ("Property vip added to :Customer (BOOLEAN)"), never the path it
locates the change by. Added rows are green, removed red, changed amber; the colour is also
spelled out in the Change column, so it does not rely on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ..core.terminal_text import printable
from .plain_text import plain_tooltip
from .read_only_models import column_title, read_only_flags

if TYPE_CHECKING:
    from ..core.diff import Change

ModelIndex = QModelIndex | QPersistentModelIndex

KIND_COLORS = {
    "added": QColor(0x2E, 0x9D, 0x3A),
    "removed": QColor(0xD3, 0x2F, 0x2F),
    "changed": QColor(0xE0, 0x8A, 0x00),
}
KIND_SYMBOLS = {"added": "+", "removed": "−", "changed": "~"}
COLUMNS = ("What changed", "Change")


def category_title(category: str) -> str:
    """The group's title in words (core.diff's, shared with the check's JUnit classes); a
    category a newer engine adds is shown with its underscores as spaces, after these."""
    from ..core.diff import CATEGORY_TITLES

    return CATEGORY_TITLES.get(category) or category.replace("_", " ").capitalize()


def _order(category: str) -> int:
    from ..core.diff import CATEGORY_TITLES

    order = list(CATEGORY_TITLES)
    return order.index(category) if category in order else len(order)


class _Row:
    __slots__ = ("change", "children", "kind", "parent", "row", "title")

    def __init__(self, title: str, kind: str = "", change: Change | None = None) -> None:
        self.title = title
        self.kind = kind
        self.change = change
        self.children: list[_Row] = []
        self.parent: _Row | None = None
        self.row = 0


class DiffTreeModel(QAbstractItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = _Row("")
        self.change_count = 0
        self._breaking: set[int] = set()

    def set_changes(self, changes: Sequence[Change], breaking: Sequence[Change] = ()) -> None:
        """changes: a ReportDiff's changes, grouped here by category. breaking: those of
        them (the same objects) that break the baseline Before is, said in their row."""
        self.beginResetModel()
        self._breaking = {id(ch) for ch in breaking}
        root = _Row("")
        groups: dict[str, _Row] = {}
        ordered = sorted(changes, key=lambda ch: _order(str(ch.category)))  # stable
        for change in ordered:
            title = category_title(str(change.category))
            group = groups.get(title)
            if group is None:
                group = _Row(title)
                group.parent = root
                group.row = len(root.children)
                root.children.append(group)
                groups[title] = group
            row = _Row(printable(change.message), str(change.kind), change)
            row.parent = group
            row.row = len(group.children)
            group.children.append(row)
        self._root = root
        self.change_count = len(changes)
        self.endResetModel()

    def _row(self, index: ModelIndex) -> _Row:
        if not index.isValid():
            return self._root
        row = index.internalPointer()
        assert isinstance(row, _Row)
        return row

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self._row(parent).children[row])

    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = self._row(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._row(parent).children)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        return column_title(COLUMNS, section, orientation, role)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return read_only_flags(index)

    def data(
        self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | QBrush | QFont | None:
        if not index.isValid():
            return None
        row = self._row(index)
        col = index.column()
        change = row.change
        if role == Qt.ItemDataRole.DisplayRole:
            if change is None:
                return f"{row.title} ({len(row.children)})" if col == 0 else ""
            if col == 0:
                return row.title
            if col == 1:
                kind = f"{KIND_SYMBOLS.get(row.kind, '')} {row.kind}".strip()
                return f"{kind} · breaks the baseline" if id(change) in self._breaking else kind
            return ""
        if role == Qt.ItemDataRole.ForegroundRole and change is not None and col in (0, 1):
            color = KIND_COLORS.get(row.kind)
            return QBrush(color) if color is not None else None
        if role == Qt.ItemDataRole.FontRole and change is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and change is not None:
            return plain_tooltip(change.message) if change.message else None
        if role == Qt.ItemDataRole.UserRole:
            return row.kind
        return None
