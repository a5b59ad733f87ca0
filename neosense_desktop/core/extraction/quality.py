"""Activity quality_and_context: findings (code, severity, subject) and one score 0..100.

Inputs: the node census (shared with statistics), SHOW INDEXES / SHOW CONSTRAINTS, the token
counts, and the schema activity's properties (awaited; when schema failed or did not run, the
property-based findings are left out and a note says so).
"""

from __future__ import annotations

import re

from ..errors import NeoSenseError
from ..report import (
    Constraint,
    Finding,
    Label,
    LabelCombination,
    Provenance,
    Quality,
    RelationshipType,
    Report,
    Severity,
)
from .census import Census, node_census, shared_census
from .context import ActivityProgress, RunContext
from .sampling import node_source
from .statistics import read_constraints, read_indexes

ACTIVITY = "quality_and_context"

SPARSE_BELOW = 0.1  # a property held by fewer than 10% of its label's nodes is "sparse"
KEY_TYPES = ({"STRING"}, {"INTEGER"})
MAX_KEY_CHECK_LABELS = 25
MAX_KEYS_PER_LABEL = 5

WEIGHTS = {
    "typing": 0.35,
    "completeness": 0.25,
    "connectivity": 0.15,
    "labeling": 0.15,
    "index_health": 0.10,
}
FORMULA = (
    "score = 100 * (0.35*typing + 0.25*completeness + 0.15*connectivity + 0.15*labeling "
    "+ 0.10*index_health) / (sum of the weights of the parts measured), where "
    "typing = share of properties (per label or type) with a single value type; "
    "completeness = mean fill rate of those properties; "
    "connectivity = 1 - orphan nodes / nodes; labeling = 1 - unlabeled nodes / nodes; "
    "index_health = share of indexes that are ONLINE. A part whose inputs could not be read "
    "is left out and named in the report notes."
)


def _subject_label(label: str, prop: str | None = None) -> str:
    return f"(:{label})" + (f".{prop}" if prop else "")


def _subject_type(rel_type: str, prop: str | None = None) -> str:
    return f"[:{rel_type}]" + (f".{prop}" if prop else "")


async def run_quality(ctx: RunContext, out: Report, progress: ActivityProgress) -> None:
    progress.start(4, "checking indexes")
    ctx.prefetch("census", lambda: node_census(ctx, ACTIVITY))  # the longest read: start now
    findings: list[Finding] = []
    parts: dict[str, float] = {}

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
    parts["index_health"] = online / len(indexes) if indexes else 1.0
    progress.advance("indexes checked", findings=len(findings))

    census = await shared_census(ctx, ACTIVITY)
    _census_findings(census, out, findings, parts)
    progress.advance("label combinations read", findings=len(findings))

    schema = await ctx.schema_outcome()
    if schema is None:
        out.notes.append(
            "Quality: property findings (mixed types, sparse properties, key candidates) and "
            "the typing and completeness parts of the score are missing, because the schema "
            "activity did not succeed."
        )
    else:
        labels, rel_types = schema
        _property_findings(labels, rel_types, findings, parts)
        await _key_candidates(ctx, labels, constraints, findings, progress)
    progress.advance("properties checked", findings=len(findings))

    measured = {k: v for k, v in parts.items() if k in WEIGHTS}
    weight = sum(WEIGHTS[k] for k in measured)
    score = 100 * sum(WEIGHTS[k] * v for k, v in measured.items()) / weight if weight else None
    missing = sorted(set(WEIGHTS) - set(measured))
    if missing:
        out.notes.append("Quality score computed without: " + ", ".join(missing))
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    findings.sort(key=lambda f: (order[f.severity], f.code, f.subject))
    out.quality = Quality(
        score=round(score, 1) if score is not None else None,
        formula=FORMULA,
        findings=findings,
        parts={k: round(v, 4) for k, v in sorted(measured.items())},
    )


def _census_findings(
    census: Census, out: Report, findings: list[Finding], parts: dict[str, float]
) -> None:
    provenance = (
        Provenance(method="scan")
        if census.exact
        else Provenance(method="sample", sample_size=census.nodes_read)
    )
    how = "" if census.exact else f" (estimated from a sample of {census.nodes_read} nodes)"
    unlabeled = census.estimate(census.unlabeled_read)
    orphans = census.estimate(census.orphans_read)
    if unlabeled:
        findings.append(
            Finding(
                code="unlabeled_nodes",
                severity=Severity.WARNING,
                subject="nodes without a label",
                message=f"{unlabeled} node(s) have no label{how}: no label-based query or "
                "index reaches them.",
            )
        )
    if orphans:
        findings.append(
            Finding(
                code="orphan_nodes",
                severity=Severity.INFO,
                subject="nodes without relationships",
                message=f"{orphans} node(s) have no relationship{how}.",
            )
        )
    for labels, count in sorted(census.label_sets.items(), key=lambda x: (-x[1], x[0])):
        if not labels:
            continue
        out.label_combinations.append(
            LabelCombination(
                labels=list(labels), count=census.estimate(count), provenance=provenance
            )
        )
        if len(labels) > 1:
            findings.append(
                Finding(
                    code="multi_label_segment",
                    severity=Severity.INFO,
                    subject=":".join(labels),
                    message=f"{census.estimate(count)} node(s) carry the labels "
                    f"{', '.join(labels)} together{how}.",
                )
            )
    if census.nodes_read:
        parts["connectivity"] = 1 - census.orphans_read / census.nodes_read
        parts["labeling"] = 1 - census.unlabeled_read / census.nodes_read


def _property_findings(
    labels: list[Label],
    rel_types: list[RelationshipType],
    findings: list[Finding],
    parts: dict[str, float],
) -> None:
    single = total = 0
    fill_sum = 0.0
    owners = [(_subject_label, x.name, x.properties) for x in labels] + [
        (_subject_type, x.name, x.properties) for x in rel_types
    ]
    for subject, owner, properties in owners:
        for prop in properties:
            total += 1
            fill_sum += prop.fill_rate
            sampled = prop.provenance.method == "sample"
            how = f" in a sample of {prop.provenance.sample_size}" if sampled else ""
            if len(prop.types) > 1:
                findings.append(
                    Finding(
                        code="mixed_type_property",
                        severity=Severity.WARNING,
                        subject=subject(owner, prop.name),
                        message=f"{prop.name} holds values of {len(prop.types)} types"
                        f"{how}: {', '.join(prop.types)}.",
                    )
                )
            else:
                single += 1
            if prop.fill_rate < SPARSE_BELOW:
                findings.append(
                    Finding(
                        code="sparse_property",
                        severity=Severity.INFO,
                        subject=subject(owner, prop.name),
                        message=f"{prop.name} is set on {prop.fill_rate:.1%} of "
                        f"{subject(owner)}{how}.",
                    )
                )
    if total:
        parts["typing"] = single / total
        parts["completeness"] = fill_sum / total


def _looks_like_key(name: str) -> bool:
    """Named like an identifier (id, customerID, order_key, uuid...). Without this test every
    unique free-text property (a description, an address) would be reported as a key."""
    lowered = name.lower()
    return bool(
        lowered in {"id", "key", "code", "uuid", "guid", "sku", "isbn", "email"}
        or re.search(r"[_\-.\s](id|key|code|uuid|guid)$", lowered)
        or re.search(r"[a-z0-9](Id|ID|Key|Code|Uuid|UUID)$", name)
    )


def _constrained(label: str, prop: str, constraints: list[Constraint]) -> bool:
    return any(
        c.entity_type == "NODE"
        and c.labels_or_types == [label]
        and c.properties == [prop]
        and ("UNIQUE" in c.type or "KEY" in c.type)
        for c in constraints
    )


async def _key_candidates(
    ctx: RunContext,
    labels: list[Label],
    constraints: list[Constraint],
    findings: list[Finding],
    progress: ActivityProgress,
) -> None:
    """Properties set on every node, of one scalar type, unique, yet without a constraint."""
    checked = 0
    for label in labels:
        if checked >= MAX_KEY_CHECK_LABELS:
            break
        candidates = [
            p.name
            for p in label.properties
            if p.fill_rate == 1.0
            and set(p.types) in KEY_TYPES
            and _looks_like_key(p.name)
            and not _constrained(label.name, p.name, constraints)
        ][:MAX_KEYS_PER_LABEL]
        if not candidates or label.count < 2:
            continue
        checked += 1
        exact = ctx.options.is_exact(label.count)
        sample = None if exact else ctx.node_sample(label.name, label.count)
        source, params = node_source(label.name, sample)
        params = dict(params)
        distinct = []
        for i, key in enumerate(candidates):
            params[f"key_{i}"] = key
            # A parameter names the property: n[$key] needs no escaping at all.
            distinct.append(f"count(DISTINCT n[$key_{i}]) AS distinct_{i}")
        try:
            rows = await ctx.read(
                ACTIVITY,
                "key_candidates",
                f"{source} RETURN count(n) AS nodes, {', '.join(distinct)}",
                params,
            )
        except NeoSenseError as exc:
            # One label's uniqueness check timing out must not hide the other findings.
            findings.append(
                Finding(
                    code="key_check_failed",
                    severity=Severity.INFO,
                    subject=_subject_label(label.name),
                    message=f"Could not check key candidates of (:{label.name}): {exc.message}",
                )
            )
            continue
        if not rows:
            continue
        nodes = int(rows[0]["nodes"])
        for i, key in enumerate(candidates):
            if nodes > 1 and int(rows[0][f"distinct_{i}"]) == nodes:
                how = "" if exact else f" in a sample of {nodes} nodes"
                findings.append(
                    Finding(
                        code="key_without_constraint",
                        severity=Severity.WARNING if exact else Severity.INFO,
                        subject=_subject_label(label.name, key),
                        message=f"{key} is set on every (:{label.name}) node and unique{how}, "
                        "but no uniqueness or key constraint protects it.",
                    )
                )
        progress.emit("running", f"key candidates of (:{label.name}) checked")
