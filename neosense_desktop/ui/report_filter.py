"""ReportFilterProxy: the results tree filtered and sorted, with its search index.

The search index is the text a filter matches for each row (search_text), plus, for each
label and type, every distinct line of the rows below it (search_texts, made in slices
when a report is shown), so "something below matches" is one substring test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt

from .report_nodes import COLUMNS, Node, NodeKind, column_key, fixed_order
from .report_sections import build_root, pattern_name
from .report_tree_model import header_data, node_data
from .slices import drain
from .wording import provenance_text

if TYPE_CHECKING:  # pydantic and the report models load after the first paint
    from ..core.report import Label, Property, RelationshipType, Report
    from .report_tree_model import CellData, ModelIndex, ReportTreeModel
    from .slices import Steps

_COLUMN_COUNT = len(COLUMNS)
_EMPTY_ROOT = build_root(None)

_TEXT_KINDS = frozenset((NodeKind.PROPERTY, NodeKind.INDEX, NodeKind.CONSTRAINT, NodeKind.FINDING))


def search_text(node: Node) -> str:
    """What the filter matches for a node: its name, plus types/message where meaningful.
    Sections match nothing (their names would keep every row)."""
    text = node.search
    if text is None:
        if node.kind is NodeKind.SECTION:
            text = "\x00"  # no needle (typed text) contains NUL
        elif node.kind in _TEXT_KINDS:
            text = f"{node.name}\n{node.types}\n{node.provenance}".casefold()
        else:
            text = node.name.casefold()
        node.search = text
    return text


def _propertysearch_text(prop: Property) -> str:
    """_search_text of the node _property_node(prop) would make, without making it."""
    return f"{prop.name}\n{', '.join(prop.types)}\n{provenance_text(prop.provenance)}".casefold()


def _descendants_text(payload: Label | RelationshipType) -> str:
    """The search texts of every node below a label or type, NUL-separated.

    The same texts the nodes would give (_search_text); a needle (typed text, never NUL)
    cannot match across two. Used for needles with a line break; see _descendant_lines.
    """
    from ..core.report import RelationshipType

    parts = [_propertysearch_text(p) for p in payload.properties]
    if isinstance(payload, RelationshipType):
        if payload.patterns:
            parts.append("patterns")
            parts += [pattern_name(p, payload.name).casefold() for p in payload.patterns]
        if payload.properties:
            parts.append("properties")
    return "\x00".join(parts)


def _descendant_lines(payload: Label | RelationshipType) -> str:
    """Every distinct line of _descendants_text(payload), NUL-separated.

    A needle with no line break is in one of those texts exactly when it is in one of their
    lines, so "a descendant matches" is one substring test here, without building the rows
    below. The lines that repeat from property to property (types, provenance) are kept
    once: a fifth of the memory of the whole texts.
    """
    from ..core.report import RelationshipType

    lines: dict[str, None] = {}
    for p in payload.properties:
        lines[p.name.casefold()] = None
        lines[", ".join(p.types).casefold()] = None
        lines[provenance_text(p.provenance).casefold()] = None
    if isinstance(payload, RelationshipType):
        if payload.patterns:
            lines["patterns"] = None
            for pattern in payload.patterns:
                lines[pattern_name(pattern, payload.name).casefold()] = None
        if payload.properties:
            lines["properties"] = None
    return "\x00".join(lines)


def search_texts(report: Report) -> dict[int, str]:
    """_descendant_lines of every label and type, by id() of the payload.

    The result goes to ReportFilterProxy.add_search_texts() while the same report is shown.
    """
    return drain(search_texts_steps(report))


def search_texts_steps(report: Report) -> Steps[dict[int, str]]:
    """search_texts() one label or type per step (for run_sliced: ~0.2 s for 100,000
    properties, too long to hold the event loop)."""
    texts: dict[int, str] = {}
    payloads: list[Label | RelationshipType] = [*report.labels, *report.relationship_types]
    for payload in payloads:
        texts[id(payload)] = _descendant_lines(payload)
        yield
    return texts


class ReportFilterProxy(QAbstractItemModel):
    """A ReportTreeModel filtered and sorted: the model the results tree shows.

    Filtering is case-insensitive and keeps matching rows, their parents and their children.
    It is a plain Python model over the source's nodes rather than a QSortFilterProxyModel,
    which calls Python (filterAcceptsRow, lessThan, index) for every one of the source rows
    on every change. Here a node's shown children are worked out only when a view asks for
    them, with one list comprehension and one sorted(); "has a matching descendant" for a
    label or type is one substring test in its search text (search_texts(), made in
    slices when a report is shown). A filter or sort change is one layoutChanged
    with the persistent indexes (expanded rows, selection) moved to their new rows.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: ReportTreeModel | None = None
        self._needle = ""
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        # id(node) -> its shown children, in order, and id(child) -> its row among them.
        self._shown: dict[int, list[Node]] = {}
        self._rows: dict[int, int] = {}
        # id(node) -> whether something below it matches the current needle.
        self._below: dict[int, bool] = {}
        # id(label or type payload) -> _descendant_lines(payload).
        self._text_below: dict[int, str] = {}

    # -- source ----------------------------------------------------------------------
    def setSourceModel(self, model: ReportTreeModel) -> None:
        self.beginResetModel()
        if self._source is not None:
            self._source.modelAboutToBeReset.disconnect(self._source_about_to_reset)
            self._source.modelReset.disconnect(self._source_reset)
            self._source.headerDataChanged.disconnect(self.headerDataChanged)
        self._source = model
        model.modelAboutToBeReset.connect(self._source_about_to_reset)
        model.modelReset.connect(self._source_reset)
        model.headerDataChanged.connect(self.headerDataChanged)
        self._forget(texts=True)
        self.endResetModel()

    def sourceModel(self) -> ReportTreeModel | None:
        return self._source

    def _source_about_to_reset(self) -> None:
        self.beginResetModel()

    def _source_reset(self) -> None:
        self._forget(texts=True)
        self.endResetModel()

    def _forget(self, *, texts: bool = False) -> None:
        self._shown = {}
        self._rows = {}
        self._below = {}
        if texts:
            self._text_below = {}

    def _root(self) -> Node:
        return self._source.root if self._source is not None else _EMPTY_ROOT

    def add_search_texts(self, texts: dict[int, str]) -> None:
        """Install search_texts(report), made ahead in slices, for the report shown now."""
        self._text_below.update(texts)

    def search_texts_ready(self) -> bool:
        """True when no label or type of the shown report needs its search text made."""
        report = self._source.report if self._source is not None else None
        if report is None:
            return True
        texts = self._text_below
        return all(id(x) in texts for x in (*report.labels, *report.relationship_types))

    # -- filter and sort -------------------------------------------------------------
    @property
    def needle(self) -> str:
        return self._needle

    def set_filter_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        self._relayout(lambda: setattr(self, "_needle", needle))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort every level by column (-1: the report's order); sections keep their order."""
        column = column if 0 <= column < _COLUMN_COUNT else -1
        if column == self._sort_column and (column < 0 or order == self._sort_order):
            return

        def change() -> None:
            self._sort_column, self._sort_order = column, order

        self._relayout(change)

    def sort_column(self) -> int:
        return self._sort_column

    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def _relayout(self, change: Callable[[], None]) -> None:
        """Apply a filter or sort change: rows move, appear and vanish in one layoutChanged."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        where = [(i.internalPointer(), i.column()) for i in old]
        change()
        self._forget()
        new = [self._index_of(node, column) for node, column in where]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _self_matches(self, node: Node) -> bool:
        return self._needle in search_text(node)

    def _ancestor_matches(self, node: Node) -> bool:
        parent = node.parent
        while parent is not None:
            if self._self_matches(parent):
                return True
            parent = parent.parent
        return False

    def _descendant_matches(self, node: Node) -> bool:
        from ..core.report import Label, RelationshipType

        payload = node.payload
        if isinstance(payload, Label | RelationshipType):  # one substring test, no cache
            needle = self._needle
            if "\n" in needle:  # spans lines: the whole texts (typed text never does)
                return needle in _descendants_text(payload)
            text = self._text_below.get(id(payload))
            if text is None:  # not made ahead (yet): make it here
                text = self._text_below[id(payload)] = _descendant_lines(payload)
            return needle in text
        key = id(node)
        found = self._below.get(key)
        if found is not None:
            return found
        found = any(self._self_matches(c) or self._descendant_matches(c) for c in node.children)
        self._below[key] = found
        return found

    def _inherits_match(self, node: Node) -> bool:
        return self._self_matches(node) or self._ancestor_matches(node)

    def _accepts(self, node: Node) -> bool:
        return (
            self._self_matches(node)
            or self._ancestor_matches(node)
            or self._descendant_matches(node)
        )

    def _children(self, node: Node) -> list[Node]:
        """The children of node the view shows, filtered and sorted (cached until a change)."""
        shown = self._shown.get(id(node))
        if shown is not None:
            return shown
        children = node.children
        # All children are shown when the node or an ancestor matches; else those that match
        # or have a match below.
        needle = self._needle
        if needle and children and not self._inherits_match(node):
            below = self._descendant_matches
            children = [c for c in children if needle in search_text(c) or below(c)]
        column = self._sort_column
        if column >= 0 and len(children) > 1 and not fixed_order(children[0]):
            children = self._sorted(children, column)
        self._shown[id(node)] = children
        rows = self._rows
        for row, child in enumerate(children):
            rows[id(child)] = row
        return children

    def _sorted(self, children: list[Node], column: int) -> list[Node]:
        keys = [column_key(c, column) for c in children]
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        try:
            order = sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
        except TypeError:  # mixed kinds in one parent: compare as text
            texts = [str(k) for k in keys]
            order = sorted(range(len(keys)), key=texts.__getitem__, reverse=descending)
        return [children[i] for i in order]

    def _row(self, node: Node) -> int:
        """node's row in the view, or -1 when it is filtered out."""
        row = self._rows.get(id(node))
        if row is None:
            parent = node.parent
            if parent is None:
                return -1
            if parent.parent is not None and self._row(parent) < 0:
                return -1
            self._children(parent)
            row = self._rows.get(id(node))
            if row is None:
                return -1
        return row

    def _index_of(self, node: object, column: int) -> QModelIndex:
        if not isinstance(node, Node) or node.parent is None:
            return QModelIndex()
        row = self._row(node)
        return self.createIndex(row, column, node) if row >= 0 else QModelIndex()

    # -- mapping (the QSortFilterProxyModel names the window uses) --------------------
    def mapToSource(self, index: ModelIndex) -> QModelIndex:
        if not index.isValid() or self._source is None:
            return QModelIndex()
        return self._source.index_for(index.internalPointer(), index.column())

    def mapFromSource(self, index: ModelIndex) -> QModelIndex:
        if not index.isValid():
            return QModelIndex()
        return self._index_of(index.internalPointer(), index.column())

    def node(self, index: ModelIndex) -> Node:
        if not index.isValid():
            return self._root()
        node = index.internalPointer()
        assert isinstance(node, Node)
        return node

    # -- QAbstractItemModel ----------------------------------------------------------
    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid():
            if parent.column() != 0:
                return QModelIndex()
            node = parent.internalPointer()
        else:
            node = self._root()
        children = self._shown.get(id(node))
        if children is None:
            children = self._children(node)
        if 0 <= row < len(children) and 0 <= column < _COLUMN_COUNT:
            return self.createIndex(row, column, children[row])
        return QModelIndex()

    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = index.internalPointer().parent
        if parent is None or parent.parent is None:
            return QModelIndex()
        row = self._rows.get(id(parent))
        if row is None:
            row = self._row(parent)
            if row < 0:
                return QModelIndex()
        return self.createIndex(row, 0, parent)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            if parent.column() != 0:
                return 0
            node = parent.internalPointer()
        else:
            node = self._root()
        return len(self._children(node))

    def hasChildren(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        # Answered from the data: building and filtering children only to draw an expand
        # arrow would build 100,000 property rows for 2,000 labels. A node the view shows
        # passed the filter: it or an ancestor matches (all its children show) or something
        # below it does (that child shows), so it has children shown if it has any.
        if not parent.isValid():
            return bool(self._children(self._root()))
        return parent.column() == 0 and parent.internalPointer().has_children

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return _COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        return header_data(section, orientation, role)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> CellData:
        if not index.isValid():
            return None
        return node_data(index.internalPointer(), index.column(), role)
