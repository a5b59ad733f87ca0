"""What the human-readable formats (html, markdown) say about a report, as plain text.

The tables and the per-label and per-type entries are built here once; each renderer only
escapes these strings and marks them up for its own format. Nothing here is escaped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from ..report import (
    Constraint,
    Finding,
    Index,
    Label,
    Pattern,
    Property,
    Provenance,
    RelationshipType,
    Report,
    SampleLimit,
)
from ..wording import (
    count_text,
    finding_title,
    is_estimate,
    provenance_qualified,
    provenance_text,
    sample_limit_text,
    seen_in_text,
    time_text,
)


def amount_text(count: int, provenance: Provenance | None, one: str, many: str) -> str:
    """'91 nodes (count store (exact))', with '~' for an estimate and the right plural."""
    source = provenance_qualified(provenance)
    noun = one if count == 1 else many
    return f"{count_text(count, provenance)} {noun}" + (f" ({source})" if source else "")


def fill_text(prop: Property) -> str:
    return f"{prop.fill_rate:.0%}" if prop.fill_rate < 1 else "100% (always)"


def from_text(prop: Property) -> str:
    """Where a property's numbers came from: 'sample of 1,000 (estimate)', and the labels
    whose reads saw it when its own sample did not."""
    source = provenance_qualified(prop.provenance)
    return f"{source}; {seen_in_text(prop.seen_in)}" if prop.seen_in else source


def limit_text(limit: SampleLimit | None, noun: str) -> str:
    """'Properties from a sample: 1,000 of 8,003 nodes read: ... (95 % confidence).'"""
    text = sample_limit_text(limit, noun)
    return f"Properties from a sample: {text}." if text else ""


def pattern_text(rel_type: str, pattern: Pattern) -> str:
    start = f"(:{pattern.start})" if pattern.start is not None else "()"
    end = f"(:{pattern.end})" if pattern.end is not None else "()"
    return f"{start}-[:{rel_type}]->{end}"


def overview(report: Report) -> list[tuple[str, str]]:
    """The overview table: what a reader wants first."""
    s, run, server = report.statistics, report.run, report.server
    rows = [
        ("Server", f"{server.address} (Neo4j {server.version} {server.edition})"),
        ("Database", server.database),
        ("Extracted", time_text(run.started_at)),
        ("Mode", f"{run.mode}, sample size {run.sample_size:,}"),
        ("Nodes", count_text(s.node_count)),
        ("Relationships", count_text(s.relationship_count)),
        ("Labels", f"{len(report.labels):,}"),
        ("Relationship types", f"{len(report.relationship_types):,}"),
        ("Property keys", count_text(s.property_key_count)),
        ("Indexes", f"{len(report.indexes):,}"),
        ("Constraints", f"{len(report.constraints):,}"),
    ]
    if report.quality.score is not None:
        rows.append(("Quality score", f"{report.quality.score:.1f} / 100"))
    rows.append(("Findings", f"{len(report.quality.findings):,}"))
    rows.append(("NeoSense", run.app_version))
    return rows


def labels_sorted(report: Report) -> list[Label]:
    return sorted(report.labels, key=lambda x: x.name)


def types_sorted(report: Report) -> list[RelationshipType]:
    return sorted(report.relationship_types, key=lambda x: x.name)


def findings_sorted(report: Report) -> list[Finding]:
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(
        report.quality.findings, key=lambda f: (order.get(f.severity.value, 3), f.code, f.subject)
    )


def finding_affected(f: Finding) -> str:
    """'20 of 100 (exact)' / '~2,000 (sample of 1,000)' / '' for a finding's count."""
    if f.affected is None:
        return ""
    how = ""
    if f.affected_provenance is not None:
        p = f.affected_provenance
        how = f" ({provenance_text(p)})" if is_estimate(p) else " (exact)"
    of = f" of {f.population:,}" if f.population is not None else ""
    return f"{f.affected:,}{of}{how}"


def finding_next_step(f: Finding) -> str:
    """The first fix, else the first inspect Cypher (never run by NeoSense)."""
    fixes = [s for s in f.suggestions if s.purpose == "fix"]
    chosen = fixes or f.suggestions
    return "; ".join(s.cypher for s in chosen[:2])


def finding_examples(f: Finding) -> str:
    """The examples' values where the values policy let them into the report ("Ada, Bob");
    else how many there are: their element ids are for tools, and stay in the JSON."""
    shown = [e.display for e in f.examples if e.display is not None]
    if shown:
        return ", ".join(shown)
    if not f.examples:
        return ""
    count = len(f.examples)
    return f"{count} example{'s' if count != 1 else ''} (element ids in the JSON report)"


@dataclass(frozen=True)
class Table:
    """A table of plain texts; numeric names the right-aligned (count) columns; tags adds a
    small code after a cell's text, by (row, column) (a finding's title, then its code)."""

    head: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()
    tags: dict[tuple[int, int], str] = field(default_factory=dict)


PROPERTY_HEAD = ["Property", "Types", "Present on", "From"]
PATTERN_HEAD = ["Pattern", "Relationships"]
INDEX_HEAD = ["Name", "Type", "On", "Labels or types", "Properties", "State", "Constraint"]
CONSTRAINT_HEAD = ["Name", "Type", "On", "Labels or types", "Properties", "Index"]
FINDING_HEAD = ["Severity", "Finding", "About", "What", "Affected", "Examples", "Next step"]


def overview_table(report: Report) -> Table:
    return Table(["", "Value"], [[k, v] for k, v in overview(report)])


def property_table(properties: list[Property]) -> Table:
    return Table(
        PROPERTY_HEAD,
        [
            [p.name, " | ".join(p.types), fill_text(p), from_text(p)]
            for p in sorted(properties, key=lambda p: p.name)
        ],
    )


def pattern_table(items: list[tuple[str, Pattern]]) -> Table:
    """(type, pattern) pairs, the largest first."""
    return Table(
        PATTERN_HEAD,
        [
            [pattern_text(t, p), count_text(p.count, p.provenance)]
            for t, p in sorted(items, key=lambda tp: (-tp[1].count, tp[0]))
        ],
        frozenset({1}),
    )


def index_table(indexes: list[Index]) -> Table:
    return Table(
        INDEX_HEAD,
        [
            [
                i.name,
                i.type,
                i.entity_type,
                ", ".join(i.labels_or_types),
                ", ".join(i.properties),
                i.state,
                i.owning_constraint or "",
            ]
            for i in indexes
        ],
    )


def constraint_table(constraints: list[Constraint]) -> Table:
    return Table(
        CONSTRAINT_HEAD,
        [
            [
                c.name,
                c.type + (f" ({c.property_type})" if c.property_type else ""),
                c.entity_type,
                ", ".join(c.labels_or_types),
                ", ".join(c.properties),
                c.owned_index or "",
            ]
            for c in constraints
        ],
    )


def finding_table(findings: list[Finding]) -> Table:
    return Table(
        FINDING_HEAD,
        [
            [
                f.severity.value,
                finding_title(f.code),
                f.subject,
                f.message,
                finding_affected(f),
                finding_examples(f),
                finding_next_step(f),
            ]
            for f in findings
        ],
        tags={(i, 1): f.code for i, f in enumerate(findings)},
    )


@dataclass(frozen=True)
class Entry:
    """One label or relationship type: its section of the page, before any markup.

    anchor is a number-based id ("label-3"), never the name. tables are the sub-sections
    after the property table, each with its heading: Outgoing / Incoming patterns for a
    label, Patterns for a type, then the Indexes and Constraints on it.
    """

    kind: Literal["label", "type"]
    anchor: str
    name: str
    amount: str
    properties: Table
    tables: list[tuple[str, Table]] = field(default_factory=list)
    limit: str = ""  # what the sample its properties came from can miss ("" if read whole)


class _Neighbourhood:
    """Per label and per type: its patterns, indexes and constraints (built once)."""

    def __init__(self, report: Report) -> None:
        self.outgoing: dict[str, list[tuple[str, Pattern]]] = defaultdict(list)
        self.incoming: dict[str, list[tuple[str, Pattern]]] = defaultdict(list)
        for rel in report.relationship_types:
            for p in rel.patterns:
                if p.start is not None:
                    self.outgoing[p.start].append((rel.name, p))
                if p.end is not None:
                    self.incoming[p.end].append((rel.name, p))
        self.indexes: dict[str, list[Index]] = defaultdict(list)
        for i in report.indexes:
            for name in i.labels_or_types:
                self.indexes[name].append(i)
        self.constraints: dict[str, list[Constraint]] = defaultdict(list)
        for c in report.constraints:
            for name in c.labels_or_types:
                self.constraints[name].append(c)

    def schema_on(self, name: str) -> list[tuple[str, Table]]:
        tables = []
        if self.indexes.get(name):
            tables.append(("Indexes", index_table(self.indexes[name])))
        if self.constraints.get(name):
            tables.append(("Constraints", constraint_table(self.constraints[name])))
        return tables


def entries(report: Report) -> tuple[list[Entry], list[Entry]]:
    """The labels' and the types' entries, each sorted by name."""
    around = _Neighbourhood(report)
    labels = []
    for n, label in enumerate(labels_sorted(report)):
        tables = []
        if around.outgoing.get(label.name):
            tables.append(("Outgoing", pattern_table(around.outgoing[label.name])))
        if around.incoming.get(label.name):
            tables.append(("Incoming", pattern_table(around.incoming[label.name])))
        labels.append(
            Entry(
                "label",
                f"label-{n}",
                label.name,
                amount_text(label.count, label.count_provenance, "node", "nodes"),
                property_table(label.properties),
                tables + around.schema_on(label.name),
                limit_text(label.sample_limit, "nodes"),
            )
        )
    types = []
    for n, rel in enumerate(types_sorted(report)):
        tables = []
        if rel.patterns:
            tables.append(("Patterns", pattern_table([(rel.name, p) for p in rel.patterns])))
        types.append(
            Entry(
                "type",
                f"type-{n}",
                rel.name,
                amount_text(rel.count, rel.count_provenance, "relationship", "relationships"),
                property_table(rel.properties),
                tables + around.schema_on(rel.name),
                limit_text(rel.sample_limit, "relationships"),
            )
        )
    return labels, types
