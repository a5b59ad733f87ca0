"""Sizes from the count store, then the plan: exact or sampled per label and type, with cost.

Every query here is O(1): tokens from the token store, counts from the count store (a bare
count() over one label or one type, no WHERE; EXPLAIN shows NodeCountFromCountStore /
RelationshipCountFromCountStore).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..cypher import escape_name, subquery
from ..errors import NeoSenseError
from ..graph_client import Row
from ..report import PlanItem
from ..wording import duration_text
from .context import PRIORITY_SHARED, RunContext, Sizes
from .options import RunOptions
from .readings import Reading, Readings, decide_readings
from .sample_limits import sample_limit
from .sampling import Kind, seek_ids_needed
from .value_profile import profile_sample_size

log = logging.getLogger(__name__)

ReadFn = Callable[[str, str, Mapping[str, Any] | None], Awaitable[list[Row]]]

# Branches per UNION ALL count query: large enough to keep round trips few, small enough to
# keep the query text and its planning time modest on databases with thousands of labels.
COUNT_BATCH = 100
# Patterns with an unlabeled end are invisible to the count store; counting them reads every
# node id once (~0.25 s per million nodes on the 2-core benchmark server) and then only the
# unlabeled nodes' relationships. Exact and auto runs do it up to UNLABELED_SCAN_MAX_NODES,
# sampled runs only up to UNLABELED_SCAN_SAMPLED_MAX_NODES (about half a second): above it
# a sampled run's cost would grow with the graph (the scan was half of a 10M-node run), so
# those patterns come from the type samples and a note says what is left unknown.
UNLABELED_SCAN_MAX_NODES = 20_000_000
UNLABELED_SCAN_SAMPLED_MAX_NODES = 2_000_000
UNLABELED_SCAN_US_PER_NODE = 0.25


def unlabeled_scan_planned(options: RunOptions, node_count: int) -> bool:
    """Whether the run scans every node id for patterns with an unlabeled end."""
    most = (
        UNLABELED_SCAN_SAMPLED_MAX_NODES if options.mode == "sampled" else UNLABELED_SCAN_MAX_NODES
    )
    return node_count <= most


def _chunks(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


async def count_store_counts(
    read: ReadFn, query_name: str, patterns: Sequence[str], *, scoped: bool
) -> list[int]:
    """count(*) of each MATCH pattern, from the count store, in few round trips.

    Each count sits alone in its own CALL subquery with a bare `RETURN count(*)`: only that
    shape is answered by NodeCountFromCountStore / RelationshipCountFromCountStore. Adding
    any other column to the RETURN (e.g. the label's name) silently turns it into a label
    scan, and a pattern naming a label without a token would then return no row at all.
    """
    counts: list[int] = []
    for chunk in _chunks(list(patterns), COUNT_BATCH):
        calls = " ".join(
            subquery(f"MATCH {pattern} RETURN count(*) AS c{i}", scoped=scoped)
            for i, pattern in enumerate(chunk)
        )
        columns = ", ".join(f"c{i}" for i in range(len(chunk)))
        rows = await read(query_name, f"{calls} RETURN {columns}", None)
        row = rows[0] if rows else {}
        counts.extend(int(row.get(f"c{i}") or 0) for i in range(len(chunk)))
    return counts


async def count_labels(read: ReadFn, labels: Sequence[str], *, scoped: bool) -> dict[str, int]:
    """Node count per label, from the count store."""
    names = list(labels)
    patterns = [f"(:{escape_name(label)})" for label in names]
    return dict(
        zip(
            names,
            await count_store_counts(read, "count_store.labels", patterns, scoped=scoped),
            strict=True,
        )
    )


async def count_types(read: ReadFn, types: Sequence[str], *, scoped: bool) -> dict[str, int]:
    """Relationship count per type, from the count store."""
    names = list(types)
    patterns = [f"()-[:{escape_name(t)}]->()" for t in names]
    return dict(
        zip(
            names,
            await count_store_counts(read, "count_store.types", patterns, scoped=scoped),
            strict=True,
        )
    )


async def count_type_ends(
    read: ReadFn, rel_type: str, labels: Sequence[str], *, scoped: bool
) -> tuple[dict[str, int], dict[str, int]]:
    """For one type: per label, relationships starting at it and ending at it (count store)."""
    t = escape_name(rel_type)
    names = list(labels)
    patterns = [f"(:{escape_name(label)})-[:{t}]->()" for label in names] + [
        f"()-[:{t}]->(:{escape_name(label)})" for label in names
    ]
    counts = await count_store_counts(read, "count_store.type_ends", patterns, scoped=scoped)
    starts = dict(zip(names, counts[: len(names)], strict=True))
    ends = dict(zip(names, counts[len(names) :], strict=True))
    return starts, ends


@dataclass
class GraphCounts:
    """The whole count store from one db.stats.retrieve('GRAPH COUNTS') call."""

    node_count: int = 0
    relationship_count: int = 0
    label_counts: dict[str, int] = field(default_factory=dict)
    type_counts: dict[str, int] = field(default_factory=dict)
    # type -> label -> relationships of the type starting (ending) at a node with the label
    starts: dict[str, dict[str, int]] = field(default_factory=dict)
    ends: dict[str, dict[str, int]] = field(default_factory=dict)


async def graph_counts(read: ReadFn) -> GraphCounts | None:
    """Every count-store count in one O(1) call, or None when the account may not call it.

    It needs admin rights (read-only accounts fall back to per-label count queries). One
    call instead of ~2 x labels x types count subqueries also saves their planning, which
    dominates on a cold server (3-4 s for the 21-label count query at 1M nodes).
    """
    try:
        rows = await read(
            "count_store.graph_counts",
            "CALL db.stats.retrieve('GRAPH COUNTS') YIELD data "
            "RETURN data.nodes AS nodes, data.relationships AS relationships",
            None,
        )
    except NeoSenseError as exc:
        log.info("GRAPH COUNTS unavailable (%s); using count queries", exc.code)
        return None
    counts = GraphCounts()
    for row in rows:
        for item in row.get("nodes") or []:
            if item.get("label") is None:
                counts.node_count = int(item["count"])
            else:
                counts.label_counts[str(item["label"])] = int(item["count"])
        for item in row.get("relationships") or []:
            rel_type, c = item.get("relationshipType"), int(item["count"])
            if rel_type is None:
                if item.get("startLabel") is None and item.get("endLabel") is None:
                    counts.relationship_count = c
            elif item.get("startLabel") is not None:
                counts.starts.setdefault(str(rel_type), {})[str(item["startLabel"])] = c
            elif item.get("endLabel") is not None:
                counts.ends.setdefault(str(rel_type), {})[str(item["endLabel"])] = c
            else:
                counts.type_counts[str(rel_type)] = c
    return counts


ID_PROBE_FACTORS = (0.5, 0.9, 1.0, 1.02, 1.05, 1.1, 1.25, 1.5, 2, 3, 5, 10, 30, 100)
ID_REFINE_PROBES = 512
ID_DENSITY_CHECKS = 2000
GOLDEN = 0.6180339887498949  # spreads i * GOLDEN mod 1 evenly over [0, 1)
ID_BEYOND_CHECKS = 8000  # ids the server builds, ~4 ms of seeks


_ELEMENT_ID = re.compile(r"(.*\D)(\d+)", re.S)
# Per kind: the variable and the pattern binding it, in every id-space read.
_ID_MATCH = {"nodes": ("n", "(n)"), "relationships": ("r", "()-[r]->()")}
# The numeric id of an element id, its prefix ($prefix_length characters) cut off.
_ID_NUMBER = "toInteger(substring(elementId({v}), $prefix_length))"


async def probe_id_space(
    read: ReadFn, kind: Kind, sample_size: int | None = None
) -> tuple[int, str | None]:
    """(one past the highest id in use, the element-id prefix); (0, None) if unknown,
    and 0 for a scattered id space in which no sample of `sample_size` would be drawn by
    seeks (None: any size, the space is always followed up).

    Two round trips (a read more per round where live ids lie above every probe:
    _live_ids_above_the_probes), the first alongside the sizing reads (read_sizes): it counts
    the entities (O(1), the count store), reads one element id and, with the prefix the
    server cuts from it (everything before the last ':'), seeks the first spread of
    candidate ids, computed from the count as _id_probes does; the second refines the
    highest hit and checks the id density at once (_refine_id_high). A layout the server's
    cut does not match (element ids are documented as opaque) falls back to probe_id_high
    with the client's prefix, a round trip more.
    """
    var, pattern = _ID_MATCH[kind]
    first = pattern.replace(var, "x")
    rows = await read(
        f"id_space.{kind}",
        f"MATCH {first} WITH count(x) AS c "
        f"MATCH {pattern} WITH c, elementId({var}) AS e LIMIT 1 "
        "WITH c, e, left(e, size(e) - size(last(split(e, ':')))) AS prefix "
        f"OPTIONAL MATCH {first} WHERE elementId(x) IN "
        "[f IN $factors | prefix + toString(toInteger(c * f))] + [prefix + toString(c - 1)] "
        "RETURN c, e, prefix, max(toInteger(substring(elementId(x), size(prefix)))) AS high",
        {"factors": list(ID_PROBE_FACTORS)},
    )
    if not rows or not rows[0]["c"]:
        return 0, None
    count = int(rows[0]["c"])
    match = _ELEMENT_ID.fullmatch(str(rows[0]["e"]))
    if match is None:
        log.info("element ids of %s have an unknown layout: sampling without id seeks", kind)
        return 0, None
    prefix = match.group(1)
    if prefix != rows[0]["prefix"]:  # not "<...>:<number>": the probes sought other ids
        return await probe_id_high(read, kind, count, prefix, sample_size), prefix
    hit = rows[0]["high"]
    probes = _id_probes(count)
    return await _refine_id_high(read, kind, count, prefix, probes, hit, sample_size), prefix


def _id_probes(count: int) -> list[int]:
    return sorted({max(0, int(count * f)) for f in ID_PROBE_FACTORS} | {count - 1})


def _id_query(kind: Kind, returned: str) -> str:
    var, pattern = _ID_MATCH[kind]
    return f"MATCH {pattern} WHERE elementId({var}) IN $ids RETURN {returned.format(v=var)}"


async def probe_id_high(
    read: ReadFn, kind: Kind, count: int, prefix: str, sample_size: int | None = None
) -> int:
    """One past the highest id in use (0 if unknown), from three O(1)-sized id seeks, the
    last two at once.

    Random-id sampling needs the id space. Ids are dense after an import and reused after
    deletes, so the highest id is near the count; probe a spread of candidates above it,
    then refine between the highest hit and the next miss. Error <= (gap / 512) ids, which
    only shaves a sliver off the top of the id space from the sampling. The ids are sought
    as element ids (prefix + id), since id() is deprecated.
    """
    if count <= 0:
        return 0
    probes = _id_probes(count)
    rows = await read(
        f"id_space.{kind}",
        _id_query(kind, f"max({_ID_NUMBER}) AS high"),
        {"ids": [f"{prefix}{i}" for i in probes], "prefix_length": len(prefix)},
    )
    hit = rows[0]["high"] if rows else None
    return await _refine_id_high(read, kind, count, prefix, probes, hit, sample_size)


async def _refine_id_high(
    read: ReadFn,
    kind: Kind,
    count: int,
    prefix: str,
    probes: list[int],
    hit: int | None,
    sample_size: int | None,
) -> int:
    """One past the highest id in use, or 0 (unknown: the samplers use the hashed scan),
    from the highest of the probes that hit, in two reads at once:

    - refine: ID_REFINE_PROBES ids evenly between that hit and `bound`, the next probe
      (a miss): the highest that hits is the top, exactly where ids are dense;
    - check: random ids below `bound` must hit about count/bound of the time (else
      random-id sampling would come back short or empty); and ID_BEYOND_CHECKS ids from
      the hit up to twice the highest probe, spread evenly on a log scale and built by the
      server (beyond_ids), for live ids no probe saw. Ids freed by deletes and not reused
      yet leave live ids scattered above gaps: one above the refined top sends the search
      up from there (_live_ids_above_the_probes, a read or more). A block of live ids is
      always found; ids scattered thinly, each with a chance of about
      ID_BEYOND_CHECKS / (id x ln(top / hit)): a sample may leave out a few of those.
    """
    high = int(hit) if hit is not None else count - 1
    above = [p for p in probes if p > high]
    bound = above[0] if above else high + 1

    def params(ids: list[int]) -> dict[str, Any]:
        return {"ids": [f"{prefix}{i}" for i in ids], "prefix_length": len(prefix)}

    async def refined() -> int:
        # A step that spans the whole gap in ID_REFINE_PROBES ids (rounded down, the last
        # stretch of the gap went unprobed: up to half of it).
        step = max(1, math.ceil((bound - high - 1) / ID_REFINE_PROBES))
        refine = list(range(high + 1, bound, step))
        if not refine:
            return high
        rows = await read(
            f"id_space.{kind}", _id_query(kind, f"max({_ID_NUMBER}) AS high"), params(refine)
        )
        return max(high, int(rows[0]["high"])) if rows and rows[0]["high"] is not None else high

    top_hit, (dense, far_top) = await asyncio.gather(
        refined(),
        _check_ids(read, kind, prefix, count, high + 1, 2 * max(probes[-1] + 1, bound), bound),
    )
    if far_top is not None and far_top > top_hit:
        # Live ids the refinement stepped over or no probe reached: not a dense store,
        # and the density below `bound` says nothing then; the next round checks it.
        if (
            sample_size is not None
            and seek_ids_needed(count, sample_size, far_top + 1, kind) is None
        ):
            # Even a sample of the whole kind, at the smallest size, would be drawn by the
            # hashed scan at this density (a higher top only lowers it): the rounds that
            # find the top would change no sample (~10-50 ms of a thinned store's plan).
            log.info("%s ids too sparse for id seeks: sampling by hashed scan", kind)
            return 0
        return await _live_ids_above_the_probes(read, kind, count, prefix, far_top)
    if dense is False:
        return 0
    return top_hit + 1


async def _check_ids(
    read: ReadFn, kind: Kind, prefix: str, count: int, low: int, top: int, below: int
) -> tuple[bool | None, int | None]:
    """One read: do random ids below `below` hit about count/below of the time (None if
    too few would hit to tell), and the highest live id among ID_BEYOND_CHECKS ids from
    `low` up to `top`, spread evenly on a log scale and built by the server (beyond_ids)."""
    var, pattern = _ID_MATCH[kind]
    checks = min(below, ID_DENSITY_CHECKS)
    expected = checks * count / below
    density_ids = (
        random.Random(f"{kind}:{count}:{below}").sample(range(below), checks)
        if expected >= 10
        else []
    )
    far = (
        "[i IN range(0, $far_count - 1) | $id_prefix + toString(toInteger("
        f"$low * exp($log_span * ((i * {GOLDEN!r}) % 1.0))))]"
    )
    rows = await read(
        f"id_space.{kind}",
        f"MATCH {pattern} WHERE elementId({var}) IN $ids "
        f"RETURN count({var}) AS hits, null AS far_top "
        "UNION ALL "
        f"MATCH {pattern} WHERE elementId({var}) IN {far} "
        f"RETURN 0 AS hits, max({_ID_NUMBER.format(v=var)}) AS far_top",
        {
            "ids": [f"{prefix}{i}" for i in density_ids],
            "prefix_length": len(prefix),
            "low": low,
            "far_count": ID_BEYOND_CHECKS,
            "log_span": math.log(top / low),
            "id_prefix": prefix,
        },
    )
    hits = sum(int(r["hits"]) for r in rows)
    tops = [int(r["far_top"]) for r in rows if r["far_top"] is not None]
    return (hits >= expected / 2 if density_ids else None), (max(tops) if tops else None)


ID_EXTRA_ROUNDS = 3
ID_EXTRA_SPAN = 4  # each extra round looks from its low id up to this many times it
ID_TOP_MARGIN = 5  # sought ids per live id above the highest hit, to cover the real top


async def _live_ids_above_the_probes(
    read: ReadFn, kind: Kind, count: int, prefix: str, far_top: int
) -> int:
    """One past the highest id in use when live ids lie above every probe, or 0 (unknown).

    A store whose deletes freed most ids, not reused yet, keeps its live ids scattered up
    to where its highest ids were: the count says nothing of that top. Each round (one
    read) seeks ID_BEYOND_CHECKS ids from just above the highest live id found so far up to
    ID_EXTRA_SPAN times it, on a log scale, and checks the density below it. A round whose
    highest hit lies in the upper half of its span (log scale) says the ids may go on:
    another round starts there, up to ID_EXTRA_ROUNDS; after the last, unknown. Else the
    top is that hit plus a margin for live ids between the sought ones. Lone ids above it
    that no seek met are left out of the samples; each is met with a chance of about
    ID_BEYOND_CHECKS / (id x ln ID_EXTRA_SPAN) per round. Ids more than 200x the count (2 x
    the highest probe) above every live id a seek meets stay unseen: no O(1) read gives
    the highest id in use.
    """
    for _ in range(ID_EXTRA_ROUNDS):
        low = far_top + 1
        top = ID_EXTRA_SPAN * low
        dense, higher = await _check_ids(read, kind, prefix, count, low, top, low)
        if dense is False:
            return 0
        log_span = math.log(top / low)
        if higher is None or higher < low * math.exp(log_span / 2):
            # The sought ids just above the highest live one met missed, but so would a
            # live id among them with a chance of 1 - density: the top lies within a few
            # sought ids per live one of it. ID_TOP_MARGIN of those leaves out the last
            # live ids with a chance of about e^-ID_TOP_MARGIN, for a few % more ids to draw.
            last = far_top if higher is None else max(far_top, higher)
            spacing = last * log_span / ID_BEYOND_CHECKS
            density = min(1.0, count / low)
            return min(top, last + 1 + math.ceil(ID_TOP_MARGIN * spacing / density))
        far_top = higher
    log.info("live %s ids far above the probed id space: sampling without id seeks", kind)
    return 0


def beyond_ids(low: int, log_span: float, n: int = ID_BEYOND_CHECKS) -> list[int]:
    """The far ids _refine_id_high seeks, as its Cypher builds them on the server (up to
    the last bit of exp(): tests/core answer it from this list)."""
    return [int(low * math.exp(log_span * ((i * GOLDEN) % 1.0))) for i in range(n)]


async def read_sizes(
    read: ReadFn,
    *,
    scoped: bool,
    sample_size: int | None,
    on_counts: Callable[[Sizes], None] | None = None,
) -> Sizes:
    """Tokens and counts: labels, types, property keys, totals, id spaces. All O(1).

    Independent reads run concurrently (one session each from the driver's pool): the
    sizing is latency-bound, not server-bound. on_counts gets the sizes as soon as the
    counts are known, before the id spaces are probed (their fields are still 0/None).
    sample_size: the run's smallest sample (None: any); an id space too sparse for it to
    be drawn by seeks is left unknown rather than probed further.
    """
    # The id spaces' first reads go out with these (probe_id_space counts for itself).
    ids = asyncio.gather(
        probe_id_space(read, "nodes", sample_size),
        probe_id_space(read, "relationships", sample_size),
    )
    try:
        label_rows, type_rows, key_rows, totals, counts = await asyncio.gather(
            read("tokens.labels", "CALL db.labels() YIELD label", None),
            read("tokens.types", "CALL db.relationshipTypes() YIELD relationshipType", None),
            read("tokens.property_keys", "CALL db.propertyKeys() YIELD propertyKey", None),
            read(
                "count_store.totals",
                subquery("MATCH (n) RETURN count(n) AS nodes", scoped=scoped)
                + " "
                + subquery("MATCH ()-[r]->() RETURN count(r) AS relationships", scoped=scoped)
                + " RETURN nodes, relationships",
                None,
            ),
            graph_counts(read),
        )
        labels = [r["label"] for r in label_rows]
        types = [r["relationshipType"] for r in type_rows]
        label_counts, type_counts = await asyncio.gather(
            _known(counts.label_counts) if counts else count_labels(read, labels, scoped=scoped),
            _known(counts.type_counts) if counts else count_types(read, types, scoped=scoped),
        )
        sizes = Sizes(
            node_count=int(totals[0]["nodes"]) if totals else 0,
            relationship_count=int(totals[0]["relationships"]) if totals else 0,
            label_counts={name: label_counts.get(name, 0) for name in sorted(labels)},
            type_counts={name: type_counts.get(name, 0) for name in sorted(types)},
            property_keys=sorted(r["propertyKey"] for r in key_rows),
            graph_counts=counts,
        )
        if on_counts is not None:
            on_counts(sizes)
        (node_high, node_prefix), (rel_high, rel_prefix) = await ids
    except BaseException:
        ids.cancel()
        with contextlib.suppress(BaseException):
            await ids
        raise
    sizes.node_id_high, sizes.node_id_prefix = node_high, node_prefix
    sizes.relationship_id_high, sizes.relationship_id_prefix = rel_high, rel_prefix
    return sizes


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


async def _known(counts: dict[str, int]) -> dict[str, int]:
    return counts


def _item(activity: str, subject: str, reading: Reading) -> PlanItem:
    item = PlanItem(
        activity=activity,
        subject=subject,
        method=reading.method,
        estimated_rows=reading.rows,
        reason=reading.describe(),
    )
    if reading.exact:
        return item
    return _limited(item, reading.population, "keys" if activity == "schema" else "patterns")


def _limited(item: PlanItem, population: int, what: str) -> PlanItem:
    """A sampled item with what its sample can miss (sample_limits.py), in its reason too."""
    limit = sample_limit(item.estimated_rows, population)
    if limit is None:
        return item
    return item.model_copy(
        update={
            "sample_limit": limit,
            "reason": f"{item.reason}; {what} on fewer than {limit.missable_below:,} "
            f"({limit.missable_share:.2%}) may be unseen ({limit.confidence:.0%} confidence)",
        }
    )


def _unlabeled_item(options: RunOptions, node_count: int) -> PlanItem:
    if unlabeled_scan_planned(options, node_count):
        seconds = node_count * UNLABELED_SCAN_US_PER_NODE / 1e6
        return PlanItem(
            activity="relationship_types",
            subject="*",
            method="exact",
            estimated_rows=node_count,
            reason=f"patterns with an unlabeled end: a scan of all {node_count:,} node ids "
            f"(about {duration_text(seconds)}), then the unlabeled nodes' relationships; "
            "none when the count store proves every end labeled",
        )
    most = (
        UNLABELED_SCAN_SAMPLED_MAX_NODES if options.mode == "sampled" else UNLABELED_SCAN_MAX_NODES
    )
    return PlanItem(
        activity="relationship_types",
        subject="*",
        method="count_store",
        estimated_rows=0,
        reason="patterns with an unlabeled end: from the type samples, no scan of every node "
        f"(more than {most:,} nodes in {options.mode} mode); "
        "the report notes which types may have more",
    )


def _profiled(item: PlanItem, reading: Reading, options: RunOptions) -> PlanItem:
    """Says when an exactly read label or type gets its value statistics from a sample."""
    if reading.profile is None or "quality_and_context" not in options.activities:
        return item
    return item.model_copy(
        update={
            "reason": f"{item.reason}; value statistics (profiles and string checks) from a "
            f"spread sample of {profile_sample_size(options):,}"
        }
    )


def make_plan(
    options: RunOptions, sizes: Sizes, readings: Readings | None = None
) -> list[PlanItem]:
    """One item per unit of work, with the rows it expects to read (its cost), worded from
    the run's readings (readings.py: decided from the sizes when not given)."""
    if readings is None:
        readings = decide_readings(options, sizes)
    plan: list[PlanItem] = []
    wanted = set(options.activities)
    if "node_labels" in wanted:
        plan.append(
            PlanItem(
                activity="node_labels",
                subject="*",
                method="count_store",
                estimated_rows=len(sizes.label_counts),
                reason="label names and their counts from the count store, no scan",
            )
        )
    if "relationship_types" in wanted:
        for name in sizes.types:
            plan.append(_item("relationship_types", f"[:{name}]", readings.type(name)))
    if "relationship_types" in wanted and sizes.types:
        plan.append(_unlabeled_item(options, sizes.node_count))
    if "schema" in wanted:
        for name in sizes.labels:
            reading = readings.label(name)
            plan.append(_profiled(_item("schema", f"(:{name})", reading), reading, options))
        for name in sizes.types:
            reading = readings.type(name)
            plan.append(_profiled(_item("schema", f"[:{name}]", reading), reading, options))
    census = readings.census
    census_how = f"every one of {census.population:,} nodes" if census.exact else census.describe()
    for activity in ("quality_and_context", "statistics_and_indexes"):
        if activity in wanted:
            item = PlanItem(
                activity=activity,
                subject="*",
                method=census.method,
                estimated_rows=census.rows,
                reason=f"node census (label sets and degrees), shared by quality and "
                f"statistics: {census_how}",
            )
            plan.append(item if census.exact else _limited(item, census.population, "label sets"))
    return plan
