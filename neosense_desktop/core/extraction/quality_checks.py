"""The property, index and naming checks of quality_and_context, as pure functions.

Inputs are what the run already read: the schema activity's properties, the value statistics
that rode on the same reads (value_profile.py), SHOW INDEXES / SHOW CONSTRAINTS and the
token list. No check here queries the database; examples are fetched later (quality_examples.py).
Every Cypher suggestion backtick-escapes its names (cypher.escape_name) and is never run.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..cypher import escape_name
from ..report import (
    Constraint,
    Finding,
    FindingSubject,
    Index,
    Property,
    Provenance,
    Severity,
    SuggestedCypher,
)
from ..wording import seen_in_text
from .value_profile import DATE_FORMATS, INTEGER_RE, NUMBER_RE, SENTINELS, ValueStats

SPARSE_BELOW = 0.1
LOOKS_LIKE_SHARE = 0.8  # strings "look like" numbers/booleans/dates when this share does
KEY_TYPES = ({"STRING"}, {"INTEGER"})
MAX_NAMES_LISTED = 50


def literal(text: str) -> str:
    """A Cypher string literal (JSON's double-quoted escapes are valid Cypher)."""
    return json.dumps(text)


def label_subject(label: str, prop: str | None = None) -> str:
    """A finding's subject text for a label (and one of its properties)."""
    return f"(:{label})" + (f".{prop}" if prop else "")


def type_subject(rel_type: str, prop: str | None = None) -> str:
    """A finding's subject text for a relationship type (and one of its properties)."""
    return f"[:{rel_type}]" + (f".{prop}" if prop else "")


@dataclass
class Owner:
    """A label or relationship type with its properties and value statistics."""

    kind: str  # "label" | "relationship_type"
    name: str
    count: int
    properties: list[Property]
    stats: dict[str, ValueStats]

    @property
    def match(self) -> str:
        """A MATCH binding `x` to the owner's entities."""
        if self.kind == "label":
            return f"MATCH (x:{escape_name(self.name)})"
        return f"MATCH ()-[x:{escape_name(self.name)}]->()"

    def subject(self, prop: str | None = None) -> str:
        head = f"(:{self.name})" if self.kind == "label" else f"[:{self.name}]"
        return head + (f".{prop}" if prop else "")

    def about(self, *props: str) -> FindingSubject:
        return FindingSubject(kind=self.kind, name=self.name, properties=list(props))  # type: ignore[arg-type]


def _estimate(owner: Owner, read: int, hits: int, provenance: Provenance) -> int:
    if provenance.method != "sample" or not read:
        return hits
    return min(owner.count, round(hits * owner.count / read))


def _inspect(owner: Owner, prop: str, where: str) -> SuggestedCypher:
    p = f"x.{escape_name(prop)}"
    return SuggestedCypher(
        purpose="inspect",
        cypher=f"{owner.match} WHERE {where.replace('{p}', p)} "
        f"RETURN elementId(x) AS id, {p} AS value LIMIT 25",
    )


def _fix(owner: Owner, prop: str, where: str, action: str, description: str) -> SuggestedCypher:
    p = f"x.{escape_name(prop)}"
    return SuggestedCypher(
        purpose="fix",
        cypher=f"{owner.match} WHERE {where.replace('{p}', p)} {action.replace('{p}', p)}",
        description=description,
    )


# The conditions (on {p}, the property) each string check counts, as Cypher the examples
# query and the suggestions share.
NUMERIC = "{p} IS :: STRING AND trim({p}) =~ " + literal(NUMBER_RE)
INTEGER = "{p} IS :: STRING AND trim({p}) =~ " + literal(INTEGER_RE)
BOOLEAN = "{p} IS :: STRING AND toLower(trim({p})) IN ['true', 'false']"
EMPTY = "{p} IS :: STRING AND trim({p}) = ''"
SENTINEL = "{p} IS :: STRING AND toLower(trim({p})) IN [" + ", ".join(map(literal, SENTINELS)) + "]"


def date_condition(format_name: str) -> str:
    return "{p} IS :: STRING AND trim({p}) =~ " + literal(DATE_FORMATS[format_name])


PRESENT = "{p} IS NOT NULL"
# Every condition a finding's examples are fetched with, by the name the batched sample
# reads collect its examples under (value_profile.EXAMPLE_CONDITIONS tests the same on the
# values it binds).
CONDITION_NAMES: dict[str, str] = {
    PRESENT: "present",
    NUMERIC: "numeric",
    INTEGER: "integer",
    BOOLEAN: "boolean",
    EMPTY: "empty",
    SENTINEL: "sentinel",
    **{date_condition(name): f"date_{i}" for i, name in enumerate(DATE_FORMATS)},
}


@dataclass
class PropertyFinding:
    """A finding plus the condition its examples are fetched with."""

    finding: Finding
    owner: Owner
    prop: str
    condition: str  # on {p}


def looks_like_key(name: str) -> bool:
    """Named like an identifier (id, customerID, order_key, uuid...)."""
    lowered = name.lower()
    return bool(
        lowered in {"id", "key", "code", "uuid", "guid", "sku", "isbn", "email"}
        or re.search(r"[_\-.\s](id|key|code|uuid|guid)$", lowered)
        or re.search(r"[a-z0-9](Id|ID|Key|Code|Uuid|UUID)$", name)
    )


def property_findings(owners: list[Owner]) -> Iterator[PropertyFinding]:
    for owner in owners:
        for prop in owner.properties:
            yield from _one_property(owner, prop)


def _in_sample(provenance: Provenance) -> str:
    """' in a sample of N' for sampled numbers, '' for exact ones."""
    return f" in a sample of {provenance.sample_size}" if provenance.method == "sample" else ""


def stats_provenance(prop: Property, stats: ValueStats) -> Provenance:
    """What a property's value statistics describe: a sample of their own (a big label of
    an exact run, value_sample.py) or the entities its types were read from."""
    return stats.provenance or prop.provenance


def _one_property(owner: Owner, prop: Property) -> Iterator[PropertyFinding]:
    how = _in_sample(prop.provenance)
    name = prop.name

    def make(
        code: str,
        severity: Severity,
        message: str,
        hits: int | None,
        condition: str,
        fixes: list[SuggestedCypher] | None = None,
        provenance: Provenance = prop.provenance,
    ) -> PropertyFinding:
        sampled = provenance.method == "sample"
        read = provenance.sample_size if sampled and provenance.sample_size else owner.count
        affected = None if hits is None else _estimate(owner, read, hits, provenance)
        return PropertyFinding(
            Finding(
                code=code,
                severity=severity,
                subject=owner.subject(name),
                message=message,
                subjects=[owner.about(name)],
                affected=affected,
                affected_provenance=provenance if hits is not None else None,
                population=owner.count,
                suggestions=[_inspect(owner, name, condition), *(fixes or [])],
            ),
            owner,
            name,
            condition,
        )

    if len(prop.types) > 1:
        yield make(
            "mixed_type_property",
            Severity.WARNING,
            f"{name} holds values of {len(prop.types)} types{how}: {', '.join(prop.types)}.",
            None,
            PRESENT,
        )
    if prop.fill_rate < SPARSE_BELOW and prop.seen_in:
        # Other labels' reads saw it on this label's nodes (label_sets.py): its fill rate
        # is a lower bound from them, not a share of this label's sample to scale up.
        yield make(
            "sparse_property",
            Severity.INFO,
            f"{name} is set on at least {prop.fill_rate:.2%} of {owner.subject()} "
            f"({seen_in_text(prop.seen_in)}).",
            None,
            PRESENT,
        )
    elif prop.fill_rate < SPARSE_BELOW:
        yield make(
            "sparse_property",
            Severity.INFO,
            f"{name} is set on {prop.fill_rate:.1%} of {owner.subject()}{how}.",
            prop.observed,
            PRESENT,
        )
    stats = owner.stats.get(name)
    if stats is None or not stats.strings:
        return
    provenance = stats_provenance(prop, stats)
    how = _in_sample(provenance)
    make = functools.partial(make, provenance=provenance)
    strings = stats.strings
    if stats.numeric and stats.numeric >= LOOKS_LIKE_SHARE * strings:
        integers = stats.integer == stats.numeric
        convert = "toInteger" if integers else "toFloat"
        is_key = looks_like_key(name)
        yield make(
            "string_ids" if is_key else "numeric_strings",
            Severity.WARNING,
            f"{stats.numeric / strings:.0%} of {name}'s string values{how} are "
            f"{'integers' if integers else 'numbers'} stored as text"
            + (" (an identifier: joins and lookups by number miss them)." if is_key else "."),
            stats.numeric,
            INTEGER if integers else NUMERIC,
            [
                _fix(
                    owner,
                    name,
                    INTEGER if integers else NUMERIC,
                    "SET {p} = " + convert + "(trim({p}))",
                    f"store them as {'INTEGER' if integers else 'FLOAT'}",
                )
            ],
        )
    if stats.boolean and stats.boolean >= LOOKS_LIKE_SHARE * strings:
        yield make(
            "boolean_strings",
            Severity.WARNING,
            f"{stats.boolean / strings:.0%} of {name}'s string values{how} are 'true' or "
            "'false' stored as text.",
            stats.boolean,
            BOOLEAN,
            [_fix(owner, name, BOOLEAN, "SET {p} = toBoolean(trim({p}))", "store as BOOLEAN")],
        )
    for format_name, hits in stats.dates.most_common(1):
        if hits >= LOOKS_LIKE_SHARE * strings:
            condition = date_condition(format_name)
            fixes = []
            if format_name.startswith("ISO 8601 date ("):
                fixes = [_fix(owner, name, condition, "SET {p} = date(trim({p}))", "store as DATE")]
            yield make(
                "date_strings",
                Severity.WARNING,
                f"{hits / strings:.0%} of {name}'s string values{how} are dates stored as "
                f"text, in the format {format_name}.",
                hits,
                condition,
                fixes,
            )
    if stats.empty:
        yield make(
            "empty_strings",
            Severity.WARNING,
            f"{stats.empty} value(s) of {name}{how} are empty or whitespace-only strings "
            "(counted apart from missing values).",
            stats.empty,
            EMPTY,
            [_fix(owner, name, EMPTY, "REMOVE {p}", "make them missing values")],
        )
    if stats.sentinel:
        yield make(
            "sentinel_values",
            Severity.WARNING,
            f"{stats.sentinel} value(s) of {name}{how} are placeholders such as 'N/A', "
            "'null', 'none', '-' or '-1' (counted apart from missing values).",
            stats.sentinel,
            SENTINEL,
            [_fix(owner, name, SENTINEL, "REMOVE {p}", "make them missing values")],
        )


def _has_unique(label: str, prop: str, constraints: list[Constraint]) -> bool:
    return any(
        c.entity_type == "NODE"
        and c.labels_or_types == [label]
        and c.properties == [prop]
        and ("UNIQUE" in c.type or "KEY" in c.type)
        for c in constraints
    )


def key_candidates(
    owners: list[Owner], constraints: list[Constraint]
) -> Iterator[tuple[Owner, Property, ValueStats]]:
    """Key-like properties with value statistics and no uniqueness constraint."""
    for owner in owners:
        if owner.kind != "label" or owner.count < 2:
            continue
        for prop in owner.properties:
            stats = owner.stats.get(prop.name)
            if (
                stats is None
                or set(prop.types) not in KEY_TYPES
                or not looks_like_key(prop.name)
                or _has_unique(owner.name, prop.name, constraints)
                or stats.groups != 1
            ):
                continue
            yield owner, prop, stats


def key_findings(
    owners: list[Owner], indexes: list[Index], constraints: list[Constraint]
) -> Iterator[PropertyFinding]:
    """Key-like properties: duplicates (a uniqueness constraint would fail), or unique
    without a constraint (and then, whether only a range index serves them)."""
    for owner, prop, stats in key_candidates(owners, constraints):
        if stats.key_counts is not None:
            holders, distinct = stats.key_counts
            provenance = Provenance(method="scan")
        else:
            holders, distinct = stats.holders, stats.distinct
            provenance = stats_provenance(prop, stats)
        sampled = provenance.method == "sample"
        how = _in_sample(provenance)
        duplicates = holders - distinct
        label, key = escape_name(owner.name), escape_name(prop.name)
        subject = owner.subject(prop.name)
        # A foreign key (customerID on Order) repeats by design: duplicates count only
        # for the label's own key (named after it, or id/uuid/key) or a nearly unique one.
        own_key = _normalised(prop.name) in {"id", "uuid", "guid", "key"} or _normalised(
            prop.name
        ).startswith(_normalised(owner.name))
        nearly_unique = distinct >= 0.95 * holders
        if duplicates > 0 and (own_key or nearly_unique):
            yield PropertyFinding(
                Finding(
                    code="duplicate_key_values",
                    severity=Severity.WARNING,
                    subject=subject,
                    message=f"{prop.name} looks like a key, but {duplicates} of its "
                    f"{holders} values{how} repeat another: a uniqueness constraint "
                    "would fail.",
                    subjects=[owner.about(prop.name)],
                    affected=duplicates,
                    affected_provenance=provenance,
                    population=owner.count,
                    suggestions=[
                        SuggestedCypher(
                            purpose="inspect",
                            cypher=f"MATCH (x:{label}) WHERE x.{key} IS NOT NULL "
                            f"WITH x.{key} AS value, count(*) AS nodes WHERE nodes > 1 "
                            "RETURN value, nodes ORDER BY nodes DESC LIMIT 25",
                        )
                    ],
                ),
                owner,
                prop.name,
                PRESENT,
            )
            continue
        if duplicates > 0 or prop.fill_rate < 1.0 or holders < 2:
            continue
        create = SuggestedCypher(
            purpose="fix",
            cypher=f"CREATE CONSTRAINT IF NOT EXISTS FOR (x:{label}) REQUIRE x.{key} IS UNIQUE",
            description="protect the key (creates its own index)",
        )
        ranged = [
            i
            for i in indexes
            if i.type == "RANGE"
            and i.entity_type == "NODE"
            and i.labels_or_types == [owner.name]
            and i.properties == [prop.name]
            and i.owning_constraint is None
        ]
        yield PropertyFinding(
            Finding(
                code="key_without_constraint",
                severity=Severity.INFO if sampled else Severity.WARNING,
                subject=subject,
                message=f"{prop.name} is set on every {owner.subject()} node and unique"
                f"{how}, but no uniqueness or key constraint protects it.",
                subjects=[owner.about(prop.name)],
                affected=owner.count,
                affected_provenance=Provenance(method="count_store"),
                population=owner.count,
                suggestions=[] if ranged else [create],
            ),
            owner,
            prop.name,
            PRESENT,
        )
        for index in ranged:
            yield PropertyFinding(
                Finding(
                    code="key_with_range_index_only",
                    severity=Severity.INFO,
                    subject=subject,
                    message=f"{prop.name} looks like a unique key of {owner.subject()} "
                    f"but is served only by the range index {index.name}: a uniqueness "
                    "constraint would both protect it and index it.",
                    subjects=[
                        owner.about(prop.name),
                        FindingSubject(kind="index", name=index.name),
                    ],
                    suggestions=[
                        SuggestedCypher(
                            purpose="fix",
                            cypher=f"DROP INDEX {escape_name(index.name)} IF EXISTS",
                            description="first drop the range index "
                            "(the constraint brings its own)",
                        ),
                        create,
                    ],
                ),
                owner,
                prop.name,
                PRESENT,
            )


def cross_owner_type_findings(owners: list[Owner]) -> Iterator[Finding]:
    """The same key with different (single) types on different labels or types."""
    by_key: dict[str, dict[str, list[Owner]]] = {}
    for owner in owners:
        for prop in owner.properties:
            if len(prop.types) == 1:
                by_key.setdefault(prop.name, {}).setdefault(prop.types[0], []).append(owner)
    for key, types in sorted(by_key.items()):
        if len(types) < 2:
            continue
        where = "; ".join(
            f"{t} on {', '.join(o.subject() for o in found)}" for t, found in sorted(types.items())
        )
        involved = [o for found in types.values() for o in found]
        yield Finding(
            code="cross_type_mismatch",
            severity=Severity.WARNING,
            subject=f"property {key}",
            message=f"The property {key} has different types on different labels or "
            f"relationship types: {where}. Comparing or joining them fails silently.",
            subjects=[o.about(key) for o in involved],
            affected=len(involved),
            suggestions=[
                SuggestedCypher(
                    purpose="inspect",
                    cypher=f"{o.match} WHERE x.{escape_name(key)} IS NOT NULL RETURN "
                    f"valueType(x.{escape_name(key)}) AS type, count(*) AS entities LIMIT 25",
                    description=o.subject(key),
                )
                for o in involved[:5]
            ],
        )


def _normalised(name: str) -> str:
    return re.sub(r"[\s_\-.]", "", name).casefold()


def case_variant_findings(keys: set[str]) -> Iterator[Finding]:
    groups: dict[str, set[str]] = {}
    for key in keys:
        groups.setdefault(_normalised(key), set()).add(key)
    for _, names in sorted(groups.items()):
        if len(names) < 2:
            continue
        listed = sorted(names)
        yield Finding(
            code="property_name_variants",
            severity=Severity.WARNING,
            subject="property keys " + ", ".join(listed),
            message="These property keys differ only by case or separators, probably one "
            f"property under {len(listed)} names: {', '.join(listed)}.",
            subjects=[FindingSubject(kind="property_key", name=k) for k in listed],
            affected=len(listed),
            suggestions=[
                SuggestedCypher(
                    purpose="inspect",
                    cypher="MATCH (x) WHERE "
                    + " OR ".join(f"x.{escape_name(k)} IS NOT NULL" for k in listed)
                    + " RETURN labels(x) AS labels, keys(x) AS keys LIMIT 25",
                )
            ],
        )


LABEL_STYLE = re.compile(r"[A-Z][A-Za-z0-9]*")
TYPE_STYLE = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*")
PROPERTY_STYLE = re.compile(r"[a-z][A-Za-z0-9]*")


def naming_finding(labels: list[str], types: list[str], keys: set[str]) -> Finding | None:
    def off(names: list[str] | set[str], style: re.Pattern[str], what: str) -> list[str]:
        return [f"{what} {n}" for n in sorted(names) if not style.fullmatch(n)]

    broken = (
        off(labels, LABEL_STYLE, "label")
        + off(types, TYPE_STYLE, "type")
        + off(keys, PROPERTY_STYLE, "property")
    )
    if not broken:
        return None
    shown = broken[:MAX_NAMES_LISTED]
    more = f" and {len(broken) - len(shown)} more" if len(broken) > len(shown) else ""
    return Finding(
        code="naming_conventions",
        severity=Severity.INFO,
        subject="names",
        message="Names that break Neo4j's conventions (PascalCase labels, UPPER_SNAKE_CASE "
        f"relationship types, camelCase properties): {'; '.join(shown)}{more}.",
        subjects=[FindingSubject(kind="graph")],
        affected=len(broken),
    )


def redundant_index_findings(indexes: list[Index]) -> Iterator[Finding]:
    """A range index whose properties are a prefix of another range index on the same
    label or type: the longer one serves its queries."""
    ranged = [i for i in indexes if i.type == "RANGE"]
    for index in ranged:
        if index.owning_constraint is not None:
            continue
        for other in ranged:
            if (
                other is not index
                and other.entity_type == index.entity_type
                and other.labels_or_types == index.labels_or_types
                and len(other.properties) > len(index.properties)
                and other.properties[: len(index.properties)] == index.properties
            ):
                yield Finding(
                    code="redundant_index",
                    severity=Severity.WARNING,
                    subject=f"index {index.name}",
                    message=f"The range index {index.name} ({', '.join(index.properties)}) is a "
                    f"prefix of {other.name} ({', '.join(other.properties)}) on the same "
                    f"{'label' if index.entity_type == 'NODE' else 'type'}: the longer one "
                    "serves its lookups, and each index costs writes.",
                    subjects=[
                        FindingSubject(kind="index", name=index.name),
                        FindingSubject(kind="index", name=other.name),
                    ],
                    affected=1,
                    suggestions=[
                        SuggestedCypher(
                            purpose="fix", cypher=f"DROP INDEX {escape_name(index.name)} IF EXISTS"
                        )
                    ],
                )
                break
