"""Activity schema: per label and per relationship type, every property with ALL its types.

One query per label reads each node's properties once:
    MATCH (n:L) WITH properties(n) AS p UNWIND [null] + keys(p) AS k
    RETURN k, valueType(p[k]) AS t, count(*) AS c
The row with k = null counts the nodes read, so fill rate = holders / nodes read, from the
same snapshot. Relationship types come from the run's one reading of each type
(type_reading.py), which relationship_types shares. Exact labels and types are read in
full (provenance "scan"); sampled ones through a spread sample (sampling.py; provenance
"sample" with the number of entities read).

Exact runs that read every label and type take types from Neo4j's own full-scan
procedures and count keys per label themselves (builtin_schema.py): the same result for
a third of the server work.

On servers without valueType() (before 5.13) the same entities' properties are returned and
typed on the client with the same names (value_types.python_value_type); a note says so.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..errors import NeoSenseError
from ..report import Label, Property, Provenance, RelationshipType, Report
from .batch_reading import batched, label_read, samples_values
from .builtin_schema import builtin_node_schema, prefetch_builtins, reads_everything
from .context import ActivityProgress, RunContext
from .sampling import Sample, node_source, relationship_source
from .type_reading import read_type
from .value_profile import (
    TOP_VALUES_MAX_DISTINCT,
    ValueStats,
    aggregate_parameters,
    display_value,
    fold_shapes,
    profile_query,
    profiled_in_full,
    top_values_query,
)
from .value_sample import sampled_stats
from .value_types import normalise_value_type, observed_properties, python_value_type

ACTIVITY = "schema"

LEGACY_NOTE = (
    "This server has no valueType() (Neo4j before 5.13): property types were derived on the "
    "client from the values read, with the same type names."
)


async def run_schema(ctx: RunContext, out: Report, progress: ActivityProgress) -> None:  # noqa: C901, PLR0915  issue 23: split pending
    labels = ctx.sizes.labels
    types = ctx.sizes.types
    progress.start(len(labels) + len(types), "reading properties")
    if not ctx.caps.value_type:
        out.notes.append(LEGACY_NOTE)
    errors: list[NeoSenseError] = []
    totals = {"properties": 0}
    # The builtin procedures give types but no values: a label or type small enough to be
    # profiled in full is read through the valueType query that carries the statistics;
    # a bigger one takes the builtin path and its statistics from a sample (value_sample.py).
    use_builtins = reads_everything(ctx)
    if use_builtins and any(
        _takes_builtins(ctx, c) for c in (*labels.values(), *types.values())
    ):  # the two whole-store scans go first; key counts overlap them
        prefetch_builtins(ctx, ACTIVITY)

    async def one_label(name: str, count: int) -> None:
        entry = Label(name=name, count=count, count_provenance=Provenance(method="count_store"))
        out.labels.append(entry)
        sample = None if ctx.options.is_exact(count) else ctx.node_sample(name, count)
        source, params = node_source(name, sample)
        try:
            found = None
            stats: dict[str, ValueStats] = {}
            profiled = ValueRead(read=0, source=source, params=params)
            if sample is None and use_builtins and _takes_builtins(ctx, count):
                # The batch of value samples planned exactly these labels (one predicate).
                if samples_values(ctx, count):  # read while the procedure scans
                    found, sampled = await asyncio.gather(
                        _node_keys_with_builtin_types(ctx, name, source),
                        sampled_stats(ctx, ACTIVITY, "label", name, count),
                    )
                    if found is not None:
                        stats = sampled.stats
                        profiled = ValueRead(sampled.read, sampled.source, sampled.params)
                else:
                    found = await _node_keys_with_builtin_types(ctx, name, source)
            if found is None and batched(ctx, count):
                batch = await label_read(ctx, ACTIVITY, name)
                found, stats = (batch.read, batch.key_types, batch.holders), batch.stats
                profiled = ValueRead(read=batch.read, source=source, params=params)
            if found is None:
                found = await _node_properties(ctx, source, params, sample, count, stats)
                profiled = ValueRead(read=found[0], source=source, params=params)
            read, key_types, holders = found
            entry.properties = observed_properties(read, key_types, holders, sample is not None)
            if stats:
                await _attach_profiles(ctx, entry.properties, stats, profiled, "n")
                ctx.value_stats[("label", name)] = stats
        except NeoSenseError as exc:
            errors.append(exc.with_context(subject=f"(:{name})"))
        totals["properties"] += len(entry.properties)
        progress.advance(f"properties of (:{name})", properties=totals["properties"])

    async def one_type(name: str, count: int) -> None:
        entry = RelationshipType(
            name=name, count=count, count_provenance=Provenance(method="count_store")
        )
        out.relationship_types.append(entry)
        try:
            reading = await read_type(ctx, ACTIVITY, name, count)
            entry.properties = observed_properties(
                reading.read, reading.key_types, reading.key_holders, reading.sample is not None
            )
            if reading.value_stats:
                if reading.value_sample is not None:
                    profiled = ValueRead(
                        reading.value_sample.read,
                        reading.value_sample.source,
                        reading.value_sample.params,
                    )
                else:
                    source, params = relationship_source(name, reading.sample)
                    profiled = ValueRead(reading.read, source, params)
                await _attach_profiles(ctx, entry.properties, reading.value_stats, profiled, "r")
                ctx.value_stats[("relationship_type", name)] = reading.value_stats
        except NeoSenseError as exc:
            errors.append(exc.with_context(subject=f"[:{name}]"))
        totals["properties"] += len(entry.properties)
        progress.advance(f"properties of [:{name}]", properties=totals["properties"])

    await asyncio.gather(
        *(one_label(n, c) for n, c in labels.items()),
        *(one_type(n, c) for n, c in types.items()),
    )
    out.labels.sort(key=lambda x: x.name)
    out.relationship_types.sort(key=lambda x: x.name)
    if errors:
        raise errors[0]


async def _node_keys_with_builtin_types(
    ctx: RunContext, label: str, source: str
) -> tuple[int, dict[str, set[str]], Counter[str]] | None:
    """Fill rates from a keys() count, types from db.schema.nodeTypeProperties().

    Counting keys is ~3x cheaper than typing every value, and runs while the procedure
    scans. None (use the valueType scan) when the procedure is unavailable or does not
    know a key the count found (a write in between).
    """
    rows, builtin = await asyncio.gather(
        ctx.read(
            ACTIVITY,
            "schema.key_scan",
            f"{source} UNWIND [null] + keys(n) AS k RETURN k, count(*) AS c",
        ),
        builtin_node_schema(ctx, ACTIVITY),
    )
    if builtin is None:
        return None
    known = builtin.get(label, {})
    read_count = 0
    key_types: dict[str, set[str]] = {}
    holders: Counter[str] = Counter()
    for row in rows:
        key = row["k"]
        if key is None:
            read_count = int(row["c"])
        elif key in known and known[key].types:
            holders[key] = int(row["c"])
            key_types[key] = set(known[key].types)
        else:
            return None
    return read_count, key_types, holders


async def _node_properties(
    ctx: RunContext,
    source: str,
    params: dict[str, object],
    sample: Sample | None,
    count: int,
    stats: dict[str, ValueStats],
) -> tuple[int, dict[str, set[str]], Counter[str]]:
    """(nodes read, value types per key, holders per key) of the nodes `source` binds;
    with ctx.profiles_values, each key's value statistics go into `stats`."""
    read_count = 0
    key_types: dict[str, set[str]] = {}
    holders: Counter[str] = Counter()
    if ctx.profiles_values:
        rows = await ctx.read(
            ACTIVITY,
            "schema.profile_sample" if sample else "schema.profile_scan",
            profile_query(source, "n"),
            {**params, **aggregate_parameters(sample.sample_size if sample else count)},
        )
        for row in fold_shapes(rows, ("k", "t")):
            key = row["k"]
            if key is None:
                read_count = int(row["c"])
            else:
                holders[key] += int(row["c"])
                key_types.setdefault(key, set()).add(normalise_value_type(row["t"]))
                stats.setdefault(key, ValueStats()).add_row(row)
    elif ctx.caps.value_type:
        # properties() reads each node's property chain once (`n[k]` per key would walk it
        # again for every key), and grouping by (key, type) is ~25% cheaper on the server
        # than collect(DISTINCT type) per key.
        rows = await ctx.read(
            ACTIVITY,
            "schema.sample" if sample else "schema.scan",
            f"{source} WITH properties(n) AS p UNWIND [null] + keys(p) AS k "
            "RETURN k, CASE WHEN k IS NULL THEN null ELSE valueType(p[k]) END AS t, "
            "count(*) AS c",
            params,
        )
        for row in rows:
            key = row["k"]
            if key is None:
                read_count = int(row["c"])
            else:
                holders[key] += int(row["c"])
                key_types.setdefault(key, set()).add(normalise_value_type(row["t"]))
    else:
        # One row per node: typed as it arrives, never all held (a label of millions of
        # nodes would otherwise hold every property map at once).
        def fold(row: dict[str, Any]) -> None:
            for key, value in row["p"].items():
                key_types.setdefault(key, set()).add(python_value_type(value))
                holders[key] += 1

        read_count = await ctx.read_each(
            ACTIVITY,
            "schema.legacy_sample" if sample else "schema.legacy_scan",
            f"{source} RETURN properties(n) AS p",
            fold,
            params,
        )
    return read_count, key_types, holders


@dataclass
class ValueRead:
    """The entities value statistics were read from: how many, and the Cypher binding them."""

    read: int
    source: str
    params: dict[str, object]


def _takes_builtins(ctx: RunContext, count: int) -> bool:
    """Whether an exactly read label or type takes types from the builtin procedures."""
    return not ctx.profiles_values or not profiled_in_full(ctx.options, count)


async def _attach_profiles(
    ctx: RunContext,
    properties: list[Property],
    stats: dict[str, ValueStats],
    profiled: ValueRead,
    entity: str,
) -> None:
    """Profiles per the values policy; under 'examples', top values of low-cardinality keys
    (one more read of the same entities, only for those keys)."""
    source, params = profiled.source, profiled.params
    policy = ctx.options.values
    if policy == "none":
        return
    if policy == "examples":
        keys = [
            k
            for k, s in stats.items()
            if 0 < s.distinct <= TOP_VALUES_MAX_DISTINCT and s.distinct < s.holders
        ]
        if keys:
            rows = await ctx.read(
                ACTIVITY,
                "schema.top_values",
                top_values_query(source, entity),
                {**params, "top_keys": keys},
            )
            for row in rows:
                stats[row["k"]].top[(display_value(row["v"]), normalise_value_type(row["t"]))] += (
                    int(row["c"])
                )
    for prop in properties:
        if prop.name in stats and ctx.profiles_left > 0:
            ctx.profiles_left -= 1
            value_stats = stats[prop.name]
            prop.profile = value_stats.profile(
                profiled.read, value_stats.provenance or prop.provenance, policy
            )
