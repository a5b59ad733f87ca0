"""The tree of a Report: one builder per section, each making its rows on first use.

The tree is built on demand: a node makes its children the first time a view asks for
them, so a report with 2,000 labels of 50 properties costs 2,000 nodes until the user
opens a label (or filters, which visits everything once). prebuild_steps() makes the
Labels and Relationship types rows ahead, in slices, for the window to adopt.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core.report import (
    Constraint,
    Finding,
    Index,
    Label,
    Pattern,
    Property,
    RelationshipType,
    Report,
    Severity,
)
from .report_nodes import (
    Node,
    NodeKey,
    NodeKind,
    Section,
    label_key,
    pattern_key,
    provenance_text,
)
from .slices import Steps, drain

SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)

InfoValue = int | float | str | None


def property_node(prop: Property, owner_key: NodeKey) -> Node:
    return Node(
        NodeKind.PROPERTY,
        prop.name,
        count=prop.observed,
        fill_rate=prop.fill_rate,
        types=", ".join(prop.types),
        provenance=provenance_text(prop.provenance),
        payload=prop,
        key=(*owner_key, "property", prop.name),
    )


def pattern_name(p: Pattern, rel_type: str) -> str:
    start = f":{p.start}" if p.start else ""
    end = f":{p.end}" if p.end else ""
    return f"({start})-[:{rel_type}]->({end})"


def label_node(label: Label) -> Node:
    key = label_key(label.name)
    return Node(
        NodeKind.LABEL,
        label.name,
        count=label.count,
        types=f"{len(label.properties)} properties" if label.properties else "",
        provenance=provenance_text(label.count_provenance),
        payload=label,
        key=key,
        build=lambda _n: [property_node(p, key) for p in label.properties],
        child_count_hint=len(label.properties),
    )


def rel_type_node(rel: RelationshipType) -> Node:
    key: NodeKey = ("type", rel.name)

    def build(_n: Node) -> list[Node]:
        groups: list[Node] = []
        if rel.patterns:
            groups.append(
                Node(
                    NodeKind.GROUP,
                    "Patterns",
                    count=len(rel.patterns),
                    key=(*key, "patterns"),
                    order=0,
                    build=lambda _g: [
                        Node(
                            NodeKind.PATTERN,
                            pattern_name(p, rel.name),
                            count=p.count,
                            provenance=provenance_text(p.provenance),
                            payload=p,
                            key=pattern_key(p.start, rel.name, p.end),
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
                    key=(*key, "properties"),
                    order=1,
                    build=lambda _g: [property_node(p, key) for p in rel.properties],
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
        key=("index", ix.name),
    )


def _constraint_node(c: Constraint) -> Node:
    return Node(
        NodeKind.CONSTRAINT,
        c.name,
        types=f"{c.type} on {c.entity_type.lower()} {_schema_target(c)}",
        provenance=f"index {c.owned_index}" if c.owned_index else "",
        payload=c,
        key=("constraint", c.name),
    )


def _finding_node(f: Finding) -> Node:
    return Node(
        NodeKind.FINDING,
        f.subject or f.code,
        types=f.message,
        provenance=f.code,
        payload=f,
        key=("finding", f.code, f.subject),
        severity=f.severity,
    )


def _info(
    name: str, value: InfoValue, key: NodeKey, *, provenance: str = "", order: int = 0
) -> Node:
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    return Node(
        NodeKind.INFO if not numeric else NodeKind.STATISTIC,
        name,
        count=value if isinstance(value, int | float) and numeric else None,
        types="" if numeric else ("" if value is None else str(value)),
        provenance=provenance,
        payload=value,
        key=key,
        order=order,
    )


def _overview_children(report: Report) -> list[Node]:
    s, r, st = report.server, report.run, report.statistics
    nodes = [
        _info("Server", f"Neo4j {s.version} {s.edition} at {s.address}", ("overview", "server")),
        _info("Database", s.database, ("overview", "database")),
        _info("Mode", f"{r.mode} (sample size {r.sample_size:,})", ("overview", "mode")),
        _info("Started", r.started_at.isoformat(timespec="seconds"), ("overview", "started")),
    ]
    if r.duration_s is not None:
        nodes.append(_info("Duration", f"{r.duration_s:.2f} s", ("overview", "duration")))
    nodes += [
        _info("Nodes", st.node_count, ("overview", "nodes")),
        _info("Relationships", st.relationship_count, ("overview", "relationships")),
        _info("Labels", len(report.labels), ("overview", "labels")),
        _info("Relationship types", len(report.relationship_types), ("overview", "types")),
    ]
    if report.quality.score is not None:
        nodes.append(_info("Quality score", report.quality.score, ("overview", "quality")))
    for name, result in report.activities.items():
        text = result.status.value
        if result.error is not None:
            text += f": {result.error.message}"
        nodes.append(
            _info(
                f"Activity {name}",
                text,
                ("activity", name),
                provenance=f"{result.duration_s:.2f} s",
            )
        )
    for i, note in enumerate(report.notes):
        nodes.append(_info("Note", note, ("note", str(i))))
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
                _info(title, value, ("stat", field), provenance=provenance_text(prov.get(field)))
            )
    degree = st.degree
    for field in ("min", "median", "p90", "p99", "max"):
        value = getattr(degree, field)
        if value is not None:
            nodes.append(
                _info(
                    f"Degree {field}",
                    value,
                    ("stat", f"degree.{field}"),
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
                key=("stat", "supernodes"),
                build=lambda _n: [
                    Node(
                        NodeKind.STATISTIC,
                        ":".join(s.labels) or "(unlabeled)",
                        count=s.degree,
                        types=s.element_id or "",
                        payload=s,
                        key=("supernode", s.element_id or "", *s.labels),
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
                key=("stat", "label_combinations"),
                build=lambda _n: [
                    Node(
                        NodeKind.STATISTIC,
                        ":".join(c.labels),
                        count=c.count,
                        provenance=provenance_text(c.provenance),
                        payload=c,
                        key=("combination", *c.labels),
                    )
                    for c in combos
                ],
                child_count_hint=len(combos),
            )
        )
    for i, n in enumerate(nodes):
        n.order = i
    return nodes


def _severity_node(severity: Severity, found: list[Finding], order: int) -> Node:
    return Node(
        NodeKind.SEVERITY,
        severity.value.capitalize(),
        count=len(found),
        key=("severity", severity.value),
        severity=severity,
        order=order,
        build=lambda _n: [_finding_node(f) for f in found],
        child_count_hint=len(found),
    )


def _quality_children(report: Report) -> list[Node]:
    groups = []
    for i, severity in enumerate(SEVERITY_ORDER):
        found = [f for f in report.quality.findings if f.severity == severity]
        if found:
            groups.append(_severity_node(severity, found, i))
    return groups


def _section_builders(report: Report) -> dict[Section, tuple[int, Callable[[Node], list[Node]]]]:
    """Each section's row count (-1: not known before building) and builder."""
    return {
        Section.OVERVIEW: (-1, lambda _n: _overview_children(report)),
        Section.LABELS: (len(report.labels), lambda _n: [label_node(x) for x in report.labels]),
        Section.REL_TYPES: (
            len(report.relationship_types),
            lambda _n: [rel_type_node(x) for x in report.relationship_types],
        ),
        Section.INDEXES: (len(report.indexes), lambda _n: [_index_node(x) for x in report.indexes]),
        Section.CONSTRAINTS: (
            len(report.constraints),
            lambda _n: [_constraint_node(x) for x in report.constraints],
        ),
        Section.QUALITY: (len(report.quality.findings), lambda _n: _quality_children(report)),
        Section.STATISTICS: (-1, lambda _n: _statistics_children(report)),
    }


def build_root(report: Report | None) -> Node:
    """The invisible root: its children are the seven sections, each built on first use."""
    root = Node(NodeKind.SECTION, "", build=None)
    if report is None:
        return root
    sections = []
    builders = _section_builders(report)
    for i, section in enumerate(Section):
        count, build = builders[section]
        sections.append(
            Node(
                NodeKind.SECTION,
                section.title,
                count=count if count >= 0 else None,
                payload=section,
                key=section.key,
                build=build,
                child_count_hint=max(count, 1) if count != 0 else 0,
                order=i,
            )
        )
    root.set_children(sections)
    return root


Prebuilt = dict[Section, list[Node]]


def prebuild(report: Report) -> Prebuilt:
    """The children of the Labels and Relationship types sections, made as their builders
    would, ahead of the first expand; ReportTreeModel.adopt() installs them while the same
    report is shown."""
    return drain(prebuild_steps(report))


def prebuild_steps(report: Report, per_step: int = 50) -> Steps[Prebuilt]:
    """prebuild() a few rows per step (for run_sliced)."""
    labels: list[Node] = []
    for i, label in enumerate(report.labels, 1):
        labels.append(label_node(label))
        if i % per_step == 0:
            yield
    types = [rel_type_node(x) for x in report.relationship_types]
    return {Section.LABELS: labels, Section.REL_TYPES: types}
