"""Quality findings from the node census and the label reads: unlabeled and orphan nodes,
and the label combinations (label_sets.py) with a finding per multi-label one. No query:
the census is shared_reads.read_census, the label reads the schema activity's."""

from __future__ import annotations

from collections import Counter

from ..cypher import escape_name
from ..report import (
    MAX_EXAMPLES,
    Finding,
    FindingExample,
    FindingSubject,
    Provenance,
    Report,
    Severity,
    SuggestedCypher,
)
from ..wording import combination_estimate_text
from .census import Census
from .context import RunContext
from .label_sets import SetCounts, label_combinations
from .quality_checks import label_subject


def census_findings(census: Census, findings: list[Finding], label_counts: dict[str, int]) -> None:
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
                subject=label_subject(label) if label else "nodes without a label",
                message=f"{count} {label_subject(label) if label else 'unlabeled'} node(s) "
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


def combination_findings(
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
