"""The rows of the results tree: Node, what kind of thing each is, its key and its text.

A node's key is a tuple naming what it shows (("label", name), ("pattern", start, type,
end), ...), so any name (one holding `|`, `:`, `/` or anything else) is a key part as it
is, never text to split. The seven top-level sections are a `Section`, found by that
enum rather than by their titles. The builders that make nodes from a Report are in
report_sections.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import Enum, StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.report import Severity

# Every column means one thing in every section (a header that changed with the current
# row still put an index's reads under another section's "Nodes" when both were open).
COLUMNS = ("Name", "Count", "Fill rate", "Reads", "Last read", "Details", "Source")
(
    COL_NAME,
    COL_COUNT,
    COL_FILL,
    COL_READS,
    COL_LAST_READ,
    COL_DETAILS,
    COL_SOURCE,
) = range(len(COLUMNS))
COLUMN_MEANINGS = (
    "What the row is: a label, relationship type, property, pattern, index, constraint, "
    "finding or statistic.",
    "How many: nodes with a label (or exactly a label combination), relationships of a type "
    "or pattern, nodes or relationships holding a property, entities a finding affects, a "
    "statistic's number. ~ marks an estimate from a sample.",
    "The share of the label's nodes (or the type's relationships) that hold the property.",
    "How often queries read the index since the server started (SHOW INDEXES readCount), "
    "not how many entries it holds.",
    "When a query last read the index.",
    "What it is in words: property types, an index or constraint definition, a finding.",
    "Where the count comes from: the count store, a full scan, or a sample.",
)

# ("label", name), ("label", name, "property", key), ("type", name), ("pattern", start,
# type, end) with "" for an unlabeled end, ("section", Section.X.name), ... The first part
# says which section holds the node (SECTION_OF_KEY).
NodeKey = tuple[str, ...]


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


class Section(Enum):
    """The top-level rows, in the order shown; the value is the title."""

    OVERVIEW = "Overview"
    LABELS = "Labels"
    REL_TYPES = "Relationship types"
    INDEXES = "Indexes"
    CONSTRAINTS = "Constraints"
    QUALITY = "Quality findings"
    STATISTICS = "Statistics"

    @property
    def title(self) -> str:
        return self.value

    @property
    def key(self) -> NodeKey:
        return ("section", self.name)


SECTION_NAMES = tuple(s.title for s in Section)

# Which section holds a node, from the first part of its key.
SECTION_OF_KEY: dict[str, Section] = {
    "overview": Section.OVERVIEW,
    "activity": Section.OVERVIEW,
    "note": Section.OVERVIEW,
    "label": Section.LABELS,
    "type": Section.REL_TYPES,
    "pattern": Section.REL_TYPES,
    "index": Section.INDEXES,
    "constraint": Section.CONSTRAINTS,
    "severity": Section.QUALITY,
    "finding": Section.QUALITY,
    "stat": Section.STATISTICS,
    "supernode": Section.STATISTICS,
    "combination": Section.STATISTICS,
}


def label_key(name: str) -> NodeKey:
    return ("label", name)


def pattern_key(start: str | None, rel_type: str, end: str | None) -> NodeKey:
    return ("pattern", start or "", rel_type, end or "")


def is_schema_key(key: NodeKey) -> bool:
    """True for the keys the schema picture draws (labels and patterns)."""
    return bool(key) and key[0] in ("label", "pattern")


# What a node can carry as its payload: a report model (Label, Index, ...), a Section,
# or a plain value of an Overview/Statistics row.
Payload = object


class Node:
    """One row of the tree. Children are made by `build` on first use."""

    __slots__ = (
        "_build",
        "_children",
        "child_count_hint",
        "count",
        "count_tip",
        "estimated",
        "fill_rate",
        "key",
        "kind",
        "last_read",
        "name",
        "note",
        "order",
        "parent",
        "payload",
        "provenance",
        "reads",
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
        estimated: bool = False,
        count_tip: str = "",
        fill_rate: float | None = None,
        reads: int | None = None,
        last_read: str = "",
        note: str = "",
        types: str = "",
        provenance: str = "",
        payload: Payload = None,
        key: NodeKey = (),
        severity: Severity | None = None,
        build: Callable[[Node], list[Node]] | None = None,
        child_count_hint: int = 0,
        order: int = 0,
    ) -> None:
        self.kind = kind
        self.name = name
        self.count = count
        self.estimated = estimated  # shown with "~"; count_tip says where it came from
        self.count_tip = count_tip
        self.fill_rate = fill_rate
        self.reads = reads  # an index's reads since the server started
        self.last_read = last_read
        # What the findings about this row say (a property's), shown as a mark and tooltip.
        self.note = note
        self.types = types  # the Details column's text (named for what properties put there)
        self.provenance = provenance
        self.payload = payload
        self.key = key
        self.severity = severity
        self.order = order
        self.parent: Node | None = None
        self.row = 0
        self.search: str | None = None  # report_filter.search_text(self), made on first use
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

    @property
    def section(self) -> Section | None:
        """The Section this node is the top row of, if it is one."""
        return self.payload if isinstance(self.payload, Section) else None

    def adopt(self, children: list[Node]) -> None:
        """Take children made ahead by the same builder (prebuild)."""
        for i, child in enumerate(children):
            child.parent = self
            child.row = i
        self._children = children
        self._build = None

    def set_children(self, children: list[Node]) -> None:
        """Install children made now (the root's sections)."""
        self.adopt(children)

    def release(self) -> None:
        """Break the parent/children cycles of a tree no longer shown.

        The window freezes the garbage collector's view of long-lived objects (gc.freeze)
        when it shows a report; a frozen cycle would never be collected, so the old tree
        goes by reference counting instead.
        """
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            children = node._children
            if children:
                stack.extend(children)
            node._children = [] if children is not None else None
            node.parent = None


def display_text(node: Node, col: int) -> str:
    """The text a cell shows."""
    if col == COL_NAME:
        return node.name
    if col == COL_COUNT:
        if node.count is None:
            return ""
        marker = "~" if node.estimated else ""
        if isinstance(node.count, float) and not node.count.is_integer():
            return f"{marker}{node.count:,.2f}"
        return f"{marker}{int(node.count):,}"
    if col == COL_FILL:
        return "" if node.fill_rate is None else f"{node.fill_rate:.1%}"
    if col == COL_READS:
        return "" if node.reads is None else f"{node.reads:,}"
    if col == COL_LAST_READ:
        return node.last_read
    if col == COL_DETAILS:
        return node.types
    if col == COL_SOURCE:
        return node.provenance
    return ""


SortKey = int | float | str


def fixed_order(node: Node) -> bool:
    """Sections, severities and the Overview/Statistics rows keep their order in any sort."""
    if node.kind in (NodeKind.SECTION, NodeKind.SEVERITY):
        return True
    parent = node.parent
    if parent is not None and parent.key == ("overview", "activities"):
        return True  # in the order they ran
    return parent is not None and parent.section in (Section.OVERVIEW, Section.STATISTICS)


def column_key(node: Node, col: int) -> SortKey:
    if col == COL_COUNT:
        return float(node.count) if node.count is not None else -1.0
    if col == COL_FILL:
        return node.fill_rate if node.fill_rate is not None else -1.0
    if col == COL_READS:
        return float(node.reads) if node.reads is not None else -1.0
    if col == COL_NAME:
        return node.name.casefold()
    return display_text(node, col).casefold()


def sort_key(node: Node, col: int) -> SortKey:
    """What SORT_ROLE returns: numbers for count and fill rate, case-folded text otherwise;
    the report's order for rows that keep it (sections, severities, overview, statistics)."""
    if fixed_order(node):
        return node.order
    return column_key(node, col)


def section_of(node: Node) -> Section | None:
    """The section a row belongs to (its own, for a section row)."""
    while node.parent is not None and node.section is None:
        node = node.parent
    return node.section


def node_json(node: Node) -> str:
    """The item's data as JSON (Copy as JSON): the report model it shows, or its cells."""
    model_dump = getattr(node.payload, "model_dump", None)
    if callable(model_dump):
        data = model_dump(mode="json")
    else:
        data = {COLUMNS[c]: display_text(node, c) for c in range(len(COLUMNS))}
        data = {k: v for k, v in data.items() if v}
    return json.dumps(data, indent=2, ensure_ascii=False)


def row_text(node: Node) -> str:
    """One row as tab-separated text, for copy."""
    return "\t".join(display_text(node, c) for c in range(len(COLUMNS))).rstrip("\t")
