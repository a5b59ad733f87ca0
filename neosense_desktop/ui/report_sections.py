"""The tree of a Report: one builder per section, each making its rows on first use.

The tree is built on demand: a node makes its children the first time a view asks for
them, so a report with 2,000 labels of 50 properties costs 2,000 nodes until the user
opens a label (or filters, which visits everything once). prebuild_steps() makes the
Labels and Relationship types rows ahead, in slices, for the window to adopt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..core.report_constants import Severity
from .report_nodes import (
    Node,
    NodeKind,
    Section,
    label_key,
    pattern_key,
)
from .slices import drain
from .wording import (
    MULTI_LABEL_RULE,
    activity_title,
    combination_estimate_text,
    finding_phrase,
    finding_title,
    is_estimate,
    plural,
    provenance_sentence,
    provenance_text,
    seen_in_text,
    state_word,
)

if TYPE_CHECKING:  # pydantic and the report models load after the first paint
    from ..core.report import (
        Constraint,
        Finding,
        Index,
        Label,
        LabelCombination,
        Pattern,
        Property,
        RelationshipType,
        Report,
    )
    from .report_nodes import (
        NodeKey,
    )
    from .slices import Steps

SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)

InfoValue = int | float | str | None
SCORE_ROW_KEY: NodeKey = ("overview", "quality")

# The findings about each property: ("label" | "relationship_type", owner, property) and,
# for findings about a property name across the graph, ("property_key", "", property).
PropertyFindings = dict[tuple[str, str, str], list["Finding"]]
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITY_ORDER)}


def property_findings(report: Report) -> PropertyFindings:
    """Which findings concern which property (from each finding's subjects)."""
    found: PropertyFindings = {}
    for finding in report.quality.findings:
        for subject in finding.subjects:
            if subject.kind in ("label", "relationship_type") and subject.name is not None:
                for prop in subject.properties:
                    found.setdefault((subject.kind, subject.name, prop), []).append(finding)
            elif subject.kind == "property_key" and subject.name is not None:
                found.setdefault(("property_key", "", subject.name), []).append(finding)
    return found


def findings_about(
    concerns: PropertyFindings | None, owner_kind: str, owner: str, prop: str
) -> list[Finding]:
    """The findings about one property of a label or type, most severe first."""
    if not concerns:
        return []
    found = concerns.get((owner_kind, owner, prop), []) + concerns.get(
        ("property_key", "", prop), []
    )
    return sorted(found, key=lambda f: _SEVERITY_RANK.get(f.severity, len(_SEVERITY_RANK)))


def finding_line(f: Finding) -> str:
    """One finding beside the property it concerns: "Warning: 22 placeholder values"."""
    phrase = finding_phrase(f.code, f.affected, is_estimate(f.affected_provenance))
    return f"{f.severity.value.capitalize()}: {phrase}"


def property_holders(prop: Property, owner_count: int | None) -> tuple[int | None, bool, str]:
    """How many of the owner's entities hold the property, whether that is an estimate, and
    a sentence saying so: the same meaning as the owner's count (entities), never the raw
    hits of a sample."""
    entities = "entities" if owner_count is None else f"{owner_count:,}"
    if owner_count is None:
        return prop.observed, is_estimate(prop.provenance), provenance_sentence(prop.provenance)
    holders = round(prop.fill_rate * owner_count)
    if prop.seen_in and is_estimate(prop.provenance):
        # Its own sample missed the key (or a type): other labels' reads saw it.
        return (
            holders,
            True,
            f"at least {prop.observed or 0:,} of {entities} hold it: "
            f"{seen_in_text(prop.seen_in)}, not in this label's "
            f"{provenance_text(prop.provenance)}",
        )
    if is_estimate(prop.provenance):
        seen = f" (seen on {prop.observed:,})" if prop.observed is not None else ""
        return (
            holders,
            True,
            f"estimated: {prop.fill_rate:.1%} of {entities} hold it, from a "
            f"{provenance_text(prop.provenance)}{seen}",
        )
    source = provenance_text(prop.provenance)
    return holders, False, f"{prop.fill_rate:.1%} of {entities} hold it (exact, {source})"


def property_node(
    prop: Property,
    owner_key: NodeKey,
    owner_count: int | None = None,
    concerns: PropertyFindings | None = None,
) -> Node:
    holders, estimated, tip = property_holders(prop, owner_count)
    owner_kind = "label" if owner_key[0] == "label" else "relationship_type"
    found = findings_about(concerns, owner_kind, owner_key[1], prop.name) if owner_key else []
    return Node(
        NodeKind.PROPERTY,
        prop.name,
        count=holders,
        estimated=estimated,
        count_tip=tip,
        fill_rate=prop.fill_rate,
        types=", ".join(prop.types),
        provenance=provenance_text(prop.provenance),
        payload=prop,
        key=(*owner_key, "property", prop.name),
        severity=found[0].severity if found else None,
        note="\n".join(finding_line(f) for f in found),
    )


def pattern_name(p: Pattern, rel_type: str) -> str:
    start = f":{p.start}" if p.start else ""
    end = f":{p.end}" if p.end else ""
    return f"({start})-[:{rel_type}]->({end})"


def pattern_estimated(p: Pattern) -> bool:
    return is_estimate(p.provenance) or p.upper_bound is not None


def pattern_tip(p: Pattern) -> str:
    """What a pattern's count is, where it came from, and the multi-label rule."""
    if p.upper_bound is not None:
        source = f"Estimated; the count store bounds it at {p.upper_bound:,}."
    else:
        source = provenance_sentence(p.provenance)
    return f"relationships between these labels. {source} {MULTI_LABEL_RULE}"


def pattern_node(p: Pattern, rel_type: str) -> Node:
    return Node(
        NodeKind.PATTERN,
        pattern_name(p, rel_type),
        count=p.count,
        estimated=pattern_estimated(p),
        count_tip=pattern_tip(p),
        provenance=provenance_text(p.provenance),
        payload=p,
        key=pattern_key(p.start, rel_type, p.end),
    )


def label_node(label: Label, concerns: PropertyFindings | None = None) -> Node:
    key = label_key(label.name)
    return Node(
        NodeKind.LABEL,
        label.name,
        count=label.count,
        estimated=is_estimate(label.count_provenance),
        count_tip=f"nodes with this label. {provenance_sentence(label.count_provenance)}",
        types=plural(len(label.properties), "property") if label.properties else "",
        provenance=provenance_text(label.count_provenance),
        payload=label,
        key=key,
        build=lambda _n: [property_node(p, key, label.count, concerns) for p in label.properties],
        child_count_hint=len(label.properties),
    )


def rel_type_node(rel: RelationshipType, concerns: PropertyFindings | None = None) -> Node:
    key: NodeKey = ("type", rel.name)

    def build(_n: Node) -> list[Node]:
        groups: list[Node] = []
        if rel.patterns:
            groups.append(
                Node(
                    NodeKind.GROUP,
                    "Patterns",
                    types=plural(len(rel.patterns), "pattern"),
                    key=(*key, "patterns"),
                    order=0,
                    build=lambda _g: [pattern_node(p, rel.name) for p in rel.patterns],
                    child_count_hint=len(rel.patterns),
                )
            )
        if rel.properties:
            groups.append(
                Node(
                    NodeKind.GROUP,
                    "Properties",
                    types=plural(len(rel.properties), "property"),
                    key=(*key, "properties"),
                    order=1,
                    build=lambda _g: [
                        property_node(p, key, rel.count, concerns) for p in rel.properties
                    ],
                    child_count_hint=len(rel.properties),
                )
            )
        return groups

    return Node(
        NodeKind.REL_TYPE,
        rel.name,
        count=rel.count,
        estimated=is_estimate(rel.count_provenance),
        count_tip=f"relationships of this type. {provenance_sentence(rel.count_provenance)}",
        types=f"{plural(len(rel.patterns), 'pattern')}, {plural(len(rel.properties), 'property')}",
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


def last_read_text(ix: Index) -> str:
    if ix.last_read:
        return ix.last_read.replace("T", " ")[:16]
    return "never" if ix.read_count == 0 else ""


def _index_state(ix: Index) -> str:
    """The index's state in words when it is not simply online."""
    if ix.state.upper() == "ONLINE":
        return ""
    if ix.population_percent not in (None, 100.0):
        return f"{ix.state.lower()}, {ix.population_percent:.0f}% populated"
    return ix.state.lower()


def _index_node(ix: Index) -> Node:
    state = _index_state(ix)
    definition = f"{ix.type} on {ix.entity_type.lower()} {_schema_target(ix)}"
    return Node(
        NodeKind.INDEX,
        ix.name,
        reads=ix.read_count,
        last_read=last_read_text(ix),
        types=f"{definition}, {state}" if state else definition,
        payload=ix,
        key=("index", ix.name),
    )


def _constraint_node(c: Constraint) -> Node:
    definition = f"{c.type} on {c.entity_type.lower()} {_schema_target(c)}"
    return Node(
        NodeKind.CONSTRAINT,
        c.name,
        types=f"{definition}, backed by index {c.owned_index}" if c.owned_index else definition,
        payload=c,
        key=("constraint", c.name),
    )


def _finding_node(f: Finding) -> Node:
    estimated = is_estimate(f.affected_provenance)
    return Node(
        NodeKind.FINDING,
        f.subject or finding_title(f.code),
        count=f.affected,
        estimated=estimated,
        count_tip=(
            f"affected. {provenance_sentence(f.affected_provenance)}"
            if f.affected is not None
            else ""
        ),
        types=f"{finding_title(f.code)}: {f.message}",
        provenance=provenance_text(f.affected_provenance) if f.affected is not None else "",
        payload=f,
        key=("finding", f.code, f.subject),
        severity=f.severity,
    )


def _value_text(value: InfoValue) -> str:
    if value is None:
        return "not measured"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    if isinstance(value, int | float):
        return f"{int(value):,}"
    return value


def _overview(name: str, value: InfoValue, key: NodeKey) -> Node:
    """An Overview row: a count in the Count column, any other value in Details."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Node(NodeKind.INFO, name, count=value, payload=value, key=key)
    return Node(NodeKind.INFO, name, types=_value_text(value), payload=value, key=key)


def _info(
    name: str,
    value: InfoValue,
    key: NodeKey,
    *,
    provenance: str = "",
    estimated: bool = False,
    tip: str = "",
    order: int = 0,
) -> Node:
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    return Node(
        NodeKind.INFO if not numeric else NodeKind.STATISTIC,
        name,
        count=value if isinstance(value, int | float) and numeric else None,
        estimated=estimated and numeric,
        count_tip=tip,
        types="" if numeric else ("" if value is None else str(value)),
        provenance=provenance,
        payload=value,
        key=key,
        order=order,
    )


def _activities_group(report: Report) -> Node:
    """The run's activities, one row each under a group (their names fit the column)."""
    activities = list(report.activities.items())
    rows = []
    for i, (name, result) in enumerate(activities):
        text = f"{state_word(result.status.value)} in {result.duration_s:.2f} s"
        if result.error is not None:
            text += f": {result.error.message}"
        row = _overview(activity_title(name), text, ("activity", name))
        row.order = i
        rows.append(row)
    failed = sum(1 for _n, a in activities if a.status.value != "succeeded")
    summary = plural(len(activities), "activity") + (f", {failed:,} not done" if failed else "")
    return Node(
        NodeKind.GROUP,
        "Activities",
        types=summary,
        key=("overview", "activities"),
        build=lambda _n: rows,
        child_count_hint=len(rows),
    )


def _overview_children(report: Report) -> list[Node]:
    s, r, st = report.server, report.run, report.statistics
    started = f"{r.started_at:%Y-%m-%d %H:%M:%S %Z}".strip()
    nodes = [
        _overview(
            "Server", f"Neo4j {s.version} {s.edition} at {s.address}", ("overview", "server")
        ),
        _overview("Database", s.database, ("overview", "database")),
        _overview("Mode", f"{r.mode} (sample size {r.sample_size:,})", ("overview", "mode")),
        _overview("Started", started, ("overview", "started")),
    ]
    if r.duration_s is not None:
        nodes.append(_overview("Duration", f"{r.duration_s:.2f} s", ("overview", "duration")))
    nodes += [
        _overview("Nodes", st.node_count, ("overview", "nodes")),
        _overview("Relationships", st.relationship_count, ("overview", "relationships")),
        _overview("Labels", len(report.labels), ("overview", "labels")),
        _overview("Relationship types", len(report.relationship_types), ("overview", "types")),
    ]
    if report.quality.score is not None:
        score = _overview("Quality score", f"{report.quality.score:.0f} / 100", SCORE_ROW_KEY)
        score.note = "Select it: the details show how the score is computed, finding by finding."
        nodes.append(score)
    if report.activities:
        nodes.append(_activities_group(report))
    for i, note in enumerate(report.notes):
        nodes.append(_overview("Note", note, ("note", str(i))))
    for i, n in enumerate(nodes):
        n.order = i
    return nodes


def _statistics_children(report: Report) -> list[Node]:
    from ..core.report import supernode_title

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
            p = prov.get(field)
            nodes.append(
                _info(
                    title,
                    value,
                    ("stat", field),
                    provenance=provenance_text(p),
                    estimated=is_estimate(p),
                    tip=provenance_sentence(p),
                )
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
                    estimated=is_estimate(degree.provenance),
                    tip=provenance_sentence(degree.provenance),
                )
            )
    if st.supernodes or st.supernode_rule:
        # The group shows even with none found: its rule says what would count.
        supernodes = st.supernodes
        nodes.append(
            Node(
                NodeKind.GROUP,
                "Supernodes",
                types=plural(len(supernodes), "supernode")
                + (f": {st.supernode_rule.text}" if st.supernode_rule else ""),
                key=("stat", "supernodes"),
                build=lambda _n: [
                    Node(
                        NodeKind.STATISTIC,
                        supernode_title(s),
                        count=s.degree,
                        types=f"elementId {s.element_id}" if s.element_id else "",
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
                types=plural(len(combos), "combination"),
                key=("stat", "label_combinations"),
                build=lambda _n: [
                    Node(
                        NodeKind.STATISTIC,
                        ":".join(c.labels),
                        count=c.count,
                        estimated=is_estimate(c.provenance),
                        count_tip=_combination_tip(c),
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


def _combination_tip(c: LabelCombination) -> str:
    estimate = combination_estimate_text(c)
    how = f" {estimate[:1].upper()}{estimate[1:]}." if estimate else ""
    return f"nodes with exactly these labels. {provenance_sentence(c.provenance)}{how}"


def _severity_node(severity: Severity, found: list[Finding], order: int) -> Node:
    return Node(
        NodeKind.SEVERITY,
        severity.value.capitalize(),
        types=plural(len(found), "finding"),
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
    concerns = property_findings(report)
    return {
        Section.OVERVIEW: (-1, lambda _n: _overview_children(report)),
        Section.LABELS: (
            len(report.labels),
            lambda _n: [label_node(x, concerns) for x in report.labels],
        ),
        Section.REL_TYPES: (
            len(report.relationship_types),
            lambda _n: [rel_type_node(x, concerns) for x in report.relationship_types],
        ),
        Section.INDEXES: (len(report.indexes), lambda _n: [_index_node(x) for x in report.indexes]),
        Section.CONSTRAINTS: (
            len(report.constraints),
            lambda _n: [_constraint_node(x) for x in report.constraints],
        ),
        Section.QUALITY: (len(report.quality.findings), lambda _n: _quality_children(report)),
        Section.STATISTICS: (-1, lambda _n: _statistics_children(report)),
    }


SECTION_NOUNS = {
    Section.LABELS: "label",
    Section.REL_TYPES: "relationship type",
    Section.INDEXES: "index",
    Section.CONSTRAINTS: "constraint",
    Section.QUALITY: "finding",
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
                types=plural(count, SECTION_NOUNS[section]) if count >= 0 else "",
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
    concerns = property_findings(report)
    labels: list[Node] = []
    for i, label in enumerate(report.labels, 1):
        labels.append(label_node(label, concerns))
        if i % per_step == 0:
            yield
    types = [rel_type_node(x, concerns) for x in report.relationship_types]
    return {Section.LABELS: labels, Section.REL_TYPES: types}
