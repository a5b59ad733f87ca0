"""ReportTreeModel: a Report as a lazy, read-only Qt tree (report_sections builds the rows).

Columns (report_nodes.COLUMNS), each with one meaning in every section: Name, Count, Fill
rate, Reads, Last read, Details, Source. Sorting (report_filter) uses SORT_ROLE:
numbers for count and fill rate, case-folded text for names; the seven sections keep their
order whichever way a column is sorted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from ..core.report_constants import Severity
from .icons import kind_icon
from .plain_text import plain_tooltip
from .report_nodes import (
    COL_COUNT,
    COL_DETAILS,
    COL_FILL,
    COL_NAME,
    COL_READS,
    COLUMN_MEANINGS,
    COLUMNS,
    SECTION_OF_KEY,
    Node,
    NodeKey,
    NodeKind,
    SortKey,
    display_text,
    sort_key,
)
from .report_sections import build_root

if TYPE_CHECKING:
    from ..core.report import Report
    from .report_nodes import (
        Section,
    )
    from .report_sections import Prebuilt

ModelIndex = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
KEY_ROLE = Qt.ItemDataRole.UserRole + 3

SEVERITY_COLORS = {
    Severity.ERROR: QColor(0xD3, 0x2F, 0x2F),
    Severity.WARNING: QColor(0xE0, 0x8A, 0x00),
    Severity.INFO: QColor(0x1E, 0x88, 0xE5),
}

# What data() returns for the roles the tree uses.
CellData = str | int | float | QIcon | QFont | QBrush | NodeKey | SortKey | None

# Rows a key's search descends into whatever their key (they group other rows).
_CONTAINER_KINDS = (NodeKind.SECTION, NodeKind.GROUP, NodeKind.SEVERITY)


class ReportTreeModel(QAbstractItemModel):
    """A read-only tree over one Report (or none). Replace it with set_report()."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._report: Report | None = None
        self._root = build_root(None)

    # -- content ---------------------------------------------------------------------
    @property
    def report(self) -> Report | None:
        return self._report

    @property
    def root(self) -> Node:
        return self._root

    def set_report(self, report: Report | None) -> None:
        self.beginResetModel()
        old = self._root
        self._report = report
        self._root = build_root(report)
        self.endResetModel()
        old.release()

    def node(self, index: ModelIndex) -> Node:
        if not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, Node)
        return node

    def section_node(self, section: Section) -> Node | None:
        return next((s for s in self._root.children if s.section is section), None)

    def adopt(self, report: Report, built: Prebuilt) -> None:
        """Install prebuild(report) for the sections not built yet, if report is shown."""
        if report is not self._report:
            return
        for section in self._root.children:
            children = built.get(section.section) if section.section else None
            if children is not None and not section.built:
                section.adopt(children)

    def build_all(self) -> int:
        """Materialise every node (done once before filtering); returns the node count."""
        stack = [self._root]
        total = 0
        while stack:
            node = stack.pop()
            total += 1
            stack.extend(node.children)
        return total

    def find(self, key: NodeKey) -> QModelIndex:
        """The index of the node with this key, building only the section that holds it
        (and, for a pattern, only its relationship type)."""
        if not key:
            return QModelIndex()
        if key[0] == "section":
            stack = [s for s in self._root.children if s.key == key]
        else:
            section = SECTION_OF_KEY.get(key[0])
            stack = [s for s in self._root.children if section is None or s.section is section]
        if key[0] == "pattern" and len(key) == 4:
            rel = key[2]
            stack = [
                g
                for s in stack
                for t in s.children
                if t.kind is NodeKind.REL_TYPE and t.name == rel
                for g in t.children
            ]
        while stack:
            node = stack.pop(0)
            if node.key == key:
                return self.createIndex(node.row, 0, node)
            if node.kind in _CONTAINER_KINDS or key[: len(node.key)] == node.key:
                stack.extend(node.children)
        return QModelIndex()

    # -- QAbstractItemModel ----------------------------------------------------------
    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        # Checked here rather than with hasIndex(), which calls back into rowCount() and
        # columnCount() in Python: the proxy asks for ~30 indexes per row when it sorts.
        if parent.isValid():
            if parent.column() != 0:
                return QModelIndex()
            children = parent.internalPointer().children
        else:
            children = self._root.children
        if 0 <= row < len(children) and 0 <= column < len(COLUMNS):
            return self.createIndex(row, column, children[row])
        return QModelIndex()

    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = self.node(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def hasChildren(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return False
        return self.node(parent).has_children

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        return header_data(section, orientation, role)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> CellData:
        if not index.isValid():
            return None
        return node_data(index.internalPointer(), index.column(), role)

    def index_for(self, node: Node, column: int = 0) -> QModelIndex:
        """The index of a node of this model (invalid for the root)."""
        if node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row, column, node)


# data() runs for every role of every cell a view paints: plain ints, no enum arithmetic.
# (flags() is not overridden: Qt's default, enabled and selectable, is what the tree wants,
# and a Python flags() would be called twice per row each time the view lays out its rows.)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_SORT = int(SORT_ROLE)
_KIND = int(KIND_ROLE)
_KEY = int(KEY_ROLE)
_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_BOLD: list[QFont] = []  # made on first use (a QFont wants the application)


def header_data(column: int, orientation: Qt.Orientation, role: int) -> str | None:
    """The columns' titles; each title's tooltip says what its column holds."""
    if orientation != Qt.Orientation.Horizontal or not 0 <= column < len(COLUMNS):
        return None
    if role == _DISPLAY:
        return COLUMNS[column]
    if role == _TOOLTIP:
        return COLUMN_MEANINGS[column]
    return None


def _bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def cell_tooltip(node: Node, col: int) -> str:
    """Every cell's whole text (a narrow column elides it, and nothing is cut silently);
    a count adds what it counts and where it came from."""
    text = display_text(node, col)
    if col == COL_NAME and node.note:
        return f"{text}\n{node.note}"
    if col == COL_COUNT and node.count_tip:
        return f"{text}: {node.count_tip}" if text else node.count_tip
    if col == COL_NAME and node.kind is NodeKind.FINDING and node.types:
        return f"{text}\n{node.types}"
    if col == COL_NAME and node.kind is NodeKind.PATTERN and node.count_tip:
        return f"{text}\n{node.count_tip}"
    return text


def _decoration(node: Node, col: int) -> QIcon | None:
    if col == COL_NAME:
        severity = node.severity.value if node.severity else None
        # A property that findings concern keeps its own icon, with a severity badge.
        return kind_icon(node.kind.value, severity, badge=bool(node.note))
    return None


def _font(node: Node, _col: int) -> QFont | None:
    if node.kind is NodeKind.SECTION:
        if not _BOLD:
            _BOLD.append(_bold_font())
        return _BOLD[0]
    return None


def _alignment(_node: Node, col: int) -> int | None:
    return _RIGHT_ALIGNED if col in (COL_COUNT, COL_FILL, COL_READS) else None


def _foreground(node: Node, col: int) -> QBrush | None:
    if node.severity is not None and not node.note and col in (COL_NAME, COL_DETAILS):
        return QBrush(SEVERITY_COLORS[node.severity])
    return None


def _background(node: Node, _col: int) -> QBrush | None:
    if node.kind is NodeKind.SECTION:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            return app.palette().brush(QPalette.ColorRole.AlternateBase)
    return None


def _tooltip(node: Node, col: int) -> str | None:
    tip = cell_tooltip(node, col)
    return plain_tooltip(tip) if tip else None


def _kind(node: Node, _col: int) -> str:
    return node.kind.value


def _key(node: Node, _col: int) -> NodeKey:
    return node.key


# What each role the tree uses returns for a cell; any other role: None.
_ROLE_DATA: dict[int, Callable[[Node, int], CellData]] = {
    _DISPLAY: display_text,
    _DECORATION: _decoration,
    _FONT: _font,
    _ALIGNMENT: _alignment,
    _FOREGROUND: _foreground,
    _BACKGROUND: _background,
    _TOOLTIP: _tooltip,
    _SORT: sort_key,
    _KIND: _kind,
    _KEY: _key,
}


def node_data(node: Node, col: int, role: int) -> CellData:
    """ReportTreeModel.data() for a node (the proxy shows the same nodes)."""
    data = _ROLE_DATA.get(role)
    return data(node, col) if data is not None else None
