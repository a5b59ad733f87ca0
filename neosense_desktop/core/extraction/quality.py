"""Activity quality_and_context: findings that say what is wrong, how much, where, and the
next step; and a score built from them.

Inputs: the node census (shared with statistics), SHOW INDEXES / SHOW CONSTRAINTS, the token
lists, and the schema activity's properties with the value statistics that rode on the same
reads (awaited; when schema failed or did not run, the property findings are left out and a
note says so); all shared reads come through shared_reads.py. This module wires the steps
and words the token and index findings; the others are one module each: quality_census.py
(census and label combinations), quality_schema.py (property findings), quality_examples.py
(example entities, the only queries of quality's own), quality_scoring.py (the score). The
checks themselves are in quality_checks.py.
"""

from __future__ import annotations

from ..report import MAX_FINDINGS, Finding, Index, Report, Severity
from .context import ActivityProgress, RunContext
from .quality_census import census_findings, combination_findings
from .quality_checks import PropertyFinding, label_subject, redundant_index_findings, type_subject
from .quality_examples import add_examples
from .quality_schema import schema_findings
from .quality_scoring import score_findings
from .shared_reads import prefetch_census, read_census, read_constraints, read_indexes

ACTIVITY = "quality_and_context"


async def run_quality(ctx: RunContext, out: Report, progress: ActivityProgress) -> None:
    progress.start(4, "checking indexes")
    prefetch_census(ctx, ACTIVITY)  # the longest read: start now
    findings: list[Finding] = _unused_token_findings(ctx)

    indexes = await read_indexes(ctx, ACTIVITY)
    constraints = await read_constraints(ctx, ACTIVITY)
    findings += _index_findings(indexes)
    progress.advance("indexes checked", findings=len(findings))

    census = await read_census(ctx, ACTIVITY)
    census_findings(census, findings, ctx.sizes.label_counts)

    schema = await ctx.schema_outcome()
    # After the schema activity: its label reads count the combinations of their labels.
    combination_findings(ctx, census, out, findings)
    progress.advance("label combinations read", findings=len(findings))
    with_examples: list[PropertyFinding] = []
    if schema is None:
        out.notes.append(
            "Quality: property findings (types, strings, keys, names) are missing, because "
            "the schema activity did not succeed."
        )
    else:
        labels, rel_types = schema
        with_examples = await schema_findings(
            ctx, out, labels, rel_types, indexes, constraints, findings
        )
    findings += redundant_index_findings(indexes)
    await add_examples(ctx, ACTIVITY, with_examples, findings)
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


def _unused_token_findings(ctx: RunContext) -> list[Finding]:
    """Label and relationship type tokens no entity has (the count store says 0)."""
    findings: list[Finding] = []
    for name, count in sorted(ctx.sizes.label_counts.items()):
        if count == 0:
            findings.append(
                Finding(
                    code="unused_label_token",
                    severity=Severity.INFO,
                    subject=label_subject(name),
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
                    subject=type_subject(name),
                    message=f"The relationship type {name} exists as a token but no "
                    "relationship has it.",
                )
            )
    return findings


def _index_findings(indexes: list[Index]) -> list[Finding]:
    """Indexes not online, and indexes no query has read since the server started."""
    findings: list[Finding] = []
    for index in indexes:
        if index.state != "ONLINE":
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
    return findings
