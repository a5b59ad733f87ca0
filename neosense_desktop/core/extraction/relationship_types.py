"""Activity relationship_types: every type, its count, and its patterns verified on data.

Patterns are never the count store's cross product (db.schema.visualization() links every
start label to every end label of a type and can invent patterns). Provenance per pattern:

- exact (type planned exact): the run's one scan of the type (type_reading.py, shared
  with schema) groups its relationships by (labels(start), labels(end)); each counts once
  under every (start label, end label) pair of its end nodes, null for an unlabeled node.
  Provenance "scan".
- sampled: the type's spread sample (same shared reading) gives the pairs that really
  occur. Each pair's count is then
  * exact from the count store when an equality of O(1) counts proves it: if every
    relationship of T ends at B, each start label A has exactly (:A)-[:T]->() of them to B
    (and the other way round). Provenance "count_store".
  * exact, `MATCH (:A)-[:T]->(:B) RETURN count(*)`, when mode is auto and the count store
    says that query is affordable (the smaller side under exact_threshold). "scan".
  * otherwise an estimate, type count x the pair's share of the sample, clamped to the
    count-store upper bound min((:A)-[:T]->(), ()-[:T]->(:B)). Provenance "sample" with the
    sample size; `upper_bound` carries the bound.
  Then the pairs the sample missed: with GRAPH COUNTS (the whole count store in one call,
  admin accounts) every (start label x end label) candidate whose smaller side has at most
  PROBE_MAX_RELATIONSHIPS relationships is counted exactly in one query per type, so rare
  patterns are found too; patterns with an unlabeled end are counted exactly from the
  unlabeled nodes (one scan of the node ids per run, up to planning.UNLABELED_SCAN_*
  nodes, shown in the plan; above that they come from the samples and a note names the
  types left unsure). Labels the count store says start or end the type but no pattern
  covers are named in the notes.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterable

from ..cypher import escape_name, subquery
from ..errors import NeoSenseError
from ..report import Pattern, Provenance, RelationshipType, Report
from .context import ActivityProgress, RunContext
from .pattern_counts import (
    Pair,
    patterns_implied_by_counts,
    prefetch_unlabeled_ends,
    type_end_counts,
    unlabeled_end_types,
    unlabeled_ends,
)
from .shared_reads import current_type_counts
from .type_reading import TypeReading, read_type

log = logging.getLogger(__name__)

ACTIVITY = "relationship_types"
# A candidate pair the sample missed is counted exactly when the smaller of its count-store
# sides has at most this many relationships (~30 ms of expansion on the benchmark server).
PROBE_MAX_RELATIONSHIPS = 100_000
MAX_CANDIDATES_PER_TYPE = 32
PAIRS_PER_QUERY = 32


def expand_pairs(start_labels: list[str], end_labels: list[str]) -> Iterable[Pair]:
    """Every (start label, end label) pair of one relationship; None for an unlabeled node."""
    starts: list[str | None] = list(start_labels) if start_labels else [None]
    ends: list[str | None] = list(end_labels) if end_labels else [None]
    for s in starts:
        for e in ends:
            yield s, e


async def run_relationship_types(ctx: RunContext, out: Report, progress: ActivityProgress) -> None:
    types = ctx.sizes.types
    progress.start(len(types) + 1, "reading relationship type counts")
    # Sampled types complete their patterns with it and exact ones derive theirs from the
    # count store plus it: start the scan before the samples queue up.
    prefetch_unlabeled_ends(ctx, ACTIVITY)
    counts = await current_type_counts(ctx, ACTIVITY)
    progress.advance("type counts read", types=len(types))
    unused = sorted(t for t, c in counts.items() if c == 0)
    if unused:
        out.notes.append(
            "Relationship type tokens without relationships (not listed): " + ", ".join(unused)
        )
    entries: dict[str, RelationshipType] = {}
    for name in sorted(counts):
        if counts[name] > 0:
            entries[name] = RelationshipType(
                name=name, count=counts[name], count_provenance=Provenance(method="count_store")
            )
    out.relationship_types.extend(entries.values())

    errors: list[NeoSenseError] = []
    patterns_found = 0

    async def one(entry: RelationshipType) -> None:
        nonlocal patterns_found
        try:
            reading = await read_type(ctx, ACTIVITY, entry.name, entry.count)
            if reading.sample is None:
                entry.patterns = (
                    _sorted_patterns(reading.patterns)
                    if reading.patterns is not None
                    else _exact_patterns(reading)
                )
            else:
                entry.patterns = await _sampled_patterns(ctx, out, entry, reading)
        except NeoSenseError as exc:
            errors.append(exc.with_context(subject=f"[:{entry.name}]"))
        patterns_found += len(entry.patterns)
        progress.advance(f"patterns of [:{entry.name}]", types=len(types), patterns=patterns_found)

    await asyncio.gather(*(one(e) for e in entries.values()))
    await _note_unlabeled_unknown(ctx, out)
    if errors:
        raise errors[0]


async def _note_unlabeled_unknown(ctx: RunContext, out: Report) -> None:
    """Say what the run left unknown when it did not scan for unlabeled ends."""
    if await unlabeled_ends(ctx, ACTIVITY) is not None:
        return
    possible = await unlabeled_end_types(ctx, ACTIVITY)
    which = (
        "the count store cannot rule them out for "
        + ", ".join(f"[:{t}]" for t in possible[:20])
        + (f" and {len(possible) - 20} more" if len(possible) > 20 else "")
        if possible
        else "the count store could not be read whole to rule them out"
    )
    out.notes.append(
        f"Patterns with an unlabeled start or end node were not counted: that needs a scan "
        f"of every node id, skipped at {ctx.sizes.node_count:,} nodes in {ctx.options.mode} "
        "mode. Those the type samples met are listed as estimates; a rare one may be "
        f"missing; {which}. Run in exact mode to count them."
    )


def _pairs(reading: TypeReading) -> Counter[Pair]:
    counter: Counter[Pair] = Counter()
    for (starts, ends), c in reading.ends.items():
        for pair in expand_pairs(list(starts), list(ends)):
            counter[pair] += c
    return counter


def _exact_patterns(reading: TypeReading) -> list[Pattern]:
    return _sorted_patterns(
        Pattern(start=s, end=e, count=c, provenance=Provenance(method="scan"))
        for (s, e), c in _pairs(reading).items()
    )


async def _sampled_patterns(
    ctx: RunContext, out: Report, entry: RelationshipType, reading: TypeReading
) -> list[Pattern]:
    sample_size = reading.read
    seen = _pairs(reading)
    seen_labels = {x for pair in seen for x in pair if x is not None}
    starts, ends, complete = await type_end_counts(ctx, ACTIVITY, entry.name, seen_labels)
    derived = patterns_implied_by_counts(entry.count, starts, ends)
    # Counted exactly, all in one batch: pairs the sample met that auto mode can afford,
    # and the candidate pairs (a label that starts the type x a label that ends it) the
    # sample missed whose smaller side is small.
    affordable = [
        (s, e)
        for s, e in seen
        if s is not None
        and e is not None
        and (s, e) not in derived
        and _affordable(ctx, s, e, starts, ends)
    ]
    candidates = [
        (s, e)
        for s in sorted(starts)
        for e in sorted(ends)
        if complete
        and (s, e) not in seen
        and (s, e) not in derived
        and min(starts[s], ends[e]) <= PROBE_MAX_RELATIONSHIPS
    ][:MAX_CANDIDATES_PER_TYPE]
    exact = await _count_pairs(ctx, entry.name, affordable + candidates)

    patterns: dict[Pair, Pattern] = {}
    for (s, e), hits in seen.items():
        if (s, e) in derived:
            patterns[(s, e)] = derived[(s, e)]
        elif (s, e) in exact:
            patterns[(s, e)] = _scanned(s, e, exact[(s, e)])
        else:
            bound = _bound(s, e, starts, ends)
            estimate = round(entry.count * hits / sample_size) if sample_size else 0
            if bound is not None:
                estimate = min(estimate, bound)
            patterns[(s, e)] = Pattern(
                start=s,
                end=e,
                count=max(estimate, 1),  # seen in the sample, so at least one exists
                provenance=Provenance(method="sample", sample_size=sample_size),
                upper_bound=bound,
            )
    # What the sample missed: pairs the count store proves, pairs with an unlabeled end
    # (counted exactly from the unlabeled nodes' side), candidates that exist.
    for pair, pattern in derived.items():
        patterns.setdefault(pair, pattern)
    unlabeled = await unlabeled_ends(ctx, ACTIVITY) or {}
    for (s, e), c in unlabeled.get(entry.name, {}).items():
        patterns[(s, e)] = _scanned(s, e, c)
    for s, e in candidates:
        if exact[(s, e)] > 0:
            patterns[(s, e)] = _scanned(s, e, exact[(s, e)])
    if complete:
        _note_uncovered(out, entry.name, patterns, set(starts), set(ends))
    else:
        end_labels = await ctx.shared("type_end_labels", lambda: _type_end_labels(ctx))
        known = end_labels.get(entry.name)
        if known is not None:
            _note_uncovered(out, entry.name, patterns, *known)
    return _sorted_patterns(patterns.values())


def _scanned(start: str | None, end: str | None, count: int) -> Pattern:
    return Pattern(start=start, end=end, count=count, provenance=Provenance(method="scan"))


def _affordable(
    ctx: RunContext, start: str, end: str, starts: dict[str, int], ends: dict[str, int]
) -> bool:
    """Auto mode counts a sampled pair exactly when the planner's cheaper side, a label's
    nodes plus their T relationships, stays under exact_threshold."""
    if ctx.options.mode != "auto":
        return False
    labels = ctx.sizes.labels
    cost_from_start = labels.get(start, 0) + starts.get(start, 0)
    cost_from_end = labels.get(end, 0) + ends.get(end, 0)
    return min(cost_from_start, cost_from_end) < ctx.options.exact_threshold


def _bound(
    s: str | None, e: str | None, starts: dict[str, int], ends: dict[str, int]
) -> int | None:
    if s is not None and e is not None:
        return min(starts.get(s, 0), ends.get(e, 0))
    if s is not None:
        return starts.get(s, 0)
    if e is not None:
        return ends.get(e, 0)
    return None


async def _count_pairs(
    ctx: RunContext, rel_type: str, pairs: list[tuple[str, str]]
) -> dict[Pair, int]:
    """Exact counts of (:A)-[:T]->(:B) per pair, PAIRS_PER_QUERY pairs per query."""
    t = escape_name(rel_type)
    counts: dict[Pair, int] = {}
    for start in range(0, len(pairs), PAIRS_PER_QUERY):
        chunk = pairs[start : start + PAIRS_PER_QUERY]
        calls = " ".join(
            subquery(
                f"MATCH (:{escape_name(s)})-[:{t}]->(:{escape_name(e)}) RETURN count(*) AS c{i}",
                scoped=ctx.caps.scoped_subqueries,
            )
            for i, (s, e) in enumerate(chunk)
        )
        columns = ", ".join(f"c{i}" for i in range(len(chunk)))
        rows = await ctx.read(ACTIVITY, "patterns.pair_counts", f"{calls} RETURN {columns}")
        row = rows[0] if rows else {}
        counts.update({pair: int(row.get(f"c{i}") or 0) for i, pair in enumerate(chunk)})
    return counts


async def _type_end_labels(ctx: RunContext) -> dict[str, tuple[set[str], set[str]]]:
    """Per type, the labels the count store says start it and end it (O(1)).

    db.schema.visualization() is count-store based: it links every start label of a type to
    every end label, so its pairs can be false, but its start and end label SETS are exact,
    which is what the coverage check needs. Unavailable (permissions): no coverage notes.
    """
    try:
        rows = await ctx.read(
            ACTIVITY,
            "schema_visualization",
            "CALL db.schema.visualization() YIELD relationships RETURN relationships",
        )
    except NeoSenseError:
        return {}
    out: dict[str, tuple[set[str], set[str]]] = {}
    for row in rows:
        for start, rel_type, end in row["relationships"]:
            starts, ends = out.setdefault(str(rel_type), (set(), set()))
            if isinstance(start, dict) and start.get("name"):
                starts.add(str(start["name"]))
            if isinstance(end, dict) and end.get("name"):
                ends.add(str(end["name"]))
    return out


def _note_uncovered(
    out: Report, rel_type: str, covered: Iterable[Pair], starts: set[str], ends: set[str]
) -> None:
    pairs = list(covered)
    missing_starts = sorted(starts - {s for s, _ in pairs if s is not None})
    missing_ends = sorted(ends - {e for _, e in pairs if e is not None})
    if missing_starts or missing_ends:
        parts = []
        if missing_starts:
            parts.append("start labels " + ", ".join(missing_starts))
        if missing_ends:
            parts.append("end labels " + ", ".join(missing_ends))
        out.notes.append(
            f"[:{rel_type}]: the count store shows relationships at "
            + " and ".join(parts)
            + " that the sample did not reach; their patterns are missing (rare patterns). "
            "Run in exact mode to list every pattern."
        )


def _sorted_patterns(patterns: Iterable[Pattern]) -> list[Pattern]:
    return sorted(patterns, key=lambda p: (-p.count, p.start or "", p.end or ""))
