"""The reads more than one activity needs, each made once per run and awaited by all.

Activities share reads through this module only, never by importing one another: the node
census (census.py; quality and statistics), SHOW INDEXES and SHOW CONSTRAINTS
(indexes_and_constraints.py; statistics reports them, quality checks against them) and
the exact key counts of big labels (key_counts.py; schema starts them from its value
samples, quality awaits them). Each is a `ctx.shared` task under a fixed name, so whichever
activity asks first starts the read (under its own activity name, except the key counts,
read under quality's) and the others await the same result.
"""

from __future__ import annotations

import asyncio
from functools import partial

from ..report import Constraint, Index, Property
from .census import Census, node_census
from .context import RunContext
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
