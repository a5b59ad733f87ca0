"""Activity statistics_and_indexes: totals, degree distribution, supernodes, indexes, constraints.

Totals come from the count store and the token store (O(1)); unlabeled and orphan counts and
the degree distribution from the node census (scan or spread sample, see census.py); each
number's provenance is in statistics.provenance.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..report import (
    Constraint,
    Degree,
    Index,
    Label,
    Provenance,
    RelationshipType,
    Report,
    Statistics,
    Supernode,
)
from .census import Census, node_census, shared_census
from .context import PRIORITY_SHARED, ActivityProgress, RunContext

ACTIVITY = "statistics_and_indexes"
TOP_SUPERNODES = 10


async def read_indexes(ctx: RunContext, activity: str) -> list[Index]:
    """SHOW INDEXES, read once per run for both activities that need it."""
    return await ctx.shared("indexes", lambda: _read_indexes(ctx, activity))


async def read_constraints(ctx: RunContext, activity: str) -> list[Constraint]:
    return await ctx.shared("constraints", lambda: _read_constraints(ctx, activity))


async def _read_indexes(ctx: RunContext, activity: str) -> list[Index]:
    rows = await ctx.read(activity, "indexes", "SHOW INDEXES YIELD *", priority=PRIORITY_SHARED)
    indexes = [
        Index(
            name=r["name"],
            type=str(r.get("type") or ""),
            entity_type=str(r.get("entityType") or ""),
            labels_or_types=list(r.get("labelsOrTypes") or []),
            properties=list(r.get("properties") or []),
            state=str(r.get("state") or ""),
            population_percent=_float(r.get("populationPercent")),
            owning_constraint=r.get("owningConstraint"),
            read_count=_int(r.get("readCount")),
            last_read=_iso(r.get("lastRead")),
            options=_plain(r.get("options")),
        )
        for r in rows
    ]
    return sorted(indexes, key=lambda i: i.name)


async def _read_constraints(ctx: RunContext, activity: str) -> list[Constraint]:
    rows = await ctx.read(
        activity, "constraints", "SHOW CONSTRAINTS YIELD *", priority=PRIORITY_SHARED
    )
    constraints = [
        Constraint(
            name=r["name"],
            type=str(r.get("type") or ""),
            entity_type=str(r.get("entityType") or ""),
            labels_or_types=list(r.get("labelsOrTypes") or []),
            properties=list(r.get("properties") or []),
            owned_index=r.get("ownedIndex"),
            property_type=r.get("propertyType"),
        )
        for r in rows
    ]
    return sorted(constraints, key=lambda c: c.name)


async def run_statistics(ctx: RunContext, out: Report, progress: ActivityProgress) -> None:
    progress.start(4, "reading totals")
    ctx.prefetch("census", lambda: node_census(ctx, ACTIVITY))  # the longest read: start now
    sizes = ctx.sizes
    count_store = Provenance(method="count_store")
    stats = Statistics(
        node_count=sizes.node_count,
        relationship_count=sizes.relationship_count,
        label_count=len(sizes.labels),
        relationship_type_count=len(sizes.types),
        property_key_count=len(sizes.property_keys),
    )
    stats.provenance.update(
        node_count=count_store,
        relationship_count=count_store,
        label_count=count_store,
        relationship_type_count=count_store,
        property_key_count=Provenance(method="count_store"),  # token store, O(1)
    )
    out.statistics = stats
    progress.advance("totals read", nodes=sizes.node_count)

    out.indexes = await read_indexes(ctx, ACTIVITY)
    out.constraints = await read_constraints(ctx, ACTIVITY)
    progress.advance("indexes and constraints read", indexes=len(out.indexes))

    census = await shared_census(ctx, ACTIVITY)
    census_prov = (
        Provenance(method="scan")
        if census.exact
        else Provenance(method="sample", sample_size=census.nodes_read)
    )
    stats.unlabeled_node_count = census.estimate(census.unlabeled_read)
    stats.orphan_node_count = census.estimate(census.orphans_read)
    stats.degree = Degree(
        min=float(min(census.degrees)) if census.degrees else None,
        median=census.percentile(0.5),
        p90=census.percentile(0.9),
        p99=census.percentile(0.99),
        max=float(max(census.degrees)) if census.degrees else None,
        provenance=census_prov,
    )
    stats.provenance.update(
        unlabeled_node_count=census_prov, orphan_node_count=census_prov, degree=census_prov
    )
    progress.advance("degree distribution read", nodes_read=census.nodes_read)

    stats.supernodes = await _supernodes(ctx, census)
    stats.provenance["supernodes"] = census_prov
    progress.advance("supernodes found", supernodes=len(stats.supernodes))

    # Property key tokens outlive their last use (like labels), so when the schema activity
    # succeeded, the keys it actually saw are the better count.
    schema = await ctx.schema_outcome()
    if schema is not None:
        labels, rel_types = schema
        owners: list[Label | RelationshipType] = [*labels, *rel_types]
        keys = {p.name for owner in owners for p in owner.properties}
        sampled = [
            p.provenance for o in owners for p in o.properties if p.provenance.method == "sample"
        ]
        stats.property_key_count = len(keys)
        stats.provenance["property_key_count"] = (
            Provenance(method="sample", sample_size=max(p.sample_size or 0 for p in sampled))
            if sampled
            else Provenance(method="scan")
        )
    else:
        out.notes.append(
            "property_key_count counts property key tokens, which can include keys no longer "
            "used (the schema activity did not succeed)."
        )


async def _supernodes(ctx: RunContext, census: Census) -> list[Supernode]:
    """The highest-degree nodes, one example per (label set, degree) group of the census.

    Several nodes can share a top degree; `same_degree_count` says how many (in the nodes
    read). The census keeps each group's example as an element id, so no second query.
    """
    groups = sorted(
        ((labels, degree, example) for (labels, degree), example in census.examples.items()),
        key=lambda g: (-g[1], g[0]),
    )
    top = [g for g in groups if g[1] > 0][:TOP_SUPERNODES]
    return [
        Supernode(
            labels=list(labels),
            element_id=element_id,
            degree=degree,
            same_degree_count=census.estimate(count),
        )
        for labels, degree, (element_id, count) in top
    ]


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int) else None


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "iso_format"):
        return str(value.iso_format())
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _plain(value: Any) -> dict[str, Any]:
    """An options map as JSON values: numbers, strings, booleans and lists of them stay;
    anything else (a driver type) becomes its text."""

    def convert(v: Any) -> Any:
        if v is None or isinstance(v, bool | int | float | str):
            return v
        if isinstance(v, dict):
            return {str(k): convert(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [convert(x) for x in v]
        return str(v)

    return convert(value) if isinstance(value, dict) else {}
