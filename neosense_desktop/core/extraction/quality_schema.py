"""Quality findings about properties (types, strings, keys, names, unseen keys), from the
schema activity's properties and the value statistics that rode on its reads. The checks
are quality_checks.py; the only read awaited here is the exact key counts
(shared_reads.count_sampled_keys)."""

from __future__ import annotations

from ..cypher import escape_name
from ..report import (
    Constraint,
    Finding,
    FindingSubject,
    Index,
    Label,
    RelationshipType,
    Report,
    Severity,
    SuggestedCypher,
)
from .context import RunContext
from .quality_checks import (
    Owner,
    PropertyFinding,
    case_variant_findings,
    cross_owner_type_findings,
    key_findings,
    naming_finding,
    property_findings,
)
from .shared_reads import count_sampled_keys


def owners_of(
    ctx: RunContext, labels: list[Label], rel_types: list[RelationshipType]
) -> list[Owner]:
    """The labels and types the schema read, each with the value statistics of its keys."""
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


async def schema_findings(
    ctx: RunContext,
    out: Report,
    labels: list[Label],
    rel_types: list[RelationshipType],
    indexes: list[Index],
    constraints: list[Constraint],
    findings: list[Finding],
) -> list[PropertyFinding]:
    """Adds the property findings to `findings`; returns those that get examples."""
    owners = owners_of(ctx, labels, rel_types)
    await count_sampled_keys(ctx, owners, constraints)
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
