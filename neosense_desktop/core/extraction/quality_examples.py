"""Up to MAX_EXAMPLES example entities per finding: taken from what the sample reads
collected where they did (batch_reading.py), else fetched from the entities the schema
read (all, or the sample) in a few batched queries (union_reads.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..graph_client import Row
from ..report import MAX_EXAMPLES, Finding, FindingExample
from .context import RunContext
from .quality_checks import CONDITION_NAMES, PropertyFinding
from .sampling import node_source, relationship_source
from .union_reads import read_batched
from .value_profile import display_value

MAX_EXAMPLE_QUERIES = 200  # findings that get examples; the rest keep their inspect Cypher


async def add_examples(
    ctx: RunContext,
    activity: str,
    with_examples: list[PropertyFinding],
    findings: list[Finding],
) -> None:
    """Examples for the property findings that get them and for the orphan findings."""
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
        activity,
        [
            *(_property_examples(ctx, pf) for pf in with_examples),
            *(_orphan_examples(ctx, f) for f in orphans[:MAX_EXAMPLE_QUERIES]),
        ],
    )


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


async def _fetch_examples(ctx: RunContext, activity: str, queries: list[ExampleQuery]) -> None:
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
        queries, await read_batched(ctx, activity, "quality.examples", parts), strict=True
    ):
        if rows is not None:
            q.apply(rows)
