"""What changed between two reports: labels, types, properties, patterns, indexes, constraints,
counts and statistics. `neosense-desktop diff A.json B.json` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .report import Constraint, Index, Label, Pattern, Property, RelationshipType, Report

Category = Literal[
    "label", "relationship_type", "property", "pattern", "index", "constraint", "statistic"
]
Kind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Change:
    """One difference; path locates it, e.g. ["labels", "Person", "properties", "age"]."""

    category: Category
    kind: Kind
    path: list[str]
    before: Any
    after: Any
    message: str


@dataclass
class ReportDiff:
    a_run_id: str
    b_run_id: str
    changes: list[Change] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def by_category(self, category: Category) -> list[Change]:
        return [c for c in self.changes if c.category == category]

    def text(self) -> str:
        if self.is_empty:
            return f"No differences between {self.a_run_id} and {self.b_run_id}."
        signs = {"added": "+", "removed": "-", "changed": "~"}
        lines = [f"{len(self.changes)} difference(s) from {self.a_run_id} to {self.b_run_id}:"]
        lines.extend(f"{signs[c.kind]} {c.message}" for c in self.changes)
        return "\n".join(lines)


def _delta(before: int | float | None, after: int | float | None) -> str:
    if before is None or after is None:
        return f"{before} -> {after}"
    d = after - before
    return f"{before} -> {after} ({'+' if d >= 0 else ''}{d})"


def _diff_properties(
    owner_path: list[str], owner: str, a: list[Property], b: list[Property], out: list[Change]
) -> None:
    pa, pb = {p.name: p for p in a}, {p.name: p for p in b}
    for name in sorted(pa.keys() - pb.keys()):
        out.append(
            Change(
                "property",
                "removed",
                [*owner_path, "properties", name],
                pa[name].types,
                None,
                f"property {owner}.{name} removed",
            )
        )
    for name in sorted(pb.keys() - pa.keys()):
        out.append(
            Change(
                "property",
                "added",
                [*owner_path, "properties", name],
                None,
                pb[name].types,
                f"property {owner}.{name} added ({', '.join(pb[name].types)})",
            )
        )
    for name in sorted(pa.keys() & pb.keys()):
        x, y = pa[name], pb[name]
        if sorted(x.types) != sorted(y.types):
            out.append(
                Change(
                    "property",
                    "changed",
                    [*owner_path, "properties", name, "types"],
                    x.types,
                    y.types,
                    f"property {owner}.{name} types {', '.join(x.types) or '-'} -> "
                    f"{', '.join(y.types) or '-'}",
                )
            )
        if round(x.fill_rate, 4) != round(y.fill_rate, 4):
            out.append(
                Change(
                    "property",
                    "changed",
                    [*owner_path, "properties", name, "fill_rate"],
                    x.fill_rate,
                    y.fill_rate,
                    f"property {owner}.{name} fill rate {x.fill_rate:.1%} -> {y.fill_rate:.1%}",
                )
            )


def _diff_labels(a: list[Label], b: list[Label], out: list[Change]) -> None:
    la, lb = {x.name: x for x in a}, {x.name: x for x in b}
    for name in sorted(la.keys() - lb.keys()):
        out.append(
            Change(
                "label",
                "removed",
                ["labels", name],
                la[name].count,
                None,
                f"label {name} removed (had {la[name].count} nodes)",
            )
        )
    for name in sorted(lb.keys() - la.keys()):
        out.append(
            Change(
                "label",
                "added",
                ["labels", name],
                None,
                lb[name].count,
                f"label {name} added ({lb[name].count} nodes)",
            )
        )
    for name in sorted(la.keys() & lb.keys()):
        x, y = la[name], lb[name]
        if x.count != y.count:
            out.append(
                Change(
                    "label",
                    "changed",
                    ["labels", name, "count"],
                    x.count,
                    y.count,
                    f"label {name} count {_delta(x.count, y.count)}",
                )
            )
        _diff_properties(["labels", name], f"(:{name})", x.properties, y.properties, out)


def _pattern_key(p: Pattern) -> tuple[str, str]:
    return (p.start or "", p.end or "")


def _pattern_text(rel: str, p: Pattern) -> str:
    start = f"(:{p.start})" if p.start else "()"
    end = f"(:{p.end})" if p.end else "()"
    return f"{start}-[:{rel}]->{end}"


def _diff_types(a: list[RelationshipType], b: list[RelationshipType], out: list[Change]) -> None:
    ta, tb = {x.name: x for x in a}, {x.name: x for x in b}
    for name in sorted(ta.keys() - tb.keys()):
        out.append(
            Change(
                "relationship_type",
                "removed",
                ["relationship_types", name],
                ta[name].count,
                None,
                f"relationship type {name} removed (had {ta[name].count})",
            )
        )
    for name in sorted(tb.keys() - ta.keys()):
        out.append(
            Change(
                "relationship_type",
                "added",
                ["relationship_types", name],
                None,
                tb[name].count,
                f"relationship type {name} added ({tb[name].count})",
            )
        )
    for name in sorted(ta.keys() & tb.keys()):
        x, y = ta[name], tb[name]
        base = ["relationship_types", name]
        if x.count != y.count:
            out.append(
                Change(
                    "relationship_type",
                    "changed",
                    [*base, "count"],
                    x.count,
                    y.count,
                    f"relationship type {name} count {_delta(x.count, y.count)}",
                )
            )
        pa = {_pattern_key(p): p for p in x.patterns}
        pb = {_pattern_key(p): p for p in y.patterns}
        for key in sorted(pa.keys() - pb.keys()):
            out.append(
                Change(
                    "pattern",
                    "removed",
                    [*base, "patterns", *key],
                    pa[key].count,
                    None,
                    f"pattern {_pattern_text(name, pa[key])} removed",
                )
            )
        for key in sorted(pb.keys() - pa.keys()):
            out.append(
                Change(
                    "pattern",
                    "added",
                    [*base, "patterns", *key],
                    None,
                    pb[key].count,
                    f"pattern {_pattern_text(name, pb[key])} added ({pb[key].count})",
                )
            )
        for key in sorted(pa.keys() & pb.keys()):
            if pa[key].count != pb[key].count:
                out.append(
                    Change(
                        "pattern",
                        "changed",
                        [*base, "patterns", *key, "count"],
                        pa[key].count,
                        pb[key].count,
                        f"pattern {_pattern_text(name, pa[key])} count "
                        f"{_delta(pa[key].count, pb[key].count)}",
                    )
                )
        _diff_properties(base, f"[:{name}]", x.properties, y.properties, out)


def _schema_item_view(item: Index | Constraint) -> dict[str, Any]:
    view = {
        "type": item.type,
        "entity_type": item.entity_type,
        "labels_or_types": item.labels_or_types,
        "properties": item.properties,
    }
    if isinstance(item, Index):
        view["state"] = item.state
    return view


def _diff_named(
    category: Literal["index", "constraint"],
    a: list[Index] | list[Constraint],
    b: list[Index] | list[Constraint],
    out: list[Change],
) -> None:
    xa = {x.name: _schema_item_view(x) for x in a}
    xb = {x.name: _schema_item_view(x) for x in b}
    root = "indexes" if category == "index" else "constraints"
    for name in sorted(xa.keys() - xb.keys()):
        out.append(
            Change(category, "removed", [root, name], xa[name], None, f"{category} {name} removed")
        )
    for name in sorted(xb.keys() - xa.keys()):
        v = xb[name]
        out.append(
            Change(
                category,
                "added",
                [root, name],
                None,
                v,
                f"{category} {name} added ({v['type']} on "
                f"{', '.join(v['labels_or_types']) or '*'}"
                f"({', '.join(v['properties'])}))",
            )
        )
    for name in sorted(xa.keys() & xb.keys()):
        for key in xa[name]:
            if xa[name][key] != xb[name][key]:
                out.append(
                    Change(
                        category,
                        "changed",
                        [root, name, key],
                        xa[name][key],
                        xb[name][key],
                        f"{category} {name} {key} {xa[name][key]} -> {xb[name][key]}",
                    )
                )


STATISTICS = (
    "node_count",
    "relationship_count",
    "label_count",
    "relationship_type_count",
    "property_key_count",
    "unlabeled_node_count",
    "orphan_node_count",
)


def diff_reports(a: Report, b: Report) -> ReportDiff:
    """Differences from report a (before) to report b (after)."""
    changes: list[Change] = []
    _diff_labels(a.labels, b.labels, changes)
    _diff_types(a.relationship_types, b.relationship_types, changes)
    _diff_named("index", a.indexes, b.indexes, changes)
    _diff_named("constraint", a.constraints, b.constraints, changes)
    for name in STATISTICS:
        x, y = getattr(a.statistics, name), getattr(b.statistics, name)
        if x != y:
            changes.append(
                Change(
                    "statistic",
                    "changed",
                    ["statistics", name],
                    x,
                    y,
                    f"{name.replace('_', ' ')} {_delta(x, y)}",
                )
            )
    return ReportDiff(a.run.id, b.run.id, changes)
