"""Bounded reads of many labels (or relationship types) in a fixed number of queries.

A sampled run reads each label's sample and each type's sample. One query per label and
per type made the run cost ~60 round trips at 21 labels, each paying planning and a trip,
and grow with the schema. Here every bounded read (a spread sample, or a label or type no
larger than the sample, read whole) becomes one branch of a UNION ALL:

    MATCH (n:`A`) WHERE <hash> < $b0_hash_below WITH n ORDER BY rand() LIMIT $b0_sample_limit
    WITH properties(n) AS p UNWIND [null] + keys(p) AS k ... RETURN 0 AS branch, k, t, c, ...
    UNION ALL
    MATCH (n:`B`) ... RETURN 1 AS branch, k, t, c, ...

Static, escaped labels keep each branch on the token lookup index (NodeByLabelScan,
or the element-id seek), as EXPLAIN shows on 5.26 and 2026.08; dynamic labels `:$(l)` with
UNWIND plan an AllNodesScan on 5.26.19, so they are not used. Each branch's parameters
carry its number (`b0_`, `b1_`, ...: cypher.prefix_parameters), so the text depends only
on the labels and the kind of sample each gets: repeated runs on an unchanged database hit
the server's plan cache.

Neo4j Community runs a query on one thread, so the branches are split into `groups` queries
per kind (labels, types), balanced by the sampler's cost model: groups =
concurrency.batch_groups(the run's concurrency) = max(2, concurrency // 2), so labels and
types together fill the run's query slots (2 per kind on a 2-core server, 8 per kind at
the auto cap of 16). Queries per run: `groups` per kind up to groups x MAX_BRANCHES labels
(or types), then one more per MAX_BRANCHES (the query text and its planning stay modest on
schemas with thousands of labels). Never more queries than labels (types): the count
depends on the run's concurrency, not on the number of labels below that bound.

Each label's rows come back tagged with its branch and are folded exactly as its own query's
rows were, so properties, types, fill rates, value statistics and patterns, and their
provenance, are what the per-label reads gave.

Exact runs batch their value samples the same way (value_sample_rows): a label or type above
value_profile.EXACT_PROFILE_MAX gets its types and fill rates from full scans, one query
each, and its value statistics from a spread sample (value_sample.py). One query per such
sample cost ~30 round trips and plannings at 1M nodes; as branches of `groups` queries per
kind they cost a few. The full scans themselves stay one query each: several long scans in
one query would run one after another on one server thread.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from ..cypher import prefix_parameters, subquery
from ..graph_client import Row
from .builtin_schema import reads_everything
from .concurrency import MIN_GROUPS, batch_groups
from .context import PRIORITY_SHARED, RunContext
from .label_sets import NODE_LABELS, SET_COLUMNS, NodeRead
from .readings import Reading
from .sampling import (
    HASH_MULTIPLIER,
    HASH_PRIME,
    SCAN_COST_US,
    SEEK_COST_US,
    IdSample,
    Kind,
    Sample,
    node_source,
    relationship_source,
)
from .value_profile import (
    ValueStats,
    aggregate_parameters,
    aggregates,
    bind_values,
    example_aggregates,
    fold_shapes,
    histogram_rate,
)
from .value_types import normalise_value_type

GROUPS = MIN_GROUPS  # queries per kind at the least (the default concurrency of 4)
MAX_BRANCHES = 64
# Reading one sampled entity's properties and aggregating them (us; 200k benchmark graph):
# with the value statistics ~57 us (7 us per property, most of it the string checks),
# types and fill rates only ~9 us. The part of a branch's cost the sampler does not change.
READ_COST_US = {True: 57.0, False: 9.0}


def batched(ctx: RunContext, reading: Reading) -> bool:
    """Whether a label or type is read in a batch: its read is bounded (a sample, or whole
    but no larger than the sample), on a server with valueType(). Exact mode's full scans
    stay one query each: batching them would put several long scans on one server thread."""
    if not ctx.caps.value_type or ctx.options.mode == "exact":
        return False
    return reading.population <= ctx.options.sample_size or not reading.exact


@dataclass(frozen=True)
class _Branch:
    name: str
    count: int
    sample: Sample | None
    cost: float


def _cost(ctx: RunContext, count: int, sample: Sample | None, kind: Kind) -> float:
    """The branch's estimated server time (us), to balance the groups."""
    if isinstance(sample, IdSample):
        find = sample.count * SEEK_COST_US[kind]
    else:
        find = count * SCAN_COST_US[kind]
    read = (sample.sample_size if sample else count) * READ_COST_US[ctx.profiles_values]
    return find + read


def partition(branches: Sequence[_Branch], wanted: int = GROUPS) -> list[list[_Branch]]:
    """Branches into `wanted` query groups of balanced cost (greedy, largest first; more
    when a group would exceed MAX_BRANCHES, fewer when there are fewer branches), each group
    in name order. Deterministic for the same branches and `wanted`, so the query texts
    repeat across runs."""
    groups_n = max(wanted, math.ceil(len(branches) / MAX_BRANCHES))
    groups_n = min(groups_n, len(branches))
    if groups_n == 0:
        return []
    groups: list[list[_Branch]] = [[] for _ in range(groups_n)]
    loads = [0.0] * groups_n
    for branch in sorted(branches, key=lambda b: (-b.cost, b.name)):
        # The lightest group that still has room.
        open_groups = [i for i in range(groups_n) if len(groups[i]) < MAX_BRANCHES]
        i = min(open_groups, key=lambda g: (loads[g], g))
        groups[i].append(branch)
        loads[i] += branch.cost
    return [sorted(g, key=lambda b: b.name) for g in groups if g]


# --------------------------------------------------------------------------- labels


@dataclass
class LabelRead:
    """What one label's branch read: entities, value types and holders per key, and value
    statistics per key when the run profiles values."""

    read: int
    key_types: dict[str, set[str]]
    holders: Counter[str]
    stats: dict[str, ValueStats]
    node_read: NodeRead


async def label_read(ctx: RunContext, activity: str, label: str) -> LabelRead:
    """The label's share of the run's batched label reads (started on first call)."""
    plan = await ctx.shared("batch:labels", lambda: _plan_labels(ctx, activity))
    index = plan[label]
    results: dict[str, LabelRead] = await ctx.shared(f"batch:labels:{index}", _never)
    return results[label]


async def _never() -> Any:
    raise AssertionError("batch groups are started by their plan")


def _start_groups(
    ctx: RunContext,
    kind: str,
    branches: list[_Branch],
    read_group: Callable[[list[_Branch]], Awaitable[Any]],
) -> dict[str, int]:
    """Partition the branches into groups, start each group's read as the run's shared
    "batch:<kind>:<index>" task, and return each label's (type's) group index."""
    plan: dict[str, int] = {}
    for index, group in enumerate(partition(branches, batch_groups(ctx.concurrency))):
        for branch in group:
            plan[branch.name] = index
        ctx.prefetch(f"batch:{kind}:{index}", partial(read_group, group))
    return plan


async def _plan_labels(ctx: RunContext, activity: str) -> dict[str, int]:
    branches = [
        _Branch(name, count, sample, _cost(ctx, count, sample, "nodes"))
        for name, count in sorted(ctx.sizes.labels.items())
        for reading in [ctx.reading_of_label(name)]
        if batched(ctx, reading)
        for sample in [ctx.sample_of(reading)]
    ]
    return _start_groups(ctx, "labels", branches, partial(_read_label_group, ctx, activity))


def _union(
    ctx: RunContext,
    group: list[_Branch],
    source_of: Any,
    returned: str,
    dynamic: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """One CALL subquery whose UNION ALL branches bind each label's (type's) sample, tagged
    with its branch number (parameters renamed apart by prefix_parameters); the reading and
    aggregating after it is planned once. For labels on a server that scans dynamic
    labels, the fixed text of _dynamic_union instead (`dynamic`: its MATCH pattern, the
    label `$(x.name)`). Types keep their static union: 2026.08.1 plans a hashed draw of
    `()-[r:$(x.name)]->()` (with or without its ends) as an AllNodesScan and expand."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    if ctx.caps.dynamic_label_scans and dynamic is not None:
        union, params = _dynamic_union(ctx, group, source_of, returned, dynamic)
        parts.append(union)
    for i, branch in enumerate(group if not parts else []):
        source, own = source_of(branch)
        prefix = f"b{i}_"
        parts.append(prefix_parameters(f"{source} RETURN {i} AS branch, {returned}", own, prefix))
        params.update({prefix + k: v for k, v in own.items()})
    if ctx.profiles_values:
        params.update(aggregate_parameters(ctx.options.sample_size))
        params["hist_rates"] = [
            histogram_rate(b.sample.sample_size if b.sample else b.count) for b in group
        ]
    return subquery(" UNION ALL ".join(parts), scoped=ctx.caps.scoped_subqueries), params


# How a branch draws its entities, by its sample's parameters (sampling.node_source and
# relationship_source): read whole, by id seeks, by a hash of the id, at random. Each is one
# UNWIND of the dynamic union, its rows the branches drawn that way.
_DRAWINGS = {
    "batch_whole": "",
    "batch_seek": "WHERE elementId({v}) IN [i IN range(0, x.seek_count - 1) | "
    "x.id_prefix + toString((x.seek_offset + i * x.seek_step) % x.seek_high)]",
    "batch_hashed": f"WHERE ((toInteger(substring(elementId({{v}}), x.id_prefix_length)) "
    f"% {HASH_PRIME}) * {HASH_MULTIPLIER} + x.hash_offset) % {HASH_PRIME} < x.hash_below",
    "batch_random": f"WHERE rand() * {HASH_PRIME} < x.hash_below",
}


def _drawing(own: dict[str, Any]) -> str:
    if "seek_count" in own:
        return "batch_seek"
    if "hash_offset" in own:
        return "batch_hashed"
    return "batch_random" if "hash_below" in own else "batch_whole"


def _dynamic_union(
    ctx: RunContext, group: list[_Branch], source_of: Any, returned: str, pattern: str
) -> tuple[str, dict[str, Any]]:
    """The label group as one text that does not depend on its labels nor on how each is
    drawn: a branch is a row of the UNWIND for its drawing, its label a dynamic label
    `$(x.name)`. The server plans it once per kind and run (issue 28: on a cleared cache the
    static union's planning took longer than its execution), and the same plan serves
    every group, database and run. The sample's LIMIT cannot name a row's field, so the
    shuffled hits are collected and sliced (the same k of them)."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in _DRAWINGS}
    for i, branch in enumerate(group):
        _, own = source_of(branch)
        rows[_drawing(own)].append({**own, "name": branch.name, "branch": i})
    shuffled = "WITH n ORDER BY rand() WITH collect(n)[..x.sample_limit] AS hits UNWIND hits AS n "
    parts = []
    for name, where in _DRAWINGS.items():
        body = f"MATCH {pattern} {where.format(v='n')} {shuffled if where else ''}RETURN n"
        call = (
            f"CALL (x) {{ {body} }}" if ctx.caps.scoped_subqueries else f"CALL {{ WITH x {body} }}"
        )
        parts.append(f"UNWIND ${name} AS x {call} RETURN x.branch AS branch, {returned}")
    return " UNION ALL ".join(parts), dict(rows)


def label_profile_tail(with_values: bool, *, examples: bool = True, label_sets: bool = True) -> str:
    """What follows a label group's union (binding `branch, n`) when the run profiles
    values: rows per (branch, key, type, shape), for value_profile.fold_shapes. Without
    `examples` no example entities are collected: an exact run's findings take theirs from
    the whole label (quality_examples.py), not from the sample its statistics came from. With
    `label_sets` the rows carry the nodes' label sets (label_sets.py: SET_COLUMNS)."""
    collected = f", {example_aggregates('n', with_values)}" if examples else ""
    labels, carried, sets = (
        (f", {NODE_LABELS}", "branch, n, nl, k", f", {SET_COLUMNS}")
        if label_sets
        else ("", "branch, n, k", "")
    )
    return (
        f"WITH branch, n{labels}, properties(n) AS p UNWIND [null] + keys(p) AS k "
        f"{bind_values(carried)} RETURN branch, k, "
        f"CASE WHEN k IS NULL THEN null ELSE valueType(v) END AS t{sets}, shape, "
        f"count(*) AS c, {aggregates('$hist_rates[branch]')}{collected}"
    )


def type_profile_tail(with_values: bool) -> str:
    """What follows a type group's union (binding `branch, a, r, b`) when the run profiles
    values: rows per (branch, start labels, end labels, key, type, shape)."""
    return (
        f"{_TYPE_HEAD} WITH branch, r, s, e, p, k {bind_values('branch, r, s, e, k')} "
        "RETURN branch, s, e, k, CASE WHEN k IS NULL THEN null ELSE valueType(v) END AS t, "
        f"shape, count(*) AS c, {aggregates('$hist_rates[branch]')}, "
        f"{example_aggregates('r', with_values)}"
    )


_TYPE_HEAD = (
    "WITH branch, r, labels(a) AS s, labels(b) AS e, properties(r) AS p "
    "UNWIND [null] + keys(p) AS k"
)


async def _read_label_group(
    ctx: RunContext, activity: str, group: list[_Branch]
) -> dict[str, LabelRead]:
    profiles = ctx.profiles_values
    union, params = _union(
        ctx, group, lambda b: node_source(b.name, b.sample), "n", "(n:$(x.name))"
    )
    if profiles:
        tail = label_profile_tail(ctx.options.values == "examples")
    else:
        tail = (
            f"WITH branch, {NODE_LABELS}, properties(n) AS p UNWIND [null] + keys(p) AS k "
            "RETURN branch, k, "
            "CASE WHEN k IS NULL THEN null ELSE valueType(p[k]) END AS t, "
            f"{SET_COLUMNS}, count(*) AS c"
        )
    rows = await ctx.read(
        activity,
        "schema.batch_profiles" if profiles else "schema.batch",
        f"{union} {tail}",
        params,
    )
    if profiles:
        rows = fold_shapes(rows, ("branch", "k", "t", "ls"))
    out = {
        b.name: LabelRead(0, {}, Counter(), {}, NodeRead(b.name, whole=b.sample is None))
        for b in group
    }
    for row in rows:
        entry = out[group[int(row["branch"])].name]
        key = row["k"]
        c = int(row["c"])
        if key is None:
            entry.read += c
            entry.node_read.read += c
            entry.node_read.add_sets(row["ls"], c)
            continue
        value_type = normalise_value_type(row["t"])
        entry.holders[key] += c
        entry.key_types.setdefault(key, set()).add(value_type)
        entry.node_read.add_key(key, value_type, row["ms"], int(row["mc"] or 0))
        if profiles:
            entry.stats.setdefault(key, ValueStats()).add_row(row)
    return out


# --------------------------------------------------------------------------- types


async def type_rows(ctx: RunContext, activity: str, rel_type: str) -> list[Row]:
    """The type's share of the run's batched type reads (started on first call): its rows
    per (start labels, end labels, key, type), for type_reading.TypeReading.add. Rows, not
    a filled TypeReading, so this module needs nothing from type_reading (no import cycle)."""
    plan = await ctx.shared("batch:types", lambda: _plan_types(ctx, activity))
    index = plan[rel_type]
    results: dict[str, list[Row]] = await ctx.shared(f"batch:types:{index}", _never)
    return results[rel_type]


async def _plan_types(ctx: RunContext, activity: str) -> dict[str, int]:
    branches = [
        _Branch(name, count, sample, _cost(ctx, count, sample, "relationships"))
        for name, count in sorted(ctx.sizes.types.items())
        for reading in [ctx.reading_of_type(name)]
        if batched(ctx, reading)
        for sample in [ctx.sample_of(reading)]
    ]
    return _start_groups(ctx, "types", branches, partial(_read_type_group, ctx, activity))


async def _read_type_group(
    ctx: RunContext, activity: str, group: list[_Branch]
) -> dict[str, list[Row]]:
    profiles = ctx.profiles_values
    union, params = _union(
        ctx,
        group,
        lambda b: relationship_source(b.name, b.sample, with_ends=True),
        "a, r, b",
    )
    head = _TYPE_HEAD
    if profiles:
        tail = type_profile_tail(ctx.options.values == "examples")
    else:
        tail = (
            f"{head} RETURN branch, s, e, k, "
            "CASE WHEN k IS NULL THEN null ELSE valueType(p[k]) END AS t, count(*) AS c"
        )
    rows = await ctx.read(
        activity,
        "type.batch_profiles" if profiles else "type.batch",
        f"{union} {tail}",
        params,
    )
    if profiles:
        rows = fold_shapes(rows, ("branch", "s", "e", "k", "t"))
    out: dict[str, list[Row]] = {b.name: [] for b in group}
    for row in rows:
        out[group[int(row["branch"])].name].append(row)
    return out


# --------------------------------------------------------------------------- exact value samples

ValueSampleKind = Literal["label", "relationship_type"]


def samples_values(ctx: RunContext, reading: Reading) -> bool:
    """Whether an exactly read label or type takes its types from the builtin procedures
    and its value statistics from a spread sample (value_sample.py): the condition
    schema.py and type_reading.py read it under."""
    return ctx.profiles_values and reading.profile is not None and reads_everything(ctx)


def value_sample(
    ctx: RunContext, kind: ValueSampleKind, name: str, count: int | None = None
) -> Sample:
    """The spread sample a label's or type's value statistics are read from (its reading's
    profile sample). count: the subject's size where the caller has it; the planned
    reading's, which decides."""
    reading = ctx.reading_of(kind, name)
    sample = ctx.profile_sample_of(reading)
    assert sample is not None, "only a subject read whole and profiled by sample has one"
    assert count is None or count == reading.population, (name, count, reading.population)
    return sample


async def value_sample_rows(
    ctx: RunContext, activity: str, kind: ValueSampleKind, name: str
) -> list[Row]:
    """The label's (type's) share of the run's batched value samples, started on first
    call: its rows per (key, type), folded by value_profile.fold_shapes; the row with
    k = null counts the entities read."""
    plan = await ctx.shared(
        f"batch:value_samples:{kind}", lambda: _plan_value_samples(ctx, activity, kind)
    )
    index = plan[name]
    results: dict[str, list[Row]] = await ctx.shared(f"batch:value_samples:{kind}:{index}", _never)
    return results[name]


async def _plan_value_samples(
    ctx: RunContext, activity: str, kind: ValueSampleKind
) -> dict[str, int]:
    counts = ctx.sizes.labels if kind == "label" else ctx.sizes.types
    cost_kind: Kind = "nodes" if kind == "label" else "relationships"
    branches = [
        _Branch(name, count, sample, _cost(ctx, count, sample, cost_kind))
        for name, count in sorted(counts.items())
        # A type read whole in a batch carries its statistics (type_reading.py checks first).
        for reading in [ctx.reading_of(kind, name)]
        if samples_values(ctx, reading) and (kind == "label" or not batched(ctx, reading))
        for sample in [value_sample(ctx, kind, name)]
    ]
    return _start_groups(
        ctx,
        f"value_samples:{kind}",
        branches,
        partial(_read_value_sample_group, ctx, activity, kind),
    )


async def _read_value_sample_group(
    ctx: RunContext, activity: str, kind: ValueSampleKind, group: list[_Branch]
) -> dict[str, list[Row]]:
    if kind == "label":
        union, params = _union(
            ctx, group, lambda b: node_source(b.name, b.sample), "n", "(n:$(x.name))"
        )
    else:
        # Bound to `n` so one tail serves both kinds; no end nodes are read, as the
        # statistics do not depend on them (grouping by end labels would split each key's
        # rows and make its distinct count approximate).
        union, params = _union(
            ctx,
            group,
            lambda b: relationship_source(b.name, b.sample),
            "r AS n",
        )
    tail = label_profile_tail(False, examples=False, label_sets=False)
    # Ahead of the key and type scans waiting for a slot: the exact key counts start
    # from these samples (value_sample.py), and scanning alongside the long procedure scans
    # instead of after them shortens the run's tail.
    rows = await ctx.read(
        activity, f"value_sample.{kind}s", f"{union} {tail}", params, priority=PRIORITY_SHARED
    )
    out: dict[str, list[Row]] = {b.name: [] for b in group}
    for row in fold_shapes(rows, ("branch", "k", "t")):
        out[group[int(row["branch"])].name].append(row)
    return out


__all__ = [
    "GROUPS",
    "MAX_BRANCHES",
    "LabelRead",
    "ValueSampleKind",
    "batched",
    "label_profile_tail",
    "label_read",
    "samples_values",
    "type_profile_tail",
    "type_rows",
    "value_sample",
    "value_sample_rows",
]
