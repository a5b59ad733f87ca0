"""What the human-readable formats (html, markdown) say about a report, as plain text.

Each renderer escapes these strings for its own format; nothing here is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..report import Finding, Label, Pattern, Property, Provenance, RelationshipType, Report
from ..wording import count_text, is_estimate, provenance_qualified, provenance_text


def amount_text(count: int, provenance: Provenance | None, one: str, many: str) -> str:
    """'91 nodes (count store (exact))', with '~' for an estimate and the right plural."""
    source = provenance_qualified(provenance)
    noun = one if count == 1 else many
    return f"{count_text(count, provenance)} {noun}" + (f" ({source})" if source else "")


def fill_text(prop: Property) -> str:
    return f"{prop.fill_rate:.0%}" if prop.fill_rate < 1 else "100% (always)"


def pattern_text(rel_type: str, pattern: Pattern) -> str:
    start = f"(:{pattern.start})" if pattern.start is not None else "()"
    end = f"(:{pattern.end})" if pattern.end is not None else "()"
    return f"{start}-[:{rel_type}]->{end}"


@dataclass(frozen=True)
class PropertyRow:
    name: str
    types: str
    fill: str
    provenance: str


def property_rows(properties: list[Property]) -> list[PropertyRow]:
    return [
        PropertyRow(p.name, " | ".join(p.types), fill_text(p), provenance_qualified(p.provenance))
        for p in sorted(properties, key=lambda p: p.name)
    ]


def overview(report: Report) -> list[tuple[str, str]]:
    """The overview table: what a reader wants first."""
    s, run, server = report.statistics, report.run, report.server
    rows = [
        ("Server", f"{server.address} (Neo4j {server.version} {server.edition})"),
        ("Database", server.database),
        ("Extracted", f"{run.started_at:%Y-%m-%d %H:%M:%S %Z}".strip()),
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
    return ", ".join(
        (e.display + " " if e.display is not None else "") + f"[{e.element_id}]" for e in f.examples
    )
