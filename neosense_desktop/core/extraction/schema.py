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
from dataclasses import dataclass, field
from typing import Any

from ..errors import NeoSenseError
from ..report import Label, Property, Provenance, RelationshipType, Report
from .batch_reading import batched, label_read, samples_values
from .builtin_schema import builtin_node_schema, prefetch_builtins, takes_builtins
from .context import ActivityProgress, RunContext
from .label_sets import (
    NODE_LABELS,
    SET_COLUMNS,
    NodeRead,
    keys_seen_on,
    merge_seen_keys,
)
from .readings import Reading
from .sample_limits import sample_limit
from .sampling import Sample, node_source, relationship_source
from .type_reading import TypeReading, read_type
from .value_profile import (
    TOP_VALUES_MAX_DISTINCT,
    ValueStats,
    aggregate_parameters,
    display_value,
    fold_shapes,
    profile_query,
    top_values_query,
)
from .value_sample import sampled_stats
from .value_types import normalise_value_type, observed_properties, python_value_type

ACTIVITY = "schema"

LEGACY_NOTE = (
    "This server has no valueType() (Neo4j before 5.13): property types were derived on the "
    "client from the values read, with the same type names."
)


async def run_schema(ctx: RunContext, out: Report, progress: ActivityProgress) -> None:
    labels = ctx.sizes.labels
    types = ctx.sizes.types
    progress.start(len(labels) + len(types), "reading properties")
    if not ctx.caps.value_type:
        out.notes.append(LEGACY_NOTE)
    # The builtin procedures give types but no values: a label or type small enough to be
    # profiled in full is read through the valueType query that carries the statistics;
    # a bigger one takes the builtin path and its statistics from a sample (value_sample.py).
    if any(
        takes_builtins(ctx, r)
        for r in (
            *(ctx.reading_of_label(n) for n in labels),
            *(ctx.reading_of_type(n) for n in types),
        )
    ):  # the two whole-store scans go first; key counts overlap them
        prefetch_builtins(ctx, ACTIVITY)
    run = _SchemaRun(ctx, out, progress)
    await asyncio.gather(
        *(_one_label(run, n, c) for n, c in labels.items()),
        *(_one_type(run, n, c) for n, c in types.items()),
    )
    _share_seen_keys(ctx, out.labels)
    out.labels.sort(key=lambda x: x.name)
    out.relationship_types.sort(key=lambda x: x.name)
    if run.errors:
        raise run.errors[0]


@dataclass
class _SchemaRun:
    """What the label and type reads of one schema activity share: where they write, and
    the errors and property count they add up."""

    ctx: RunContext
    out: Report
    progress: ActivityProgress
    errors: list[NeoSenseError] = field(default_factory=list)
    properties: int = 0

    def done(self, subject: str, properties: int) -> None:
        self.properties += properties
        self.progress.advance(f"properties of {subject}", properties=self.properties)


async def _one_label(run: _SchemaRun, name: str, count: int) -> None:
    ctx = run.ctx
    entry = Label(name=name, count=count, count_provenance=Provenance(method="count_store"))
    run.out.labels.append(entry)
    try:
        label = await read_label(ctx, name, count)
        found, stats = label.keys, label.stats
        ctx.node_reads[name] = found.node_read
        entry.properties = observed_properties(
            found.read, found.key_types, found.holders, label.sample is not None
        )
        if label.sample is not None:
            entry.sample_limit = sample_limit(found.read, count)
        if stats:
            await _attach_profiles(ctx, entry.properties, stats, label.profiled, "n")
            ctx.value_stats[("label", name)] = stats
    except NeoSenseError as exc:
        run.errors.append(exc.with_context(subject=f"(:{name})"))
    run.done(f"(:{name})", len(entry.properties))


@dataclass
class LabelReading:
    """What the run's read of one label found."""

    sample: Sample | None  # None: every node of the label was read
    keys: NodeKeys
    stats: dict[str, ValueStats]
    profiled: ValueRead  # what the value statistics were read from


async def read_label(ctx: RunContext, name: str, count: int) -> LabelReading:
    """The run's read of one label, by the path the schema activity takes (_read_label);
    the plan warm-up (plan_warmup.py) reads through it too."""
    reading = ctx.reading_of_label(name)
    sample = ctx.sample_of(reading)
    source, params = node_source(name, sample)
    whole = ValueRead(read=0, source=source, params=params)
    return LabelReading(sample, *await _read_label(ctx, name, count, reading, sample, whole))


async def _read_label(
    ctx: RunContext,
    name: str,
    count: int,
    reading: Reading,
    sample: Sample | None,
    whole: ValueRead,
) -> tuple[NodeKeys, dict[str, ValueStats], ValueRead]:
    """The label's keys, types and holders, its value statistics, and what those were read
    from, by the first path that applies: the builtin procedures (with a value sample), the
    run's batched reads, else a query of its own over `whole` (the entities the reading
    binds)."""
    found: NodeKeys | None = None
    stats: dict[str, ValueStats] = {}
    profiled = whole
    if sample is None and takes_builtins(ctx, reading):
        found, stats, profiled = await _read_label_with_builtins(ctx, name, count, reading, whole)
    if found is None and batched(ctx, reading):
        batch = await label_read(ctx, ACTIVITY, name)
        found = NodeKeys(batch.read, batch.key_types, batch.holders, batch.node_read)
        stats = batch.stats
        profiled = ValueRead(read=batch.read, source=whole.source, params=whole.params)
    if found is None:
        found = await _node_properties(ctx, name, whole.source, whole.params, sample, count, stats)
        profiled = ValueRead(read=found.read, source=whole.source, params=whole.params)
    return found, stats, profiled


async def _read_label_with_builtins(
    ctx: RunContext, name: str, count: int, reading: Reading, whole: ValueRead
) -> tuple[NodeKeys | None, dict[str, ValueStats], ValueRead]:
    """Types from the builtin procedure, fill rates from a keys() count, and value
    statistics from the label's value sample when it has one, read while the procedure
    scans. No keys (None) when the procedure cannot answer; the sample is then unused."""
    # The batch of value samples planned exactly these labels (one predicate).
    if not samples_values(ctx, reading):
        return await _node_keys_with_builtin_types(ctx, name, whole.source), {}, whole
    found, sampled = await asyncio.gather(
        _node_keys_with_builtin_types(ctx, name, whole.source),
        sampled_stats(ctx, ACTIVITY, "label", name, count),
    )
    if found is None:
        return None, {}, whole
    return found, sampled.stats, ValueRead(sampled.read, sampled.source, sampled.params)


async def _one_type(run: _SchemaRun, name: str, count: int) -> None:
    ctx = run.ctx
    entry = RelationshipType(
        name=name, count=count, count_provenance=Provenance(method="count_store")
    )
    run.out.relationship_types.append(entry)
    try:
        reading = await read_type(ctx, ACTIVITY, name, count)
        entry.properties = observed_properties(
            reading.read, reading.key_types, reading.key_holders, reading.sample is not None
        )
        if reading.sample is not None:
            entry.sample_limit = sample_limit(reading.read, count)
        if reading.value_stats:
            profiled = _type_value_read(name, reading)
            await _attach_profiles(ctx, entry.properties, reading.value_stats, profiled, "r")
            ctx.value_stats[("relationship_type", name)] = reading.value_stats
    except NeoSenseError as exc:
        run.errors.append(exc.with_context(subject=f"[:{name}]"))
    run.done(f"[:{name}]", len(entry.properties))


def _type_value_read(name: str, reading: TypeReading) -> ValueRead:
    """What a type's value statistics were read from: its value sample, else its reading."""
    if reading.value_sample is not None:
        return ValueRead(
            reading.value_sample.read, reading.value_sample.source, reading.value_sample.params
        )
    source, params = relationship_source(name, reading.sample)
    return ValueRead(reading.read, source, params)


@dataclass
class NodeKeys:
    """What one label's read saw: nodes read, value types and holders per key, and the
    label sets of its nodes (label_sets.py)."""

    read: int
    key_types: dict[str, set[str]]
    holders: Counter[str]
    node_read: NodeRead


def _share_seen_keys(ctx: RunContext, labels: list[Label]) -> None:
    """Every sampled label gets the keys and types other labels' reads saw on its nodes
    (label_sets.keys_seen_on): a key a read saw is never missing from any of its labels."""
    reads = list(ctx.node_reads.values())
    for entry in labels:
        own = ctx.node_reads.get(entry.name)
        if own is None or own.whole:
            continue  # a whole read saw every node of the label; a failed one, nothing
        seen = keys_seen_on(entry.name, reads)
        if seen:
            entry.properties = merge_seen_keys(
                entry.properties,
                seen,
                entry.count,
                Provenance(method="sample", sample_size=own.read),
            )


async def _node_keys_with_builtin_types(
    ctx: RunContext, label: str, source: str
) -> NodeKeys | None:
    """Fill rates from a keys() count, types from db.schema.nodeTypeProperties().

    Counting keys is ~3x cheaper than typing every value, and runs while the procedure
    scans. None (use the valueType scan) when the procedure is unavailable or does not
    know a key the count found (a write in between).
    """
    rows, builtin = await asyncio.gather(
        ctx.read(
            ACTIVITY,
            "schema.key_scan",
            f"{source} WITH n, {NODE_LABELS} UNWIND [null] + keys(n) AS k "
            "RETURN k, CASE WHEN k IS NULL THEN nl END AS ls, count(*) AS c",
        ),
        builtin_node_schema(ctx, ACTIVITY),
    )
    if builtin is None:
        return None
    known = builtin.get(label, {})
    found = NodeKeys(0, {}, Counter(), NodeRead(label, whole=True))
    for row in rows:
        key = row["k"]
        if key is None:
            found.read += int(row["c"])
            found.node_read.add_sets(row["ls"], int(row["c"]))
        elif key in known and known[key].types:
            found.holders[key] = int(row["c"])
            found.key_types[key] = set(known[key].types)
        else:
            return None
    found.node_read.read = found.read
    return found


async def _node_properties(
    ctx: RunContext,
    label: str,
    source: str,
    params: dict[str, object],
    sample: Sample | None,
    count: int,
    stats: dict[str, ValueStats],
) -> NodeKeys:
    """(nodes read, value types per key, holders per key, label sets) of the nodes `source`
    binds; with ctx.profiles_values, each key's value statistics go into `stats`."""
    found = NodeKeys(0, {}, Counter(), NodeRead(label, whole=sample is None))
    key_types, holders, node_read = found.key_types, found.holders, found.node_read
    if ctx.profiles_values or ctx.caps.value_type:
        if ctx.profiles_values:
            rows = await ctx.read(
                ACTIVITY,
                "schema.profile_sample" if sample else "schema.profile_scan",
                profile_query(source, "n", NODE_LABELS, SET_COLUMNS),
                {**params, **aggregate_parameters(sample.sample_size if sample else count)},
            )
            rows = fold_shapes(rows, ("k", "t", "ls"))
        else:
            # properties() reads each node's property chain once (`n[k]` per key would
            # walk it again for every key), and grouping by (key, type) is ~25% cheaper on
            # the server than collect(DISTINCT type) per key.
            rows = await ctx.read(
                ACTIVITY,
                "schema.sample" if sample else "schema.scan",
                f"{source} WITH properties(n) AS p, {NODE_LABELS} "
                "UNWIND [null] + keys(p) AS k "
                "RETURN k, CASE WHEN k IS NULL THEN null ELSE valueType(p[k]) END AS t, "
                f"{SET_COLUMNS}, count(*) AS c",
                params,
            )
        for row in rows:
            key, c = row["k"], int(row["c"])
            if key is None:
                found.read += c
                node_read.add_sets(row["ls"], c)
                continue
            value_type = normalise_value_type(row["t"])
            holders[key] += c
            key_types.setdefault(key, set()).add(value_type)
            node_read.add_key(key, value_type, row["ms"], int(row["mc"] or 0))
            if ctx.profiles_values:
                stats.setdefault(key, ValueStats()).add_row(row)
    else:
        # One row per node: typed as it arrives, never all held (a label of millions of
        # nodes would otherwise hold every property map at once).
        # Label sets as they come (a tuple per node, sorted once per set at the end): the
        # stream is paced by this function.
        sets: Counter[tuple[str, ...]] = Counter()

        def fold(row: dict[str, Any]) -> None:
            labels = row["l"]  # null unless the node has several (NODE_LABELS)
            sets[tuple(labels) if labels else ()] += 1
            for key, value in row["p"].items():
                value_type = python_value_type(value)
                key_types.setdefault(key, set()).add(value_type)
                holders[key] += 1
                if labels:
                    node_read.add_key(key, value_type, [labels], 1)

        found.read = await ctx.read_each(
            ACTIVITY,
            "schema.legacy_sample" if sample else "schema.legacy_scan",
            f"{source} WITH n, {NODE_LABELS} RETURN properties(n) AS p, nl AS l",
            fold,
            params,
        )
        for labels, nodes in sets.items():
            node_read.add_sets(labels, nodes)
    node_read.read = found.read
    return found


@dataclass
class ValueRead:
    """The entities value statistics were read from: how many, and the Cypher binding them."""

    read: int
    source: str
    params: dict[str, object]


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
