"""The reads more than one activity needs, each made once per run and awaited by all.

Activities share reads through this module only, never by importing one another: the node
census (census.py; quality and statistics), SHOW INDEXES and SHOW CONSTRAINTS
(indexes_and_constraints.py; statistics reports them, quality checks against them),
the exact key counts of big labels (key_counts.py; schema starts them from its value
samples, quality awaits them) and the count store's counts (count_store.py: one GRAPH
COUNTS per run, the planning's own when fresh; node_labels, relationship_types and
pattern_counts). Each is a `ctx.shared` task under a fixed name, so whichever
activity asks first starts the read (under its own activity name, except the key counts,
read under quality's) and the others await the same result.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Mapping
from functools import partial
from typing import Any

from ..graph_client import ReadFn, Row
from ..report import Constraint, Index, Property
from .census import Census, node_census
from .context import PRIORITY_SHARED, RunContext
from .count_store import GraphCounts, count_labels, count_types, graph_counts
from .indexes_and_constraints import show_constraints, show_indexes
from .key_counts import ACTIVITY as KEY_COUNTS_ACTIVITY
from .key_counts import count_label_keys, sampled_keys
from .quality_checks import Owner
from .value_profile import ValueStats


def prefetch_census(ctx: RunContext, activity: str) -> None:
    """Start the census now (the longest read) without waiting for it."""
    ctx.prefetch("census", lambda: node_census(ctx, activity))


async def read_census(ctx: RunContext, activity: str) -> Census:
    return await ctx.shared("census", lambda: node_census(ctx, activity))


async def read_indexes(ctx: RunContext, activity: str) -> list[Index]:
    return await ctx.shared("indexes", lambda: show_indexes(ctx, activity))


async def read_constraints(ctx: RunContext, activity: str) -> list[Constraint]:
    return await ctx.shared("constraints", lambda: show_constraints(ctx, activity))


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


async def count_sampled_keys(
    ctx: RunContext, owners: list[Owner], constraints: list[Constraint]
) -> None:
    """In an exact run, key-like properties whose value statistics came from a sample (a big
    label, value_sample.py) get exact holder and distinct counts (ValueStats.key_counts), so
    a duplicate key is counted, not estimated: one scan per label, usually started as soon
    as the label's value sample is read (start_key_counts)."""
    wanted = sampled_keys(ctx, owners, constraints)
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


async def _label_key_counts(ctx: RunContext, owner: Owner) -> dict[str, tuple[int, int]]:
    constraints = await read_constraints(ctx, KEY_COUNTS_ACTIVITY)
    return await count_label_keys(ctx, owner, constraints)


# Counts the planning read at most this long ago are the run's own: the CLI and the window's
# F5 plan and run at once, and a second GRAPH COUNTS read took a query slot at the start of
# the run, when the label and type reads wait for one (~50-70 ms of a 1M run's 0.5 s on 2
# cores). A plan shown and run later is read again.
FRESH_COUNTS_S = 5.0


async def shared_graph_counts(ctx: RunContext, activity: str) -> GraphCounts | None:
    """The run's one GRAPH COUNTS read, for every activity that needs counts: the planning's
    own when it is fresh (FRESH_COUNTS_S)."""
    sizes = ctx.sizes
    if sizes.graph_counts is not None and time.monotonic() - sizes.read_at <= FRESH_COUNTS_S:
        return sizes.graph_counts

    def read(name: str, cypher: str, params: Mapping[str, Any] | None) -> Awaitable[list[Row]]:
        return ctx.read(activity, name, cypher, params, priority=PRIORITY_SHARED)

    return await ctx.shared("graph_counts", lambda: graph_counts(read))


def keep_planning_counts(ctx: RunContext) -> None:
    """Hold the planning's GRAPH COUNTS as the run's however old they get: for the plan
    warm-up (plan_warmup.py), whose reads return no rows, so counts read again would come
    back empty and decide other reads than the run's."""
    counts = ctx.sizes.graph_counts
    if counts is not None:
        ctx.prefetch("graph_counts", lambda: _ready(counts))


async def _ready(counts: GraphCounts) -> GraphCounts:
    return counts


async def current_label_counts(ctx: RunContext, activity: str) -> dict[str, int]:
    """Node count per label token, read again now (the plan may be minutes old)."""
    graph = await shared_graph_counts(ctx, activity)
    tokens = list(ctx.sizes.label_counts)
    if graph is not None:
        return {name: graph.label_counts.get(name, 0) for name in tokens}
    return await count_labels(
        _activity_read(ctx, activity), tokens, scoped=ctx.caps.scoped_subqueries
    )


async def current_type_counts(ctx: RunContext, activity: str) -> dict[str, int]:
    """Relationship count per type token, read again now."""
    graph = await shared_graph_counts(ctx, activity)
    tokens = list(ctx.sizes.type_counts)
    if graph is not None:
        return {name: graph.type_counts.get(name, 0) for name in tokens}
    return await count_types(
        _activity_read(ctx, activity), tokens, scoped=ctx.caps.scoped_subqueries
    )


def _activity_read(ctx: RunContext, activity: str) -> ReadFn:
    return lambda name, cypher, params: ctx.read(activity, name, cypher, params)
