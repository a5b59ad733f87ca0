"""The run's count-store counts, shared by its activities: one GRAPH COUNTS read per run
(the planning's own when it is fresh), and the label and type counts read again now.

Apart from count_store.py because these read through the run's context, which holds the
sizes, which hold a GraphCounts: in one module that would be an import cycle.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Mapping
from typing import Any

from ..graph_client import ReadFn, Row
from .context import PRIORITY_SHARED, RunContext
from .count_store import GraphCounts, count_labels, count_types, graph_counts

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
