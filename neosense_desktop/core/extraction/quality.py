"""Activity quality_and_context: findings that say what is wrong, how much, where, and the
next step; and a score built from them.

Inputs: the node census (shared with statistics), SHOW INDEXES / SHOW CONSTRAINTS, the token
lists, and the schema activity's properties with the value statistics that rode on the same
reads (awaited; when schema failed or did not run, the property findings are left out and a
note says so). The checks themselves are in quality_checks.py. The only queries of its own
fetch up to MAX_EXAMPLES examples per finding, from the entities the schema read (all, or the
sample), in a few batched queries (union_reads.py), and in exact runs count the key-like
properties whose other statistics were sampled.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ..cypher import escape_name
from ..errors import NeoSenseError
from ..graph_client import Row
from ..report import (
    MAX_EXAMPLES,
    MAX_FINDINGS,
    Constraint,
    Deduction,
    Finding,
    FindingExample,
    FindingSubject,
    Label,
    Property,
    Provenance,
    Quality,
    RelationshipType,
    Report,
    Severity,
    SubjectScore,
    SuggestedCypher,
)
from ..wording import combination_estimate_text
from .census import Census, node_census, shared_census
from .context import PRIORITY_SHARED, ActivityProgress, RunContext
from .label_sets import SetCounts, label_combinations
from .quality_checks import (
    CONDITION_NAMES,
    Owner,
    PropertyFinding,
    case_variant_findings,
    cross_owner_type_findings,
    key_candidates,
    key_findings,
    naming_finding,
    property_findings,
    redundant_index_findings,
)
from .sampling import node_source, relationship_source
from .statistics import read_constraints, read_indexes
from .union_reads import read_batched
from .value_profile import ValueStats, display_value

log = logging.getLogger(__name__)

ACTIVITY = "quality_and_context"
MAX_EXAMPLE_QUERIES = 200  # findings that get examples; the rest keep their inspect Cypher

SEVERITY_WEIGHTS = {Severity.ERROR: 0.2, Severity.WARNING: 0.05, Severity.INFO: 0.005}
FORMULA = (
    "score = 100 * product over findings of (1 - penalty); penalty = weight * (0.25 + 0.75 * "
    "share), weight = 0.2 for an error, 0.05 for a warning, 0.005 for info; share = affected "
    "entities / all nodes and relationships (per-label score: / the label's or type's "
    "entities), 0 when the finding has no count. Any warning or error therefore lowers the "
    "score below 100 (by at least 1.25 points for a warning). parts: the product of "
    "(1 - penalty) per severity."
)


def _subject_label(label: str, prop: str | None = None) -> str:
    return f"(:{label})" + (f".{prop}" if prop else "")


def _subject_type(rel_type: str, prop: str | None = None) -> str:
    return f"[:{rel_type}]" + (f".{prop}" if prop else "")


async def run_quality(ctx: RunContext, out: Report, progress: ActivityProgress) -> None:
    progress.start(4, "checking indexes")
    ctx.prefetch("census", lambda: node_census(ctx, ACTIVITY))  # the longest read: start now
    findings: list[Finding] = []

    for name, count in sorted(ctx.sizes.label_counts.items()):
        if count == 0:
            findings.append(
                Finding(
                    code="unused_label_token",
                    severity=Severity.INFO,
                    subject=_subject_label(name),
                    message=f"The label {name} exists as a token but no node has it; it is "
                    "not listed among the labels.",
                )
            )
    for name, count in sorted(ctx.sizes.type_counts.items()):
        if count == 0:
            findings.append(
                Finding(
                    code="unused_relationship_type_token",
                    severity=Severity.INFO,
                    subject=_subject_type(name),
                    message=f"The relationship type {name} exists as a token but no "
                    "relationship has it.",
                )
            )

    indexes = await read_indexes(ctx, ACTIVITY)
    constraints = await read_constraints(ctx, ACTIVITY)
    online = 0
    for index in indexes:
        if index.state == "ONLINE":
            online += 1
        else:
            findings.append(
                Finding(
                    code="index_not_online",
                    severity=Severity.ERROR if index.state == "FAILED" else Severity.WARNING,
                    subject=f"index {index.name}",
                    message=f"The {index.type} index {index.name} is {index.state}"
                    + (
                        f" ({index.population_percent:.0f}% populated)"
                        if index.population_percent is not None
                        else ""
                    )
                    + "; queries cannot use it yet.",
                )
            )
        if index.owning_constraint is None and index.read_count == 0 and index.type != "LOOKUP":
            findings.append(
                Finding(
                    code="index_never_read",
                    severity=Severity.INFO,
                    subject=f"index {index.name}",
                    message=f"The {index.type} index {index.name} has not been read since the "
                    "server started (readCount 0): it costs writes and may be unused.",
                )
            )
    progress.advance("indexes checked", findings=len(findings))

    census = await shared_census(ctx, ACTIVITY)
    _census_findings(census, findings, ctx.sizes.label_counts)

    schema = await ctx.schema_outcome()
    # After the schema activity: its label reads count the combinations of their labels.
    _combination_findings(ctx, census, out, findings)
    progress.advance("label combinations read", findings=len(findings))
    with_examples: list[PropertyFinding] = []
    if schema is None:
        out.notes.append(
            "Quality: property findings (types, strings, keys, names) are missing, because "
            "the schema activity did not succeed."
        )
    else:
        labels, rel_types = schema
        with_examples = await _schema_findings(
            ctx, out, labels, rel_types, indexes, constraints, findings
        )
    findings += redundant_index_findings(indexes)
    # A sampled census collected the orphans' examples already.
    orphans = [f for f in findings if f.code == "orphan_nodes" and not f.examples]
    show_values = ctx.options.values == "examples"
    with_examples = [
        pf
        for pf in with_examples[:MAX_EXAMPLE_QUERIES]
        if not _collected_examples(pf, show_values) and not _missed_by_its_sample(pf)
    ]
    await _fetch_examples(
        ctx,
        [
            *(_property_examples(ctx, pf) for pf in with_examples),
            *(_orphan_examples(ctx, f) for f in orphans[:MAX_EXAMPLE_QUERIES]),
        ],
    )
    progress.advance("properties checked", findings=len(findings))

    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    findings.sort(key=lambda f: (order[f.severity], f.code, f.subject))
    left_out = max(0, len(findings) - MAX_FINDINGS)
    if left_out:
        out.notes.append(
            f"Quality: {left_out} least severe findings beyond {MAX_FINDINGS} were left out."
        )
        findings = findings[:MAX_FINDINGS]
    graph_size = ctx.sizes.node_count + ctx.sizes.relationship_count
    out.quality = score_findings(findings, graph_size)
    out.quality.values_policy = ctx.options.values
    out.quality.findings_left_out = left_out


def _census_findings(census: Census, findings: list[Finding], label_counts: dict[str, int]) -> None:
    provenance = (
        Provenance(method="scan")
        if census.exact
        else Provenance(method="sample", sample_size=census.nodes_read)
    )
    how = "" if census.exact else f" (estimated from a sample of {census.nodes_read} nodes)"
    unlabeled = census.estimate(census.unlabeled_read)
    if unlabeled:
        findings.append(
            Finding(
                code="unlabeled_nodes",
                severity=Severity.WARNING,
                subject="nodes without a label",
                message=f"{unlabeled} node(s) have no label{how}: no label-based query or "
                "index reaches them.",
                subjects=[FindingSubject(kind="graph")],
                affected=unlabeled,
                affected_provenance=provenance,
                population=census.node_count,
                suggestions=[
                    SuggestedCypher(
                        purpose="inspect",
                        cypher="MATCH (x) WHERE size(labels(x)) = 0 "
                        "RETURN elementId(x) AS id, x LIMIT 25",
                    )
                ],
            )
        )
    orphan_sets: Counter[tuple[str, ...]] = Counter()
    for (labels, degree), (_, nodes) in census.examples.items():
        if degree == 0:
            orphan_sets[labels] += nodes
    per_label: Counter[str] = Counter()
    for labels, nodes in orphan_sets.items():
        for label in labels or ("",):
            per_label[label] += nodes
    for label, nodes in sorted(per_label.items()):
        count = census.estimate(nodes)
        population = label_counts.get(label) if label else census.node_count
        examples = [
            FindingExample(element_id=element_id)
            for labels, ids in sorted(census.orphan_examples.items())
            if (label in labels if label else not labels)
            for element_id in ids
        ][:MAX_EXAMPLES]
        findings.append(
            Finding(
                code="orphan_nodes",
                severity=Severity.INFO,
                subject=_subject_label(label) if label else "nodes without a label",
                message=f"{count} {_subject_label(label) if label else 'unlabeled'} node(s) "
                f"have no relationship{how}.",
                subjects=[
                    FindingSubject(kind="label", name=label)
                    if label
                    else FindingSubject(kind="graph")
                ],
                affected=count,
                affected_provenance=provenance,
                population=population,
                examples=examples,
                suggestions=[
                    SuggestedCypher(
                        purpose="inspect",
                        cypher=f"MATCH (x{':' + escape_name(label) if label else ''}) WHERE "
                        + ("" if label else "size(labels(x)) = 0 AND ")
                        + "NOT (x)--() RETURN elementId(x) AS id, x LIMIT 25",
                    )
                ],
            )
        )


def _combination_findings(
    ctx: RunContext, census: Census, out: Report, findings: list[Finding]
) -> None:
    """The label combinations, from the census and every label read the schema activity
    made (label_sets.label_combinations), and a finding per multi-label one."""
    sources = [
        SetCounts(None, census.nodes_read, census.node_count, census.exact, census.label_sets),
        *(
            SetCounts(
                read.label,
                read.read,
                ctx.sizes.label_counts.get(read.label, read.read),
                read.whole,
                read.label_sets,
            )
            for read in ctx.node_reads.values()
        ),
    ]
    out.label_combinations = label_combinations(sources, ctx.sizes.label_counts)
    for combination in out.label_combinations:
        if len(combination.labels) < 2:
            continue
        how = combination_estimate_text(combination)
        findings.append(
            Finding(
                code="multi_label_segment",
                severity=Severity.INFO,
                subject=":".join(combination.labels),
                message=f"{combination.count} node(s) carry the labels "
                f"{', '.join(combination.labels)} together{f' ({how})' if how else ''}.",
            )
        )


def _owners(ctx: RunContext, labels: list[Label], rel_types: list[RelationshipType]) -> list[Owner]:
    return [
        Owner("label", x.name, x.count, x.properties, ctx.value_stats.get(("label", x.name), {}))
        for x in labels
    ] + [
        Owner(
            "relationship_type",
            x.name,
            x.count,
            x.properties,
            ctx.value_stats.get(("relationship_type", x.name), {}),
        )
        for x in rel_types
    ]


async def _schema_findings(
    ctx: RunContext,
    out: Report,
    labels: list[Label],
    rel_types: list[RelationshipType],
    indexes: list,  # type: ignore[type-arg]
    constraints: list,  # type: ignore[type-arg]
    findings: list[Finding],
) -> list[PropertyFinding]:
    """Adds the property findings to `findings`; returns those that get examples."""
    owners = _owners(ctx, labels, rel_types)
    await _exact_key_counts(ctx, owners, constraints)
    with_examples: list[PropertyFinding] = list(property_findings(owners))
    with_examples += key_findings(owners, indexes, constraints)
    findings += [pf.finding for pf in with_examples]
    findings += cross_owner_type_findings(owners)
    seen = {p.name for o in owners for p in o.properties}
    # Only keys some entity holds: a token left by deleted data is no second name of a
    # property; unused or unseen tokens have their own finding below.
    findings += case_variant_findings(seen)
    naming = naming_finding(
        [o.name for o in owners if o.kind == "label"],
        [o.name for o in owners if o.kind == "relationship_type"],
        seen,
    )
    if naming is not None:
        findings.append(naming)
    if not ctx.profiles_values:
        out.notes.append(
            "Quality: the string and key checks need valueType() (Neo4j 5.13+) and were "
            "not run on this server."
        )
    unseen = sorted(set(ctx.sizes.property_keys) - seen)
    sampled = any(p.provenance.method == "sample" for o in owners for p in o.properties)
    if unseen:
        findings.append(
            Finding(
                code="property_keys_not_seen" if sampled else "unused_property_key_token",
                severity=Severity.INFO,
                subject="property keys " + ", ".join(unseen[:20]),
                message=(
                    "Present in the database but not seen in the samples: "
                    if sampled
                    else "Property key tokens no node or relationship holds: "
                )
                + ", ".join(unseen[:50])
                + (f" and {len(unseen) - 50} more" if len(unseen) > 50 else "")
                + (
                    ". The token list is complete; a rare key may hold values on a few "
                    "entities the samples missed (or none: a token outlives its last value)."
                    if sampled
                    else "."
                ),
                subjects=[FindingSubject(kind="property_key", name=k) for k in unseen[:50]],
                affected=len(unseen),
                suggestions=[
                    SuggestedCypher(
                        purpose="inspect",
                        cypher=f"MATCH (x) WHERE x.{escape_name(k)} IS NOT NULL "
                        "RETURN labels(x) AS labels, elementId(x) AS id LIMIT 25",
                    )
                    for k in unseen[:5]
                ],
            )
        )
    return with_examples


def _example_source(
    ctx: RunContext, kind: str, name: str | None
) -> tuple[str, dict[str, object], str]:
    """Where a finding's examples are looked for when its read did not collect them: (Cypher
    binding the variable, its parameters, the variable), the entities the schema read, all
    of them or the spread sample."""
    if kind == "relationship_type" and name is not None:
        sample = ctx.sample_of(ctx.reading_of_type(name))
        return (*relationship_source(name, sample), "r")
    reading = ctx.reading_of_label(name) if name is not None else ctx.readings.all_nodes
    return (*node_source(name, ctx.sample_of(reading)), "n")


@dataclass
class ExampleQuery:
    """One finding's examples: the entities `source` binds to `var` where `where` holds;
    `key`'s value is shown under the 'examples' policy. `apply` takes the rows."""

    source: str
    params: dict[str, object]
    var: str
    where: str
    key: str | None
    apply: Callable[[list[Row]], None]


def _property_examples(ctx: RunContext, pf: PropertyFinding) -> ExampleQuery:
    source, params, var = _example_source(ctx, pf.owner.kind, pf.owner.name)
    show_values = ctx.options.values == "examples"

    def apply(rows: list[Row]) -> None:
        pf.finding.examples = [
            FindingExample(
                element_id=str(row["id"]),
                display=display_value(row["value"]) if show_values else None,
            )
            for row in rows
        ]

    return ExampleQuery(
        source,
        {**params, "example_key": pf.prop},
        var,
        pf.condition.replace("{p}", f"{var}[$example_key]"),
        "example_key" if show_values else None,
        apply,
    )


def _orphan_examples(ctx: RunContext, finding: Finding) -> ExampleQuery:
    label = finding.subjects[0].name if finding.subjects else None
    source, params, _ = _example_source(ctx, "label", label)
    extra = "" if label else "size(labels(n)) = 0 AND "

    def apply(rows: list[Row]) -> None:
        finding.examples = [FindingExample(element_id=str(r["id"])) for r in rows]

    return ExampleQuery(source, params, "n", f"{extra}NOT (n)--()", None, apply)


def _missed_by_its_sample(pf: PropertyFinding) -> bool:
    """A key only other labels' reads saw (label_sets.py): the label's own sample, where
    examples are looked for, holds none of it, so a query for them would find nothing."""
    prop = next((p for p in pf.owner.properties if p.name == pf.prop), None)
    return prop is not None and bool(prop.seen_in) and pf.prop not in pf.owner.stats


def _collected_examples(pf: PropertyFinding, show_values: bool) -> bool:
    """Sets the finding's examples from those its sample read collected (batch_reading.py);
    False when that read collected none for its condition."""
    stats = pf.owner.stats.get(pf.prop)
    name = CONDITION_NAMES.get(pf.condition)
    if stats is None or stats.examples is None or name is None:
        return False
    pf.finding.examples = [
        FindingExample(
            element_id=element_id,
            display=display_value(value) if show_values and value is not None else None,
        )
        for element_id, value in stats.examples.get(name, [])
    ]
    return True


async def _fetch_examples(ctx: RunContext, queries: list[ExampleQuery]) -> None:
    """Examples of the findings whose read did not collect them (exact reads, orphans of an
    exact census, servers before 5.13), each read stopping at its fifth hit, in a few
    queries (union_reads.py). A batch that fails leaves its findings without examples; their
    inspect Cypher still works."""
    parts = []
    for q in queries:
        value = f"{q.var}[${q.key}]" if q.key else "null"
        parts.append(
            (
                f"{q.source} WITH {q.var} WHERE {q.where} RETURN $tag AS f, "
                f"elementId({q.var}) AS id, {value} AS value LIMIT {MAX_EXAMPLES}",
                q.params,
            )
        )
    for q, rows in zip(
        queries, await read_batched(ctx, ACTIVITY, "quality.examples", parts), strict=True
    ):
        if rows is not None:
            q.apply(rows)


async def _exact_key_counts(
    ctx: RunContext, owners: list[Owner], constraints: list[Constraint]
) -> None:
    """In an exact run, key-like properties whose value statistics came from a sample (a big
    label, value_sample.py) get exact holder and distinct counts, so a duplicate key is
    counted, not estimated: one scan per label, usually started as soon as the label's value
    sample is read (value_sample.py, start_key_counts)."""
    wanted = _sampled_keys(ctx, owners, constraints)
    labels = {owner.name: owner for owner, _, _ in wanted}
    counted = dict(
        zip(
            labels,
            await asyncio.gather(
                *(
                    ctx.shared(f"key_counts:{name}", partial(_label_key_counts, ctx, owner))
                    for name, owner in labels.items()
                )
            ),
            strict=True,
        )
    )
    for owner, prop, stats in wanted:
        stats.key_counts = counted[owner.name].get(prop.name)


def start_key_counts(
    ctx: RunContext,
    label: str,
    count: int,
    properties: list[Property],
    stats: dict[str, ValueStats],
) -> None:
    """Start the exact key counts of a label whose value sample has just been read
    (value_sample.py), with the properties and types that sample saw.

    What makes a property key-like is all known by then: its name and types, its sampled
    statistics, and the constraints (read here). Each count is a full label scan (~11 s
    summed at 10M nodes); started after the schema phase, they all ran at the run's tail.
    """
    if not ctx.reading_of_label(label).exact or all(s.provenance is None for s in stats.values()):
        return  # no sampled statistics (a sampled or small label): nothing to count
    owner = Owner("label", label, count, properties, stats)
    ctx.prefetch(f"key_counts:{label}", partial(_label_key_counts, ctx, owner))


def _sampled_keys(
    ctx: RunContext, owners: list[Owner], constraints: list[Constraint]
) -> list[tuple[Owner, Property, ValueStats]]:
    """Key-like properties of exactly read owners whose statistics came from a sample."""
    return [
        (owner, prop, stats)
        for owner, prop, stats in key_candidates(owners, constraints)
        if ctx.reading_of(owner.kind, owner.name).exact
        and stats.provenance is not None
        and stats.provenance.method == "sample"
    ]


async def _label_key_counts(ctx: RunContext, owner: Owner) -> dict[str, tuple[int, int]]:
    """(holders, distinct values) per sampled key-like property of the label, in one query;
    none when the read fails (logged): the findings then keep the sample's estimate."""
    constraints = await read_constraints(ctx, ACTIVITY)
    keys = [prop.name for _, prop, _ in _sampled_keys(ctx, [owner], constraints)]
    if not keys:
        return {}
    # One UNION ALL branch per key, the key written as an escaped name rather than a
    # parameter: `x.key IS NOT NULL` lets the planner answer from a range index on the key
    # (ids and emails usually have one) instead of reading every node's properties, and
    # even without an index a static property read is cheaper than properties(x)[$key].
    # 1M benchmark graph, 11 keys of 5 labels: 0.73 server s as one properties() scan per
    # label, 0.36 s like this (Person.email, indexed: 0.42 -> 0.02 s).
    label = escape_name(owner.name)
    branches = []
    for i, key in enumerate(keys):
        value = f"x.{escape_name(key)}"
        branches.append(
            f"MATCH (x:{label}) WHERE {value} IS NOT NULL "
            f"RETURN {i} AS i, count({value}) AS h, count(DISTINCT {value}) AS d"
        )
    try:
        rows = await ctx.read(
            ACTIVITY,
            "quality.key_counts",
            " UNION ALL ".join(branches),
            # Ahead of the per-label key scans queued since the start: run last, these
            # scans were the run's tail.
            priority=PRIORITY_SHARED,
        )
    except NeoSenseError as exc:
        log.info("key counts of (:%s) not read: %s", owner.name, exc)
        return {}
    return {keys[int(row["i"])]: (int(row["h"] or 0), int(row["d"] or 0)) for row in rows}


def _penalty(finding: Finding, total: int | None) -> Deduction:
    weight = SEVERITY_WEIGHTS[finding.severity]
    share = 0.0
    if finding.affected is not None and finding.affected_provenance is not None and total:
        share = min(1.0, finding.affected / total)
    return Deduction(
        code=finding.code,
        subject=finding.subject,
        severity=finding.severity,
        weight=weight,
        share=round(share, 6),
        penalty=round(weight * (0.25 + 0.75 * share), 6),
    )


def score_findings(findings: list[Finding], graph_size: int) -> Quality:
    """The score and its parts from the findings (see FORMULA)."""
    deductions = [_penalty(f, graph_size) for f in findings]
    parts = {s.value + "s": 1.0 for s in Severity}
    for d in deductions:
        parts[d.severity.value + "s"] *= 1 - d.penalty
    score = 100.0
    for value in parts.values():
        score *= value
    subjects: dict[tuple[str, str], list[Deduction]] = {}
    populations: dict[tuple[str, str], int | None] = {}
    for finding in findings:
        for about in finding.subjects:
            if about.kind in ("label", "relationship_type") and about.name is not None:
                key = (about.kind, about.name)
                populations.setdefault(key, finding.population)
                subjects.setdefault(key, []).append(_penalty(finding, finding.population))
    subject_scores = []
    for (kind, name), taken in sorted(subjects.items()):
        value = 100.0
        for d in taken:
            value *= 1 - d.penalty
        subject_scores.append(
            SubjectScore(kind=kind, name=name, score=_round_down(value), deductions=taken)  # type: ignore[arg-type]
        )
    return Quality(
        score=_round_down(score),
        formula=FORMULA,
        findings=findings,
        parts={k: round(v, 6) for k, v in parts.items()},
        deductions=deductions,
        subject_scores=subject_scores,
    )


def _round_down(score: float) -> float:
    """One decimal, never rounded up to 100 when something was deducted."""
    return int(score * 10) / 10
