"""One read per relationship type, shared by the schema and relationship_types activities.

Both need the same relationships: schema their properties, relationship_types the labels at
their ends. One query reads both, grouped server-side by (start labels, end labels, key,
value type), so a type costs one scan (exact) or one sample (sampled) per run instead of
two:
    <relationships of T> WITH labels(a) AS s, labels(b) AS e, properties(r) AS p
    UNWIND [null] + keys(p) AS k
    RETURN s, e, k, valueType(p[k]) AS t, count(*) AS c
Rows with k = null count the relationships per end-label pair. On servers without
valueType() the properties are returned per relationship and typed on the client. Exact
runs that read everything take types from db.schema.relTypeProperties() and only count
ends and non-mandatory keys (builtin_schema.py).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..graph_client import Row
from ..report import Pattern
from .batch_reading import batched, samples_values, type_rows
from .builtin_schema import KeyInfo, builtin_relationship_schema, takes_builtins
from .context import RunContext
from .pattern_counts import all_patterns_from_counts, type_end_counts, unlabeled_ends
from .readings import Reading
from .sampling import Sample, relationship_source
from .value_profile import (
    AGGREGATES,
    ValueStats,
    aggregate_parameters,
    bind_values,
    fold_shapes,
)
from .value_sample import SampledStats, sampled_stats
from .value_types import normalise_value_type, python_value_type

LabelSets = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass
class TypeReading:
    """What one scan or sample of a relationship type saw."""

    sample: Sample | None  # None: every relationship of the type was read
    read: int = 0
    ends: Counter[LabelSets] = field(default_factory=Counter)  # (start, end) label sets
    key_types: dict[str, set[str]] = field(default_factory=dict)
    key_holders: Counter[str] = field(default_factory=Counter)
    # Exact patterns the count store determined (pattern_counts.py); `ends` is then empty.
    patterns: list[Pattern] | None = None
    value_stats: dict[str, ValueStats] = field(default_factory=dict)
    # Set when value_stats come from a sample of an exactly read type (value_sample.py).
    value_sample: SampledStats | None = None

    def add(self, row: Row, with_stats: bool) -> None:
        """Fold one (start labels, end labels, key, value type) row of a reading; the row
        with k = null counts the relationships of that end-label pair."""
        c = int(row["c"])
        key = row["k"]
        if key is None:
            self.read += c
            self.ends[(tuple(row["s"]), tuple(row["e"]))] += c
            return
        self.key_holders[key] += c
        self.key_types.setdefault(key, set()).add(normalise_value_type(row["t"]))
        if with_stats:
            self.value_stats.setdefault(key, ValueStats()).add_row(row)


async def read_type(ctx: RunContext, activity: str, rel_type: str, count: int) -> TypeReading:
    """The run's one reading of `rel_type`, made by whichever activity asks first."""
    return await ctx.shared(f"type:{rel_type}", lambda: _read(ctx, activity, rel_type, count))


def typed_by_builtins(ctx: RunContext, planned: Reading) -> bool:
    """Whether the type's reading takes the builtin procedure's path (_read_with_builtins),
    whose texts depend on what the procedure and the count store answer."""
    return not batched(ctx, planned) and planned.exact and takes_builtins(ctx, planned)


async def _read(ctx: RunContext, activity: str, rel_type: str, count: int) -> TypeReading:
    planned = ctx.reading_of_type(rel_type)
    sample = ctx.sample_of(planned)
    source, params = relationship_source(rel_type, sample, with_ends=True)
    reading = TypeReading(sample=sample)
    if batched(ctx, planned):
        for row in await type_rows(ctx, activity, rel_type):
            reading.add(row, with_stats=ctx.profiles_values)
        return reading
    if typed_by_builtins(ctx, planned):
        # Too big to profile in full: value statistics from a sample, read while the
        # procedure and the counts scan.
        value_sample = (
            asyncio.ensure_future(
                sampled_stats(ctx, activity, "relationship_type", rel_type, count)
            )
            # The batch of value samples planned exactly these types (one predicate).
            if samples_values(ctx, planned)
            else None
        )
        try:
            builtin = await builtin_relationship_schema(ctx, activity)
            if builtin is not None:
                await _read_with_builtins(ctx, activity, rel_type, count, builtin, source, reading)
                if value_sample is not None:
                    reading.value_sample = await value_sample
                    reading.value_stats = reading.value_sample.stats
                return reading
        finally:
            if value_sample is not None and not value_sample.done():
                value_sample.cancel()
            elif value_sample is not None and not value_sample.cancelled():
                value_sample.exception()  # retrieved: a fallback run does not log it twice
    if ctx.profiles_values:
        rows = await ctx.read(
            activity,
            "type.profile_sample" if sample else "type.profile_scan",
            f"{source} WITH labels(a) AS s, labels(b) AS e, properties(r) AS p "
            f"UNWIND [null] + keys(p) AS k WITH s, e, p, k {bind_values('s, e, k')} "
            "RETURN s, e, k, CASE WHEN k IS NULL THEN null ELSE valueType(v) END AS t, "
            f"shape, count(*) AS c, {AGGREGATES}",
            {**params, **aggregate_parameters(sample.sample_size if sample else count)},
        )
        for row in fold_shapes(rows, ("s", "e", "k", "t")):
            reading.add(row, with_stats=True)
    elif ctx.caps.value_type:
        rows = await ctx.read(
            activity,
            "type.sample" if sample else "type.scan",
            f"{source} WITH labels(a) AS s, labels(b) AS e, properties(r) AS p "
            "UNWIND [null] + keys(p) AS k "
            "RETURN s, e, k, CASE WHEN k IS NULL THEN null ELSE valueType(p[k]) END AS t, "
            "count(*) AS c",
            params,
        )
        for row in rows:
            reading.add(row, with_stats=False)
    else:
        # One row per relationship: folded as it arrives, never all held.
        def fold(row: dict[str, Any]) -> None:
            reading.read += 1
            reading.ends[(tuple(row["s"]), tuple(row["e"]))] += 1
            for key, value in row["p"].items():
                reading.key_holders[key] += 1
                reading.key_types.setdefault(key, set()).add(python_value_type(value))

        await ctx.read_each(
            activity,
            "type.legacy_sample" if sample else "type.legacy_scan",
            f"{source} RETURN labels(a) AS s, labels(b) AS e, properties(r) AS p",
            fold,
            params,
        )
    return reading


async def _read_with_builtins(
    ctx: RunContext,
    activity: str,
    rel_type: str,
    count: int,
    builtin: dict[str, dict[str, KeyInfo]],
    source: str,
    reading: TypeReading,
) -> None:
    """Exact patterns and fill rates, types from db.schema.relTypeProperties()."""
    keys = builtin.get(rel_type, {})
    starts, ends, complete = await type_end_counts(ctx, activity, rel_type)
    unlabeled = await unlabeled_ends(ctx, activity)
    reading.patterns = all_patterns_from_counts(
        count,
        starts,
        ends,
        complete,
        None if unlabeled is None else unlabeled.get(rel_type, Counter()),
    )
    if reading.patterns is not None:
        await _count_keys(ctx, activity, rel_type, count, keys, reading)
    else:
        await _read_with_builtin_types(ctx, activity, source, keys, reading)


async def _count_keys(
    ctx: RunContext,
    activity: str,
    rel_type: str,
    count: int,
    keys: dict[str, KeyInfo],
    reading: TypeReading,
) -> None:
    """Fill rates when the patterns came from the count store: only keys that not every
    relationship has are counted, with no end nodes read; none at all costs no scan."""
    counted = sorted(k for k, info in keys.items() if not info.mandatory)
    reading.read = count
    if counted:
        source, _ = relationship_source(rel_type, None)
        columns = ", ".join(f"count(p[$key_{i}]) AS c_{i}" for i in range(len(counted)))
        rows = await ctx.read(
            activity,
            "type.key_counts",
            f"{source} WITH properties(r) AS p RETURN count(*) AS c, {columns}",
            {f"key_{i}": key for i, key in enumerate(counted)},
        )
        row = rows[0] if rows else {}
        reading.read = int(row.get("c") or 0)
        for i, key in enumerate(counted):
            reading.key_holders[key] = int(row.get(f"c_{i}") or 0)
    for key, info in keys.items():
        if info.mandatory:
            reading.key_holders[key] = reading.read
        if reading.key_holders[key] > 0:
            reading.key_types[key] = set(info.types)


async def _read_with_builtin_types(
    ctx: RunContext, activity: str, source: str, keys: dict[str, KeyInfo], reading: TypeReading
) -> None:
    """Exact reading with types from db.schema.relTypeProperties(): one scan groups the
    relationships by end labels and counts only the keys not every relationship has."""
    counted = sorted(k for k, info in keys.items() if not info.mandatory)
    params = {f"key_{i}": key for i, key in enumerate(counted)}
    # A parameter names each key (no escaping); properties() reads the chain once, where
    # r[$key] per key would walk it again for every key.
    columns = "".join(f", count(p[$key_{i}]) AS c_{i}" for i in range(len(counted)))
    props = ", properties(r) AS p" if counted else ""
    rows = await ctx.read(
        activity,
        "type.scan_counts",
        f"{source} WITH labels(a) AS s, labels(b) AS e{props} RETURN s, e, count(*) AS c{columns}",
        params,
    )
    for row in rows:
        c = int(row["c"])
        reading.read += c
        reading.ends[(tuple(row["s"]), tuple(row["e"]))] += c
        for i, key in enumerate(counted):
            reading.key_holders[key] += int(row[f"c_{i}"])
    for key, info in keys.items():
        if info.mandatory:
            reading.key_holders[key] = reading.read
        if reading.key_holders[key] > 0:
            reading.key_types[key] = set(info.types)
