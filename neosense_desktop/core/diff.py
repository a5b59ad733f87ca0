"""What changed between two reports, in words: labels, types, properties, patterns, indexes,
constraints, counts, statistics and quality. `neosense-desktop diff A.json B.json` prints it,
the window's Compare lists it, and core.drift_policy judges it against a policy.

Every Change carries a `message` a person reads ("Property vip added to :Customer
(BOOLEAN)", "Nodes 1,035 → 1,037 (+2)", "Constraint movie_title dropped") and a `subject`
naming the item it is about ("Property vip of :Customer"); `path` and `aspect` are for
programs (JSON, the policy) and are never shown. Names in messages are data: written as
Cypher writes them (bare when plain, else backtick-quoted, so `A B` stays one name) but not
escaped for any medium; the window shows them as plain text, the terminal through
core.terminal_text.printable.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from .formats.names import schema_name as _schema_name
from .report import (
    Constraint,
    Finding,
    Index,
    Label,
    Pattern,
    Property,
    Provenance,
    RelationshipType,
    Report,
    RunInfo,
    SampleLimit,
)
from .wording import finding_title, sample_limit_text

Category = Literal[
    "label",
    "relationship_type",
    "property",
    "pattern",
    "index",
    "constraint",
    "statistic",
    "quality",
    "finding",
]
Kind = Literal["added", "removed", "changed"]
# Which part of the item changed; "presence" for an item added or removed.
Aspect = Literal[
    "presence",
    "count",
    "value_types",
    "fill_rate",
    "definition",
    "state",
    "score",
    "severity",
    "sampling",
]
K = TypeVar("K", str, tuple[str, str])
T = TypeVar("T")

# How categories are named where people read them (the window's groups, JUnit classes).
CATEGORY_TITLES: dict[str, str] = {
    "label": "Labels",
    "relationship_type": "Relationship types",
    "property": "Properties",
    "pattern": "Patterns",
    "index": "Indexes",
    "constraint": "Constraints",
    "statistic": "Statistics",
    "quality": "Quality",
    "finding": "Findings",
}

STATISTIC_TITLES: dict[str, str] = {
    "node_count": "Nodes",
    "relationship_count": "Relationships",
    "label_count": "Labels",
    "relationship_type_count": "Relationship types",
    "property_key_count": "Property keys",
    "unlabeled_node_count": "Nodes without a label",
    "orphan_node_count": "Nodes without relationships",
}
STATISTICS = tuple(STATISTIC_TITLES)


@dataclass(frozen=True)
class Change:
    """One difference from a before report to an after report.

    message: the change in words, for people. subject: the item it concerns, in words
    ("Label :Customer", "Nodes"); several changes can share one. path and aspect locate it
    for programs (e.g. ["labels", "Person", "properties", "age"] and "value_types").
    miss_chance: for an item no longer seen in a sampled reading, the chance that a sample
    of that size misses an item as common as it was before (None when the reading was
    exact or the item was not removed).
    """

    category: Category
    kind: Kind
    path: list[str]
    before: Any
    after: Any
    message: str
    subject: str = ""
    aspect: Aspect = "presence"
    severity: str | None = None
    miss_chance: float | None = None

    def as_json(self) -> dict[str, Any]:
        """The change for a program: everything but the internal path."""
        data: dict[str, Any] = {
            "category": self.category,
            "kind": self.kind,
            "aspect": self.aspect,
            "subject": self.subject,
            "message": self.message,
            "before": self.before,
            "after": self.after,
        }
        if self.severity is not None:
            data["severity"] = self.severity
        if self.miss_chance is not None:
            data["miss_chance"] = self.miss_chance
        return data


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

    def text(self, clean: Callable[[str], str] = str) -> str:
        """The changes as lines; clean is applied to each run id and message (the terminal
        passes terminal_text.printable, so that no name forges a line or an escape)."""
        if self.is_empty:
            return f"No differences between {clean(self.a_run_id)} and {clean(self.b_run_id)}."
        signs = {"added": "+", "removed": "-", "changed": "~"}
        count = len(self.changes)
        noun = "difference" if count == 1 else "differences"
        lines = [f"{count:,} {noun} from {clean(self.a_run_id)} to {clean(self.b_run_id)}:"]
        lines.extend(f"{signs[c.kind]} {clean(c.message)}" for c in self.changes)
        return "\n".join(lines)


# -- words ----------------------------------------------------------------------------------
@functools.lru_cache(maxsize=65_536)
def schema_name(name: str) -> str:
    """A name as Cypher writes it (formats.names.schema_name), remembered: a report of 2,000
    labels x 50 properties names the same keys thousands of times."""
    return _schema_name(name)


def label_text(name: str) -> str:
    """ ":Customer", ":`Odd label`"."""
    return ":" + schema_name(name)


def type_text(name: str) -> str:
    """ "[:ACTED_IN]"."""
    return f"[:{schema_name(name)}]"


def pattern_text(rel: str, p: Pattern) -> str:
    """ "(:Person)-[:ACTED_IN]->(:Movie)"; "()" for an unlabeled end."""
    start = f"({label_text(p.start)})" if p.start is not None else "()"
    end = f"({label_text(p.end)})" if p.end is not None else "()"
    return f"{start}-{type_text(rel)}->{end}"


def _number(value: int | float | None) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def delta_text(before: int | float | None, after: int | float | None) -> str:
    """ "1,035 → 1,037 (+2)"; "unknown → 1,037" when one side was not measured."""
    arrow = f"{_number(before)} → {_number(after)}"
    if before is None or after is None:
        return arrow
    d = after - before
    sign = "+" if d >= 0 else "-"
    return f"{arrow} ({sign}{_number(abs(d))})"


def _many(count: int, noun: str) -> str:
    """ "1 node", "1,035 nodes", "1 relationship"."""
    return f"{count:,} {noun}" if count != 1 else f"1 {noun[:-1]}"


def _types_text(types: list[str]) -> str:
    return ", ".join(types) or "no type"


def _share(value: float) -> str:
    return f"{value:.1%}".replace("%", " %")


# -- comparing ------------------------------------------------------------------------------
def _compare(
    a: Mapping[K, T],
    b: Mapping[K, T],
    removed: Callable[[K, T], Change],
    added: Callable[[K, T], Change],
    out: list[Change],
) -> list[tuple[K, T, T]]:
    """One Change per key only in a (removed) and per key only in b (added), in key order;
    returns (key, before, after) for the keys in both, for the caller to compare."""
    out.extend(removed(key, a[key]) for key in sorted(a.keys() - b.keys()))
    out.extend(added(key, b[key]) for key in sorted(b.keys() - a.keys()))
    return [(key, a[key], b[key]) for key in sorted(a.keys() & b.keys())]


def _sample_size(properties: list[Property], count: int, run: RunInfo) -> int | None:
    """The size of the sample the owner's properties were read from; None when exact.

    From the properties' provenance; an owner with no property left says nothing, so its
    count and the run's options decide (sampled mode, or auto at or over the exact
    threshold, reads a sample of run.sample_size when there are more entities than that).
    """
    sizes = [
        p.provenance.sample_size
        for p in properties
        if p.provenance.method == "sample" and p.provenance.sample_size is not None
    ]
    if sizes:
        return max(sizes)
    if properties or count <= run.sample_size:
        return None
    threshold = run.exact_threshold
    sampled = run.mode == "sampled" or (
        run.mode == "auto" and threshold is not None and count >= threshold
    )
    return run.sample_size if sampled else None


def miss_chance(share: float, sample_size: int | None) -> float | None:
    """The chance that a uniform sample of sample_size entities holds none of a share of
    them: (1 - share) ** n. None for an exact reading."""
    if sample_size is None:
        return None
    return float((1.0 - min(max(share, 0.0), 1.0)) ** sample_size)


@dataclass(frozen=True)
class _Owner:
    """A label or a relationship type, as the properties' changes name it."""

    path: list[str]
    text: str  # ":Customer" or "[:ACTED_IN]"
    entities: str  # "nodes" or "relationships"
    sample_size: int | None  # of the after report's reading of the owner's properties


def _diff_properties(
    owner: _Owner, a: list[Property], b: list[Property], out: list[Change]
) -> None:
    def subject(name: str) -> str:
        return f"Property {schema_name(name)} of {owner.text}"

    def removed(name: str, p: Property) -> Change:
        chance = miss_chance(p.fill_rate, owner.sample_size)
        if chance is None:
            message = f"Property {schema_name(name)} removed from {owner.text}"
        else:
            message = (
                f"Property {schema_name(name)} not seen on {owner.text} in a sample of "
                f"{owner.sample_size:,} {owner.entities} (it was on {_share(p.fill_rate)} of "
                f"them; a sample that size misses it {_share(chance)} of the time)"
            )
        return Change(
            "property",
            "removed",
            [*owner.path, "properties", name],
            p.types,
            None,
            message,
            subject(name),
            miss_chance=chance,
        )

    def added(name: str, p: Property) -> Change:
        return Change(
            "property",
            "added",
            [*owner.path, "properties", name],
            None,
            p.types,
            f"Property {schema_name(name)} added to {owner.text} ({_types_text(p.types)})",
            subject(name),
        )

    both = _compare({p.name: p for p in a}, {p.name: p for p in b}, removed, added, out)
    for name, x, y in both:
        path = [*owner.path, "properties", name]
        if sorted(x.types) != sorted(y.types):
            out.append(
                Change(
                    "property",
                    "changed",
                    [*path, "types"],
                    x.types,
                    y.types,
                    f"Property {schema_name(name)} of {owner.text} changed type: "
                    f"{_types_text(x.types)} → {_types_text(y.types)}",
                    subject(name),
                    "value_types",
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
                    f"Property {schema_name(name)} of {owner.text} on "
                    f"{_share(x.fill_rate)} → {_share(y.fill_rate)} of the {owner.entities}",
                    subject(name),
                    "fill_rate",
                )
            )


def _count_change(
    category: Category,
    path: list[str],
    subject: str,
    what: str,
    before: int,
    after: int,
    provenance: Provenance | None = None,
) -> Change | None:
    if before == after:
        return None
    estimate = " (estimated)" if provenance is not None and provenance.method == "sample" else ""
    return Change(
        category,
        "changed",
        [*path, "count"],
        before,
        after,
        f"{what} {delta_text(before, after)}{estimate}",
        subject,
        "count",
    )


def _diff_labels(a: list[Label], b: list[Label], run: RunInfo, out: list[Change]) -> None:
    def removed(name: str, x: Label) -> Change:
        return Change(
            "label",
            "removed",
            ["labels", name],
            x.count,
            None,
            f"Label {label_text(name)} removed (had {_many(x.count, 'nodes')})",
            f"Label {label_text(name)}",
        )

    def added(name: str, x: Label) -> Change:
        return Change(
            "label",
            "added",
            ["labels", name],
            None,
            x.count,
            f"Label {label_text(name)} added ({_many(x.count, 'nodes')})",
            f"Label {label_text(name)}",
        )

    for name, x, y in _compare({x.name: x for x in a}, {x.name: x for x in b}, removed, added, out):
        counted = _count_change(
            "label",
            ["labels", name],
            f"Label {label_text(name)}",
            f"Nodes of {label_text(name)}",
            x.count,
            y.count,
            y.count_provenance,
        )
        if counted is not None:
            out.append(counted)
        sample = _sample_size(y.properties, y.count, run)
        owner = _Owner(["labels", name], label_text(name), "nodes", sample)
        _diff_properties(owner, x.properties, y.properties, out)
        sampling = sampling_change(
            "label", ["labels", name], label_text(name), "nodes", x.sample_limit, y.sample_limit
        )
        if sampling is not None:
            out.append(sampling)


# A sample's reach is reported when it changes by this factor or more (the rarest share it
# sees): smaller changes come with every run on a growing graph and would only be noise.
SAMPLING_CHANGE_FACTOR = 2.0


def sampling_change(
    category: Category,
    path: list[str],
    owner: str,
    noun: str,
    before: SampleLimit | None,
    after: SampleLimit | None,
) -> Change | None:
    """What changed in what a label's or type's reading could miss: read whole in one run
    and sampled in the other, or a sample that sees only half (or twice) as rare a key.
    Reported, never failed: it says how far the two runs' properties can be compared."""
    if before is None and after is None:
        return None
    if before is not None and after is not None:
        low = max(min(before.missable_share, after.missable_share), 1e-12)
        high = max(before.missable_share, after.missable_share)
        if high / low < SAMPLING_CHANGE_FACTOR:
            return None
    was = sample_limit_text(before, noun) or "read whole"
    now = sample_limit_text(after, noun) or "read whole"
    return Change(
        category,
        "changed",
        [*path, "sample_limit"],
        before,
        after,
        f"Sampling of {owner}: {was} → {now}",
        f"Sampling of {owner}",
        "sampling",
    )


def _pattern_key(p: Pattern) -> tuple[str, str]:
    # Neo4j refuses an empty label name, so "" stands for an unlabeled end.
    return (p.start or "", p.end or "")


def _diff_patterns(
    rel: str,
    base: list[str],
    a: list[Pattern],
    b: list[Pattern],
    type_count_before: int,
    out: list[Change],
) -> None:
    sampled = [
        p.provenance.sample_size
        for p in b
        if p.provenance is not None
        and p.provenance.method == "sample"
        and p.provenance.sample_size is not None
    ]
    sample_size = max(sampled) if sampled else None

    def path(key: tuple[str, str]) -> list[str]:
        return [*base, "patterns", *key]

    def removed(key: tuple[str, str], p: Pattern) -> Change:
        share = p.count / type_count_before if type_count_before else 1.0
        chance = miss_chance(share, sample_size)
        if chance is None:
            message = f"Pattern {pattern_text(rel, p)} removed (had {p.count:,})"
        else:
            message = (
                f"Pattern {pattern_text(rel, p)} not seen in a sample of {sample_size:,} "
                f"relationships (it had {p.count:,}; a sample that size misses it "
                f"{_share(chance)} of the time)"
            )
        return Change(
            "pattern",
            "removed",
            path(key),
            p.count,
            None,
            message,
            f"Pattern {pattern_text(rel, p)}",
            miss_chance=chance,
        )

    def added(key: tuple[str, str], p: Pattern) -> Change:
        return Change(
            "pattern",
            "added",
            path(key),
            None,
            p.count,
            f"Pattern {pattern_text(rel, p)} added ({_many(p.count, 'relationships')})",
            f"Pattern {pattern_text(rel, p)}",
        )

    both = _compare(
        {_pattern_key(p): p for p in a}, {_pattern_key(p): p for p in b}, removed, added, out
    )
    for key, x, y in both:
        text = pattern_text(rel, x)
        counted = _count_change(
            "pattern",
            path(key),
            f"Pattern {text}",
            f"Relationships {text}",
            x.count,
            y.count,
            y.provenance,
        )
        if counted is not None:
            out.append(counted)


def _diff_types(
    a: list[RelationshipType], b: list[RelationshipType], run: RunInfo, out: list[Change]
) -> None:
    def removed(name: str, x: RelationshipType) -> Change:
        return Change(
            "relationship_type",
            "removed",
            ["relationship_types", name],
            x.count,
            None,
            f"Relationship type {type_text(name)} removed (had {_many(x.count, 'relationships')})",
            f"Relationship type {type_text(name)}",
        )

    def added(name: str, x: RelationshipType) -> Change:
        return Change(
            "relationship_type",
            "added",
            ["relationship_types", name],
            None,
            x.count,
            f"Relationship type {type_text(name)} added ({_many(x.count, 'relationships')})",
            f"Relationship type {type_text(name)}",
        )

    for name, x, y in _compare({x.name: x for x in a}, {x.name: x for x in b}, removed, added, out):
        base = ["relationship_types", name]
        counted = _count_change(
            "relationship_type",
            base,
            f"Relationship type {type_text(name)}",
            f"Relationships {type_text(name)}",
            x.count,
            y.count,
            y.count_provenance,
        )
        if counted is not None:
            out.append(counted)
        _diff_patterns(name, base, x.patterns, y.patterns, x.count, out)
        sample = _sample_size(y.properties, y.count, run)
        owner = _Owner(base, type_text(name), "relationships", sample)
        _diff_properties(owner, x.properties, y.properties, out)
        sampling = sampling_change(
            "relationship_type",
            base,
            type_text(name),
            "relationships",
            x.sample_limit,
            y.sample_limit,
        )
        if sampling is not None:
            out.append(sampling)


def _kind_words(item: Index | Constraint) -> str:
    """The index or constraint type in words, the same on every server line: 5.x says
    UNIQUENESS where 2025+ says NODE_PROPERTY_UNIQUENESS, so an upgrade alone changes no
    definition. "range index", "uniqueness constraint", "type INTEGER constraint"."""
    words = item.type.upper()
    for prefix in ("NODE_", "RELATIONSHIP_", "PROPERTY_"):
        words = words.removeprefix(prefix)
    text = words.lower().replace("_", " ") or "unknown"
    if isinstance(item, Constraint):
        if item.property_type:
            text = f"{text} {item.property_type}"
        return f"{text} constraint"
    return f"{text} index"


def schema_item_text(item: Index | Constraint) -> str:
    """ "range index on :Movie(title)", "uniqueness constraint on [:RATED](at)", "lookup
    index on nodes"."""
    relationship = item.entity_type.upper().startswith("REL")
    names = [type_text(n) if relationship else label_text(n) for n in item.labels_or_types]
    props = ", ".join(schema_name(p) for p in item.properties)
    if not names:
        target = "relationships" if relationship else "nodes"
    else:
        target = "|".join(names) + (f"({props})" if props else "")
    return f"{_kind_words(item)} on {target}"


def _diff_named(
    category: Literal["index", "constraint"],
    a: list[Index] | list[Constraint],
    b: list[Index] | list[Constraint],
    out: list[Change],
) -> None:
    root = "indexes" if category == "index" else "constraints"
    noun = "Index" if category == "index" else "Constraint"

    def subject(name: str) -> str:
        return f"{noun} {schema_name(name)}"

    def removed(name: str, x: Index | Constraint) -> Change:
        text = schema_item_text(x)
        return Change(
            category,
            "removed",
            [root, name],
            text,
            None,
            f"{noun} {schema_name(name)} dropped ({text})",
            subject(name),
        )

    def added(name: str, x: Index | Constraint) -> Change:
        text = schema_item_text(x)
        return Change(
            category,
            "added",
            [root, name],
            None,
            text,
            f"{noun} {schema_name(name)} added ({text})",
            subject(name),
        )

    before: dict[str, Index | Constraint] = {x.name: x for x in a}
    after: dict[str, Index | Constraint] = {x.name: x for x in b}
    for name, x, y in _compare(before, after, removed, added, out):
        old, new = schema_item_text(x), schema_item_text(y)
        if old != new:
            out.append(
                Change(
                    category,
                    "changed",
                    [root, name, "definition"],
                    old,
                    new,
                    f"{noun} {schema_name(name)} changed: {old} → {new}",
                    subject(name),
                    "definition",
                )
            )
        if isinstance(x, Index) and isinstance(y, Index) and x.state != y.state:
            out.append(
                Change(
                    category,
                    "changed",
                    [root, name, "state"],
                    x.state,
                    y.state,
                    f"{noun} {schema_name(name)} {x.state} → {y.state}",
                    subject(name),
                    "state",
                )
            )


def _diff_statistics(a: Report, b: Report, out: list[Change]) -> None:
    for name, title in STATISTIC_TITLES.items():
        x, y = getattr(a.statistics, name), getattr(b.statistics, name)
        if x != y:
            out.append(
                Change(
                    "statistic",
                    "changed",
                    ["statistics", name],
                    x,
                    y,
                    f"{title} {delta_text(x, y)}",
                    title,
                    "count",
                )
            )


def finding_kind_subject(code: str) -> str:
    """The item a finding's changes belong to: its kind, "Findings: Numbers stored as
    strings"."""
    return f"Findings: {finding_title(code)}"


def _finding_text(f: Finding) -> str:
    title = finding_title(f.code)
    # Some checks name their subject in the title's words ("nodes without a label").
    if not f.subject or f.subject.casefold() == title.casefold():
        return title
    return f"{title} on {f.subject}"


def _diff_quality(a: Report, b: Report, out: list[Change]) -> None:
    x, y = a.quality.score, b.quality.score
    if x is not None and y is not None and round(x, 1) != round(y, 1):
        out.append(
            Change(
                "quality",
                "changed",
                ["quality", "score"],
                x,
                y,
                f"Quality score {delta_text(round(x, 1), round(y, 1))}",
                "Quality score",
                "score",
            )
        )
    elif (x is None) != (y is None):
        out.append(
            Change(
                "quality",
                "changed",
                ["quality", "score"],
                x,
                y,
                f"Quality score {_number(x)} → {_number(y)}",
                "Quality score",
                "score",
            )
        )
    count_a = len(a.quality.findings) + a.quality.findings_left_out
    count_b = len(b.quality.findings) + b.quality.findings_left_out
    if count_a != count_b:
        out.append(
            Change(
                "quality",
                "changed",
                ["quality", "findings", "count"],
                count_a,
                count_b,
                f"Findings {delta_text(count_a, count_b)}",
                "Findings",
                "count",
            )
        )

    def key(f: Finding) -> tuple[str, str]:
        return (f.code, f.subject)

    def removed(k: tuple[str, str], f: Finding) -> Change:
        return Change(
            "finding",
            "removed",
            ["quality", "findings", *k],
            f.severity.value,
            None,
            f"Resolved {f.severity.value}: {_finding_text(f)}",
            finding_kind_subject(f.code),
            severity=f.severity.value,
        )

    def added(k: tuple[str, str], f: Finding) -> Change:
        return Change(
            "finding",
            "added",
            ["quality", "findings", *k],
            None,
            f.severity.value,
            f"New {f.severity.value}: {_finding_text(f)}",
            finding_kind_subject(f.code),
            severity=f.severity.value,
        )

    # A finding's identity is its check and its subject; the first of duplicates stands.
    before: dict[tuple[str, str], Finding] = {}
    after: dict[tuple[str, str], Finding] = {}
    for f in a.quality.findings:
        before.setdefault(key(f), f)
    for f in b.quality.findings:
        after.setdefault(key(f), f)
    for k, f, g in _compare(before, after, removed, added, out):
        if f.severity != g.severity:
            out.append(
                Change(
                    "finding",
                    "changed",
                    ["quality", "findings", *k, "severity"],
                    f.severity.value,
                    g.severity.value,
                    f"{_finding_text(g)}: {f.severity.value} → {g.severity.value}",
                    finding_kind_subject(g.code),
                    "severity",
                    severity=g.severity.value,
                )
            )


def diff_reports(a: Report, b: Report) -> ReportDiff:
    """Differences from report a (before) to report b (after)."""
    changes: list[Change] = []
    _diff_labels(a.labels, b.labels, b.run, changes)
    _diff_types(a.relationship_types, b.relationship_types, b.run, changes)
    _diff_named("index", a.indexes, b.indexes, changes)
    _diff_named("constraint", a.constraints, b.constraints, changes)
    _diff_statistics(a, b, changes)
    _diff_quality(a, b, changes)
    return ReportDiff(a.run.id, b.run.id, changes)
