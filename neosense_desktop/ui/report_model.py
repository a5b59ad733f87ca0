"""ReportTreeModel: a Report as a lazy tree, and ReportFilterProxy to filter and sort it.

The tree is built on demand: a node makes its children the first time a view asks for
them, so a report with 2,000 labels of 50 properties costs 2,000 nodes until the user
opens a label (or filters, which visits everything once).

Columns: Name, Count, Fill rate, Types, Provenance. Sorting uses SORT_ROLE (numbers for
count and fill rate, case-folded text for names); the seven sections keep their order
whichever way a column is sorted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from ..core.report import (
    Constraint,
    Finding,
    Index,
    Label,
    Pattern,
    Property,
    Provenance,
    RelationshipType,
    Report,
    Severity,
)
from .icons import kind_icon
from .slices import Steps, drain

ModelIndex = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
KEY_ROLE = Qt.ItemDataRole.UserRole + 3

COLUMNS = ("Name", "Count", "Fill rate", "Types", "Provenance")
COL_NAME, COL_COUNT, COL_FILL, COL_TYPES, COL_PROVENANCE = range(len(COLUMNS))


def _bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class NodeKind(StrEnum):
    SECTION = "section"
    GROUP = "group"
    INFO = "info"
    LABEL = "label"
    REL_TYPE = "relationship_type"
    PROPERTY = "property"
    PATTERN = "pattern"
    INDEX = "index"
    CONSTRAINT = "constraint"
    SEVERITY = "severity"
    FINDING = "finding"
    STATISTIC = "statistic"


SECTION_NAMES = (
    "Overview",
    "Labels",
    "Relationship types",
    "Indexes",
    "Constraints",
    "Quality findings",
    "Statistics",
)

SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
SEVERITY_COLORS = {
    Severity.ERROR: QColor(0xD3, 0x2F, 0x2F),
    Severity.WARNING: QColor(0xE0, 0x8A, 0x00),
    Severity.INFO: QColor(0x1E, 0x88, 0xE5),
}


class Node:
    """One row of the tree. Children are made by `build` on first use."""

    __slots__ = (
        "_build",
        "_children",
        "child_count_hint",
        "count",
        "fill_rate",
        "key",
        "kind",
        "name",
        "order",
        "parent",
        "payload",
        "provenance",
        "row",
        "search",
        "severity",
        "types",
    )

    def __init__(
        self,
        kind: NodeKind,
        name: str,
        *,
        count: int | float | None = None,
        fill_rate: float | None = None,
        types: str = "",
        provenance: str = "",
        payload: Any = None,
        key: str = "",
        severity: Severity | None = None,
        build: Callable[[Node], list[Node]] | None = None,
        child_count_hint: int = 0,
        order: int = 0,
    ) -> None:
        self.kind = kind
        self.name = name
        self.count = count
        self.fill_rate = fill_rate
        self.types = types
        self.provenance = provenance
        self.payload = payload
        self.key = key
        self.severity = severity
        self.order = order
        self.parent: Node | None = None
        self.row = 0
        self.search: str | None = None  # _search_text(self), made on first use
        self._build = build
        self._children: list[Node] | None = None if build else []
        self.child_count_hint = child_count_hint if build else 0

    @property
    def children(self) -> list[Node]:
        if self._children is None:
            assert self._build is not None
            made = self._build(self)
            for i, child in enumerate(made):
                child.parent = self
                child.row = i
            self._children = made
            self._build = None
        return self._children

    @property
    def has_children(self) -> bool:
        if self._children is None:
            return self.child_count_hint > 0
        return bool(self._children)

    @property
    def built(self) -> bool:
        return self._children is not None

    def adopt(self, children: list[Node]) -> None:
        """Take children made ahead by the same builder (prebuild)."""
        for i, child in enumerate(children):
            child.parent = self
            child.row = i
        self._children = children
        self._build = None


def provenance_text(p: Provenance | None) -> str:
    if p is None:
        return ""
    if p.method == "sample":
        return f"sample of {p.sample_size:,}" if p.sample_size is not None else "sample"
    return {"count_store": "count store", "scan": "full scan"}.get(p.method, p.method)


def _property_node(prop: Property, owner_key: str) -> Node:
    return Node(
        NodeKind.PROPERTY,
        prop.name,
        count=prop.observed,
        fill_rate=prop.fill_rate,
        types=", ".join(prop.types),
        provenance=provenance_text(prop.provenance),
        payload=prop,
        key=f"{owner_key}/{prop.name}",
    )


def _pattern_name(p: Pattern, rel_type: str) -> str:
    start = f":{p.start}" if p.start else ""
    end = f":{p.end}" if p.end else ""
    return f"({start})-[:{rel_type}]->({end})"


def _label_node(label: Label) -> Node:
    key = f"label:{label.name}"
    return Node(
        NodeKind.LABEL,
        label.name,
        count=label.count,
        types=f"{len(label.properties)} properties" if label.properties else "",
        provenance=provenance_text(label.count_provenance),
        payload=label,
        key=key,
        build=lambda _n: [_property_node(p, key) for p in label.properties],
        child_count_hint=len(label.properties),
    )


def _rel_type_node(rel: RelationshipType) -> Node:
    key = f"type:{rel.name}"

    def build(_n: Node) -> list[Node]:
        groups: list[Node] = []
        if rel.patterns:
            groups.append(
                Node(
                    NodeKind.GROUP,
                    "Patterns",
                    count=len(rel.patterns),
                    key=f"{key}/patterns",
                    order=0,
                    build=lambda _g: [
                        Node(
                            NodeKind.PATTERN,
                            _pattern_name(p, rel.name),
                            count=p.count,
                            provenance=provenance_text(p.provenance),
                            payload=p,
                            key=f"pattern:{p.start}|{rel.name}|{p.end}",
                        )
                        for p in rel.patterns
                    ],
                    child_count_hint=len(rel.patterns),
                )
            )
        if rel.properties:
            groups.append(
                Node(
                    NodeKind.GROUP,
                    "Properties",
                    count=len(rel.properties),
                    key=f"{key}/properties",
                    order=1,
                    build=lambda _g: [_property_node(p, key) for p in rel.properties],
                    child_count_hint=len(rel.properties),
                )
            )
        return groups

    return Node(
        NodeKind.REL_TYPE,
        rel.name,
        count=rel.count,
        types=f"{len(rel.patterns)} patterns, {len(rel.properties)} properties",
        provenance=provenance_text(rel.count_provenance),
        payload=rel,
        key=key,
        build=build,
        child_count_hint=int(bool(rel.patterns)) + int(bool(rel.properties)),
    )


def _schema_target(item: Index | Constraint) -> str:
    names = ", ".join(item.labels_or_types) or "*"
    props = ", ".join(item.properties)
    return f"{names}({props})" if props else names


def _index_node(ix: Index) -> Node:
    state = (
        ix.state
        if ix.population_percent in (None, 100.0)
        else (f"{ix.state} {ix.population_percent:.0f}%")
    )
    return Node(
        NodeKind.INDEX,
        ix.name,
        count=ix.read_count,
        types=f"{ix.type} on {ix.entity_type.lower()} {_schema_target(ix)}",
        provenance=state,
        payload=ix,
        key=f"index:{ix.name}",
    )


def _constraint_node(c: Constraint) -> Node:
    return Node(
        NodeKind.CONSTRAINT,
        c.name,
        types=f"{c.type} on {c.entity_type.lower()} {_schema_target(c)}",
        provenance=f"index {c.owned_index}" if c.owned_index else "",
        payload=c,
        key=f"constraint:{c.name}",
    )


def _finding_node(f: Finding) -> Node:
    return Node(
        NodeKind.FINDING,
        f.subject or f.code,
        types=f.message,
        provenance=f.code,
        payload=f,
        key=f"finding:{f.code}:{f.subject}",
        severity=f.severity,
    )


def _info(name: str, value: Any, key: str, *, provenance: str = "", order: int = 0) -> Node:
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    return Node(
        NodeKind.INFO if not numeric else NodeKind.STATISTIC,
        name,
        count=value if numeric else None,
        types="" if numeric else ("" if value is None else str(value)),
        provenance=provenance,
        payload=value,
        key=key,
        order=order,
    )


def _overview_children(report: Report) -> list[Node]:
    s, r, st = report.server, report.run, report.statistics
    nodes = [
        _info("Server", f"Neo4j {s.version} {s.edition} at {s.address}", "overview:server"),
        _info("Database", s.database, "overview:database"),
        _info("Mode", f"{r.mode} (sample size {r.sample_size:,})", "overview:mode"),
        _info("Started", r.started_at.isoformat(timespec="seconds"), "overview:started"),
    ]
    if r.duration_s is not None:
        nodes.append(_info("Duration", f"{r.duration_s:.2f} s", "overview:duration"))
    nodes += [
        _info("Nodes", st.node_count, "overview:nodes"),
        _info("Relationships", st.relationship_count, "overview:relationships"),
        _info("Labels", len(report.labels), "overview:labels"),
        _info("Relationship types", len(report.relationship_types), "overview:types"),
    ]
    if report.quality.score is not None:
        nodes.append(_info("Quality score", report.quality.score, "overview:quality"))
    for name, result in report.activities.items():
        text = result.status.value
        if result.error is not None:
            text += f": {result.error.message}"
        nodes.append(
            _info(
                f"Activity {name}",
                text,
                f"activity:{name}",
                provenance=f"{result.duration_s:.2f} s",
            )
        )
    for i, note in enumerate(report.notes):
        nodes.append(_info("Note", note, f"note:{i}"))
    for i, n in enumerate(nodes):
        n.order = i
    return nodes


def _statistics_children(report: Report) -> list[Node]:
    st = report.statistics
    prov = st.provenance
    nodes = []
    for field, title in (
        ("node_count", "Nodes"),
        ("relationship_count", "Relationships"),
        ("label_count", "Labels"),
        ("relationship_type_count", "Relationship types"),
        ("property_key_count", "Property keys"),
        ("unlabeled_node_count", "Unlabeled nodes"),
        ("orphan_node_count", "Orphan nodes"),
    ):
        value = getattr(st, field)
        if value is not None:
            nodes.append(
                _info(title, value, f"stat:{field}", provenance=provenance_text(prov.get(field)))
            )
    degree = st.degree
    for field in ("min", "median", "p90", "p99", "max"):
        value = getattr(degree, field)
        if value is not None:
            nodes.append(
                _info(
                    f"Degree {field}",
                    value,
                    f"stat:degree.{field}",
                    provenance=provenance_text(degree.provenance),
                )
            )
    if st.supernodes:
        supernodes = st.supernodes
        nodes.append(
            Node(
                NodeKind.GROUP,
                "Supernodes",
                count=len(supernodes),
                key="stat:supernodes",
                build=lambda _n: [
                    Node(
                        NodeKind.STATISTIC,
                        ":".join(s.labels) or "(unlabeled)",
                        count=s.degree,
                        types=s.element_id or "",
                        payload=s,
                        key=f"supernode:{s.element_id}",
                    )
                    for s in supernodes
                ],
                child_count_hint=len(supernodes),
            )
        )
    if report.label_combinations:
        combos = report.label_combinations
        nodes.append(
            Node(
                NodeKind.GROUP,
                "Label combinations",
                count=len(combos),
                key="stat:label_combinations",
                build=lambda _n: [
                    Node(
                        NodeKind.STATISTIC,
                        ":".join(c.labels),
                        count=c.count,
                        provenance=provenance_text(c.provenance),
                        payload=c,
                        key=f"combination:{':'.join(c.labels)}",
                    )
                    for c in combos
                ],
                child_count_hint=len(combos),
            )
        )
    for i, n in enumerate(nodes):
        n.order = i
    return nodes


def _quality_children(report: Report) -> list[Node]:
    groups = []
    for i, severity in enumerate(SEVERITY_ORDER):
        found = [f for f in report.quality.findings if f.severity == severity]
        if not found:
            continue
        groups.append(
            Node(
                NodeKind.SEVERITY,
                severity.value.capitalize(),
                count=len(found),
                key=f"severity:{severity.value}",
                severity=severity,
                order=i,
                build=lambda _n, found=found: [_finding_node(f) for f in found],  # type: ignore[misc]
                child_count_hint=len(found),
            )
        )
    return groups


def build_root(report: Report | None) -> Node:
    root = Node(NodeKind.SECTION, "", build=None)
    if report is None:
        return root
    specs: Sequence[tuple[str, int, Callable[[Node], list[Node]]]] = (
        ("Overview", -1, lambda _n: _overview_children(report)),
        ("Labels", len(report.labels), lambda _n: [_label_node(x) for x in report.labels]),
        (
            "Relationship types",
            len(report.relationship_types),
            lambda _n: [_rel_type_node(x) for x in report.relationship_types],
        ),
        ("Indexes", len(report.indexes), lambda _n: [_index_node(x) for x in report.indexes]),
        (
            "Constraints",
            len(report.constraints),
            lambda _n: [_constraint_node(x) for x in report.constraints],
        ),
        ("Quality findings", len(report.quality.findings), lambda _n: _quality_children(report)),
        ("Statistics", -1, lambda _n: _statistics_children(report)),
    )
    sections = []
    for i, (title, count, build) in enumerate(specs):
        section = Node(
            NodeKind.SECTION,
            title,
            count=count if count >= 0 else None,
            key=f"section:{title}",
            build=build,
            child_count_hint=max(count, 1) if count != 0 else 0,
            order=i,
        )
        section.parent = root
        section.row = i
        sections.append(section)
    root._children = sections
    return root


_EMPTY_ROOT = build_root(None)


def _release(root: Node) -> None:
    """Break the parent/children cycles of a tree no longer shown.

    The window freezes the garbage collector's view of long-lived objects (gc.freeze) when
    it shows a report; a frozen cycle would never be collected, so the old tree goes by
    reference counting instead.
    """
    stack = [root]
    while stack:
        node = stack.pop()
        children = node._children
        if children:
            stack.extend(children)
        node._children = [] if children is not None else None
        node.parent = None


def prebuild(report: Report) -> dict[str, list[Node]]:
    """The children of the Labels and Relationship types sections, made as their builders
    would, ahead of the first expand; ReportTreeModel.adopt() installs them while the same
    report is shown."""
    return drain(prebuild_steps(report))


def prebuild_steps(report: Report, per_step: int = 50) -> Steps[dict[str, list[Node]]]:
    """prebuild() a few rows per step (for run_sliced)."""
    labels: list[Node] = []
    for i, label in enumerate(report.labels, 1):
        labels.append(_label_node(label))
        if i % per_step == 0:
            yield
    types = [_rel_type_node(x) for x in report.relationship_types]
    return {"Labels": labels, "Relationship types": types}


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

    def set_report(self, report: Report | None) -> None:
        self.beginResetModel()
        old = self._root
        self._report = report
        self._root = build_root(report)
        self.endResetModel()
        _release(old)

    def node(self, index: ModelIndex) -> Node:
        if not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, Node)
        return node

    def adopt(self, report: Report, built: dict[str, list[Node]]) -> None:
        """Install prebuild(report) for the sections not built yet, if report is shown."""
        if report is not self._report:
            return
        for section in self._root.children:
            children = built.get(section.name)
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

    def find(self, key: str) -> QModelIndex:
        """The index of the node with this key, searching sections lazily by key prefix."""
        prefix = key.split(":", 1)[0]
        section = {
            "label": "Labels",
            "type": "Relationship types",
            "pattern": "Relationship types",
            "index": "Indexes",
            "constraint": "Constraints",
            "finding": "Quality findings",
            "severity": "Quality findings",
            "section": None,
        }.get(prefix)
        candidates = self._root.children
        if section is not None:
            candidates = [s for s in candidates if s.name == section]
        stack = list(candidates)
        if key.startswith("pattern:"):
            _, rest = key.split(":", 1)
            rel = rest.split("|")[1]
            stack = [g for s in candidates for t in s.children if t.name == rel for g in t.children]
        while stack:
            node = stack.pop(0)
            if node.key == key:
                return self.createIndex(node.row, 0, node)
            if node.kind in (NodeKind.SECTION, NodeKind.GROUP, NodeKind.SEVERITY) or (
                key.startswith(f"{node.key}/")
            ):
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
    ) -> Any:
        return _header_data(section, orientation, role)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
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
_COLUMN_COUNT = len(COLUMNS)
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


def _header_data(section: int, orientation: Qt.Orientation, role: int) -> Any:
    if (
        orientation == Qt.Orientation.Horizontal
        and role == _DISPLAY
        and 0 <= section < len(COLUMNS)
    ):
        return COLUMNS[section]
    return None


def node_data(node: Node, col: int, role: int) -> Any:
    """ReportTreeModel.data() for a node (the proxy shows the same nodes)."""
    if role == _DISPLAY:
        return _display(node, col)
    if role == _DECORATION:
        if col == COL_NAME:
            return kind_icon(node.kind.value, node.severity.value if node.severity else None)
        return None
    if role == _FONT:
        if node.kind is NodeKind.SECTION:
            if not _BOLD:
                _BOLD.append(_bold_font())
            return _BOLD[0]
        return None
    if role == _ALIGNMENT:
        return _RIGHT_ALIGNED if col in (COL_COUNT, COL_FILL) else None
    if role == _FOREGROUND:
        if node.severity is not None and col in (COL_NAME, COL_TYPES):
            return QBrush(SEVERITY_COLORS[node.severity])
        return None
    if role == _BACKGROUND:
        if node.kind is NodeKind.SECTION:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                return app.palette().brush(QPalette.ColorRole.AlternateBase)
        return None
    if role == _TOOLTIP:
        if node.kind is NodeKind.FINDING and col in (COL_NAME, COL_TYPES):
            return node.types
        text = _display(node, col)
        return text if text and len(text) > 40 else None
    if role == _SORT:
        return sort_key(node, col)
    if role == _KIND:
        return node.kind.value
    if role == _KEY:
        return node.key
    return None


def _display(node: Node, col: int) -> str:
    if col == COL_NAME:
        return node.name
    if col == COL_COUNT:
        if node.count is None:
            return ""
        if isinstance(node.count, float) and not node.count.is_integer():
            return f"{node.count:,.2f}"
        return f"{int(node.count):,}"
    if col == COL_FILL:
        return "" if node.fill_rate is None else f"{node.fill_rate:.1%}"
    if col == COL_TYPES:
        return node.types
    if col == COL_PROVENANCE:
        return node.provenance
    return ""


def sort_key(node: Node, col: int) -> Any:
    """What SORT_ROLE returns: numbers for count and fill rate, case-folded text otherwise;
    the report's order for rows that keep it (sections, severities, overview, statistics)."""
    if _fixed_order(node):
        return node.order
    return _column_key(node, col)


def _column_key(node: Node, col: int) -> Any:
    if col == COL_COUNT:
        return float(node.count) if node.count is not None else -1.0
    if col == COL_FILL:
        return node.fill_rate if node.fill_rate is not None else -1.0
    if col == COL_NAME:
        return node.name.casefold()
    return _display(node, col).casefold()


_TEXT_KINDS = frozenset((NodeKind.PROPERTY, NodeKind.INDEX, NodeKind.CONSTRAINT, NodeKind.FINDING))


def _search_text(node: Node) -> str:
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


def _property_search_text(prop: Property) -> str:
    """_search_text of the node _property_node(prop) would make, without making it."""
    return f"{prop.name}\n{', '.join(prop.types)}\n{provenance_text(prop.provenance)}".casefold()


def _descendants_text(payload: Label | RelationshipType) -> str:
    """The search texts of every node below a label or type, NUL-separated.

    The same texts the nodes would give (_search_text); a needle (typed text, never NUL)
    cannot match across two. Used for needles with a line break; see _descendant_lines.
    """
    parts = [_property_search_text(p) for p in payload.properties]
    if isinstance(payload, RelationshipType):
        if payload.patterns:
            parts.append("patterns")
            parts += [_pattern_name(p, payload.name).casefold() for p in payload.patterns]
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
    lines: dict[str, None] = {}
    for p in payload.properties:
        lines[p.name.casefold()] = None
        lines[", ".join(p.types).casefold()] = None
        lines[provenance_text(p.provenance).casefold()] = None
    if isinstance(payload, RelationshipType):
        if payload.patterns:
            lines["patterns"] = None
            for pattern in payload.patterns:
                lines[_pattern_name(pattern, payload.name).casefold()] = None
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


def _fixed_order(node: Node) -> bool:
    """Sections, severities and the Overview/Statistics rows keep their order in any sort."""
    if node.kind in (NodeKind.SECTION, NodeKind.SEVERITY):
        return True
    parent = node.parent
    return (
        parent is not None
        and parent.kind is NodeKind.SECTION
        and parent.name in ("Overview", "Statistics")
    )


_TEXT_BELOW_KINDS = frozenset((NodeKind.LABEL, NodeKind.REL_TYPE))


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
        self._source = model
        model.modelAboutToBeReset.connect(self._source_about_to_reset)
        model.modelReset.connect(self._source_reset)
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
        return self._source._root if self._source is not None else _EMPTY_ROOT

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
        return self._needle in _search_text(node)

    def _ancestor_matches(self, node: Node) -> bool:
        parent = node.parent
        while parent is not None:
            if self._self_matches(parent):
                return True
            parent = parent.parent
        return False

    def _descendant_matches(self, node: Node) -> bool:
        if node.kind in _TEXT_BELOW_KINDS:  # one substring test, not worth caching
            payload = node.payload
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
            children = [c for c in children if needle in _search_text(c) or below(c)]
        column = self._sort_column
        if column >= 0 and len(children) > 1 and not _fixed_order(children[0]):
            children = self._sorted(children, column)
        self._shown[id(node)] = children
        rows = self._rows
        for row, child in enumerate(children):
            rows[id(child)] = row
        return children

    def _sorted(self, children: list[Node], column: int) -> list[Node]:
        keys = [_column_key(c, column) for c in children]
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

    def _index_of(self, node: Any, column: int) -> QModelIndex:
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
    ) -> Any:
        return _header_data(section, orientation, role)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return node_data(index.internalPointer(), index.column(), role)


def node_details(node: Node) -> str:
    """Text for the details pane: a title line, then the item's data as JSON."""
    title = f"{node.kind.value.replace('_', ' ').capitalize()}: {node.name}"
    payload = node.payload
    if hasattr(payload, "model_dump"):
        body = json.dumps(payload.model_dump(mode="json"), indent=2, ensure_ascii=False)
    elif node.kind in (NodeKind.SECTION, NodeKind.GROUP, NodeKind.SEVERITY):
        body = f"{len(node.children)} item(s)"
    elif payload is not None:
        body = str(payload)
    else:
        body = "\n".join(x for x in (node.types, node.provenance) if x)
    return f"{title}\n\n{body}"


def row_text(node: Node) -> str:
    """One row as tab-separated text, for copy."""
    return "\t".join(_display(node, c) for c in range(len(COLUMNS))).rstrip("\t")
