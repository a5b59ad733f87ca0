"""Activity statistics_and_indexes: totals, degree distribution, supernodes, indexes, constraints.

Totals come from the count store and the token store (O(1)); unlabeled and orphan counts and
the degree distribution from the node census (scan or spread sample, see census.py); each
number's provenance is in statistics.provenance.
"""

from __future__ import annotations

import math

from ..graph_client import Row
from ..report import (
    MAX_DISPLAY_CHARS,
    Degree,
    Label,
    Provenance,
    RelationshipType,
    Report,
    Statistics,
    Supernode,
    SupernodeRule,
)
from .census import Census
from .context import ActivityProgress, RunContext
from .shared_reads import prefetch_census, read_census, read_constraints, read_indexes

ACTIVITY = "statistics_and_indexes"
TOP_SUPERNODES = 10
# A supernode's degree is at least twice the 99th percentile: it stands apart even from the
# top 1% (the Products of degree 43-56 in Northwind, p99 44, are the tail, not outliers).
SUPERNODE_P99_FACTOR = 2.0
# ...and far above the typical node in robust units, for graphs where p99 sits near the
# median (regular graphs, where twice p99 alone would flag ordinary nodes).
SUPERNODE_MAD_FACTOR = 10.0
# ...and never below this: no traversal is slowed by a node of degree 9.
SUPERNODE_MIN_DEGREE = 10
# The property that names a node in the window, in this order (case-insensitive).
DISPLAY_KEYS = ("name", "title")


async def run_statistics(ctx: RunContext, out: Report, progress: ActivityProgress) -> None:
    progress.start(4, "reading the node and relationship totals")
    prefetch_census(ctx, ACTIVITY)  # the longest read: start now
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
    progress.advance("node and relationship totals read", nodes=sizes.node_count)

    out.indexes = await read_indexes(ctx, ACTIVITY)
    out.constraints = await read_constraints(ctx, ACTIVITY)
    progress.advance("indexes and constraints read", indexes=len(out.indexes))

    census = await read_census(ctx, ACTIVITY)
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

    stats.supernode_rule = supernode_rule(census)
    stats.supernodes = await _supernodes(ctx, census, stats.supernode_rule)
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


def supernode_rule(census: Census) -> SupernodeRule | None:
    """The degree from which a node is a supernode, relative to this graph's own degrees."""
    median, p99 = census.percentile(0.5), census.percentile(0.99)
    mad = census.median_absolute_deviation()
    if median is None or p99 is None or mad is None:
        return None
    threshold = max(
        math.ceil(SUPERNODE_P99_FACTOR * p99),
        math.ceil(median + SUPERNODE_MAD_FACTOR * mad),
        SUPERNODE_MIN_DEGREE,
    )
    above = census.estimate(census.nodes_at_or_above(threshold))
    among = "all nodes" if census.exact else f"a sample of {census.nodes_read:,} nodes"
    text = (
        f"Degree at least {threshold:,}: the largest of {SUPERNODE_P99_FACTOR:g} × p99 "
        f"({p99:g}), median + {SUPERNODE_MAD_FACTOR:g} × MAD ({median:g} + "
        f"{SUPERNODE_MAD_FACTOR:g} × {mad:g}) and {SUPERNODE_MIN_DEGREE}, over the degrees of "
        f"{among}."
    )
    return SupernodeRule(
        threshold=threshold,
        median=median,
        p99=p99,
        mad=mad,
        p99_factor=SUPERNODE_P99_FACTOR,
        mad_factor=SUPERNODE_MAD_FACTOR,
        min_degree=SUPERNODE_MIN_DEGREE,
        nodes_above=above,
        text=text,
    )


def display_key(keys: list[str]) -> str | None:
    """The key that names a node: name, title, a key ending in 'name' (productName), id,
    else the first key (all given keys hold strings, or an id number)."""
    by_lower = {k.lower(): k for k in sorted(keys, reverse=True)}  # first alphabetically wins
    for wanted in DISPLAY_KEYS:
        if wanted in by_lower:
            return by_lower[wanted]
    ending = sorted(k for k in keys if k.lower().endswith("name"))
    if ending:
        return ending[0]
    if "id" in by_lower:
        return by_lower["id"]
    return min(keys) if keys else None


async def read_supernode_names(ctx: RunContext, element_ids: list[str]) -> list[Row]:
    """The keys that may name each of these nodes (string keys, and an integer `id`), with
    their values under values 'examples': one query, by element id seek."""
    return await ctx.read(
        ACTIVITY,
        "supernodes",
        "MATCH (n) WHERE elementId(n) IN $ids "
        "WITH n, [k IN keys(n) WHERE n[k] IS :: STRING "
        "OR (toLower(k) = 'id' AND n[k] IS :: INTEGER)] AS keys "
        "RETURN elementId(n) AS element_id, "
        "[k IN keys | [k, CASE WHEN $values THEN left(toString(n[k]), $chars) END]] AS named",
        {
            "ids": element_ids,
            "values": ctx.options.values == "examples",
            "chars": MAX_DISPLAY_CHARS,
        },
    )


async def _supernodes(
    ctx: RunContext, census: Census, rule: SupernodeRule | None
) -> list[Supernode]:
    """The highest-degree nodes at or above the rule's threshold, one example per (label
    set, degree) group of the census: no further scan.

    Several nodes can share a degree; `same_degree_count` says how many (in the nodes read).
    The census keeps each group's example as an element id; only the up to TOP_SUPERNODES
    examples are looked up again, by element id seek, for the property that names them
    (its value only under values 'examples').
    """
    if rule is None:
        return []
    groups = sorted(
        ((labels, degree, example) for (labels, degree), example in census.examples.items()),
        key=lambda g: (-g[1], g[0]),
    )
    top = [g for g in groups if g[1] >= rule.threshold][:TOP_SUPERNODES]
    if not top:
        return []
    rows = await read_supernode_names(ctx, [example for _, _, (example, _) in top])
    found: dict[str, tuple[str | None, str | None]] = {}
    for r in rows:
        named = {str(k): (None if v is None else str(v)) for k, v in r["named"] or []}
        key = display_key(list(named))
        found[str(r["element_id"])] = (key, named.get(key) if key else None)
    out = []
    for labels, degree, (example, count) in top:
        key, display = found.get(example, (None, None))
        out.append(
            Supernode(
                labels=list(labels),
                element_id=example,
                degree=degree,
                same_degree_count=census.estimate(count),
                display_key=key,
                display=display,
            )
        )
    return out
