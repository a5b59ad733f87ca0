"""What changed between two reports: labels, types, properties, patterns, indexes, constraints,
counts and statistics. `neosense-desktop diff A.json B.json` prints it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from .report import Constraint, Index, Label, Pattern, Property, RelationshipType, Report

Category = Literal[
    "label", "relationship_type", "property", "pattern", "index", "constraint", "statistic"
]
Kind = Literal["added", "removed", "changed"]
K = TypeVar("K", str, tuple[str, str])
T = TypeVar("T")


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


def _compare(
    category: Category,
    a: Mapping[K, T],
    b: Mapping[K, T],
    path: Callable[[K], list[str]],
    value: Callable[[T], Any],
    removed: Callable[[K, T], str],
    added: Callable[[K, T], str],
    out: list[Change],
) -> list[tuple[K, T, T]]:
    """One Change per key only in a (removed) and per key only in b (added), in key order;
    returns (key, before, after) for the keys in both, for the caller to compare."""
    for key in sorted(a.keys() - b.keys()):
        out.append(
            Change(category, "removed", path(key), value(a[key]), None, removed(key, a[key]))
        )
    for key in sorted(b.keys() - a.keys()):
        out.append(Change(category, "added", path(key), None, value(b[key]), added(key, b[key])))
    return [(key, a[key], b[key]) for key in sorted(a.keys() & b.keys())]


def _count_changed(
    category: Category, path: list[str], before: int, after: int, what: str, out: list[Change]
) -> None:
    if before != after:
        out.append(
            Change(
                category,
                "changed",
                [*path, "count"],
                before,
                after,
                f"{what} count {_delta(before, after)}",
            )
        )


def _diff_properties(
    owner_path: list[str], owner: str, a: list[Property], b: list[Property], out: list[Change]
) -> None:
    both = _compare(
        "property",
        {p.name: p for p in a},
        {p.name: p for p in b},
        lambda name: [*owner_path, "properties", name],
        lambda p: p.types,
        lambda name, _p: f"property {owner}.{name} removed",
        lambda name, p: f"property {owner}.{name} added ({', '.join(p.types)})",
        out,
    )
    for name, x, y in both:
        path = [*owner_path, "properties", name]
        if sorted(x.types) != sorted(y.types):
            out.append(
                Change(
                    "property",
                    "changed",
                    [*path, "types"],
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
                    [*path, "fill_rate"],
                    x.fill_rate,
                    y.fill_rate,
                    f"property {owner}.{name} fill rate {x.fill_rate:.1%} -> {y.fill_rate:.1%}",
                )
            )


def _diff_labels(a: list[Label], b: list[Label], out: list[Change]) -> None:
    both = _compare(
        "label",
        {x.name: x for x in a},
        {x.name: x for x in b},
        lambda name: ["labels", name],
        lambda x: x.count,
        lambda name, x: f"label {name} removed (had {x.count} nodes)",
        lambda name, x: f"label {name} added ({x.count} nodes)",
        out,
    )
    for name, x, y in both:
        _count_changed("label", ["labels", name], x.count, y.count, f"label {name}", out)
        _diff_properties(["labels", name], f"(:{name})", x.properties, y.properties, out)


def _pattern_key(p: Pattern) -> tuple[str, str]:
    return (p.start or "", p.end or "")


def _pattern_text(rel: str, p: Pattern) -> str:
    start = f"(:{p.start})" if p.start else "()"
    end = f"(:{p.end})" if p.end else "()"
    return f"{start}-[:{rel}]->{end}"


def _diff_patterns(
    rel: str, base: list[str], a: list[Pattern], b: list[Pattern], out: list[Change]
) -> None:
    both = _compare(
        "pattern",
        {_pattern_key(p): p for p in a},
        {_pattern_key(p): p for p in b},
        lambda key: [*base, "patterns", *key],
        lambda p: p.count,
        lambda _key, p: f"pattern {_pattern_text(rel, p)} removed",
        lambda _key, p: f"pattern {_pattern_text(rel, p)} added ({p.count})",
        out,
    )
    for key, x, y in both:
        what = f"pattern {_pattern_text(rel, x)}"
        _count_changed("pattern", [*base, "patterns", *key], x.count, y.count, what, out)


def _diff_types(a: list[RelationshipType], b: list[RelationshipType], out: list[Change]) -> None:
    both = _compare(
        "relationship_type",
        {x.name: x for x in a},
        {x.name: x for x in b},
        lambda name: ["relationship_types", name],
        lambda x: x.count,
        lambda name, x: f"relationship type {name} removed (had {x.count})",
        lambda name, x: f"relationship type {name} added ({x.count})",
        out,
    )
    for name, x, y in both:
        base = ["relationship_types", name]
        _count_changed(
            "relationship_type", base, x.count, y.count, f"relationship type {name}", out
        )
        _diff_patterns(name, base, x.patterns, y.patterns, out)
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
    root = "indexes" if category == "index" else "constraints"
    both = _compare(
        category,
        {x.name: _schema_item_view(x) for x in a},
        {x.name: _schema_item_view(x) for x in b},
        lambda name: [root, name],
        lambda v: v,
        lambda name, _v: f"{category} {name} removed",
        lambda name, v: (
            f"{category} {name} added ({v['type']} on "
            f"{', '.join(v['labels_or_types']) or '*'}({', '.join(v['properties'])}))"
        ),
        out,
    )
    for name, x, y in both:
        for key in x:
            if x[key] != y[key]:
                out.append(
                    Change(
                        category,
                        "changed",
                        [root, name, key],
                        x[key],
                        y[key],
                        f"{category} {name} {key} {x[key]} -> {y[key]}",
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
