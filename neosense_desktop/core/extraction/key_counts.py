"""Exact holder and distinct counts of key-like properties whose value statistics came from
a sample (a big label of an exact run, value_sample.py), so a duplicate key is counted, not
estimated. Which keys need counting, and the one query per label that counts them; the run
reads each label's counts once, through shared_reads.py.
"""

from __future__ import annotations

import logging

from ..cypher import escape_name
from ..errors import NeoSenseError
from ..report import Constraint, Property
from .context import PRIORITY_SHARED, RunContext
from .quality_checks import Owner, key_candidates
from .value_profile import ValueStats

log = logging.getLogger(__name__)

# The counts serve quality's findings, so they are read under its name whichever activity
# starts them (schema starts most, from its value samples).
ACTIVITY = "quality_and_context"


def sampled_keys(
    ctx: RunContext, owners: list[Owner], constraints: list[Constraint]
) -> list[tuple[Owner, Property, ValueStats]]:
    """Key-like properties of exactly read owners whose statistics came from a sample."""
    return [
        (owner, prop, stats)
        for owner, prop, stats in key_candidates(owners, constraints)
        if ctx.reading_of(owner.kind, owner.name).exact
        and stats.provenance is not None
        and stats.provenance.method == "sample"
    ]


async def count_label_keys(
    ctx: RunContext, owner: Owner, constraints: list[Constraint]
) -> dict[str, tuple[int, int]]:
    """(holders, distinct values) per sampled key-like property of the label, in one query;
    none when the read fails (logged): the findings then keep the sample's estimate."""
    keys = [prop.name for _, prop, _ in sampled_keys(ctx, [owner], constraints)]
    if not keys:
        return {}
    # One UNION ALL branch per key, the key written as an escaped name rather than a
    # parameter: `x.key IS NOT NULL` lets the planner answer from a range index on the key
    # (ids and emails usually have one) instead of reading every node's properties, and
    # even without an index a static property read is cheaper than properties(x)[$key].
    # 1M benchmark graph, 11 keys of 5 labels: 0.73 server s as one properties() scan per
    # label, 0.36 s like this (Person.email, indexed: 0.42 -> 0.02 s).
    label = escape_name(owner.name)
    branches = []
    for i, key in enumerate(keys):
        value = f"x.{escape_name(key)}"
        branches.append(
            f"MATCH (x:{label}) WHERE {value} IS NOT NULL "
            f"RETURN {i} AS i, count({value}) AS h, count(DISTINCT {value}) AS d"
        )
    try:
        rows = await ctx.read(
            ACTIVITY,
            "quality.key_counts",
            " UNION ALL ".join(branches),
            # Ahead of the per-label key scans queued since the start: run last, these
            # scans were the run's tail.
            priority=PRIORITY_SHARED,
        )
    except NeoSenseError as exc:
        log.info("key counts of (:%s) not read: %s", owner.name, exc)
        return {}
    return {keys[int(row["i"])]: (int(row["h"] or 0), int(row["d"] or 0)) for row in rows}
