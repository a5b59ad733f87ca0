"""What the count store (and the few unlabeled nodes) say about a type's patterns.

The count store knows, per type, how many relationships start at each label and end at
each label, never which start label goes with which end label. Two facts still follow
exactly from O(1) counts:
- if every relationship of T ends at label B (()-[:T]->(:B) equals T's count), each start
  label A has exactly (:A)-[:T]->() of them to B; symmetric for a start label;
- if moreover B is T's only end label, those pairs plus the ones from unlabeled start
  nodes are ALL of T's patterns, with exact counts, without reading a relationship.
Patterns with an unlabeled end are invisible to the count store (it counts by label);
they are counted from the unlabeled nodes' side in one query per run, which scans every
node id: skipped when the count store proves every end labeled (unlabeled_end_types), and
above planning.UNLABELED_SCAN_* nodes (2M in sampled mode), where the report says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..report import Pattern, Provenance
from .context import PRIORITY_LONG_SCAN, RunContext
from .count_store import count_type_ends
from .planning import unlabeled_scan_planned
from .shared_reads import shared_graph_counts

Pair = tuple[str | None, str | None]
LabelCounts = dict[str, int]

# Without GRAPH COUNTS, start/end counts of every label are read per type (2 x labels O(1)
# counts in one query) up to this many labels.
FALLBACK_ALL_LABELS = 50


async def type_end_counts(
    ctx: RunContext, activity: str, rel_type: str, seen_labels: Iterable[str] = ()
) -> tuple[LabelCounts, LabelCounts, bool]:
    """(starts, ends, complete): relationships of the type per start / end label.

    complete: every label at either end is listed. Without GRAPH COUNTS (read-only
    accounts) and with more than FALLBACK_ALL_LABELS labels, only `seen_labels` are counted.
    """
    graph = await shared_graph_counts(ctx, activity)
    if graph is not None:
        return dict(graph.starts.get(rel_type, {})), dict(graph.ends.get(rel_type, {})), True
    labels = sorted(ctx.sizes.labels)
    complete = len(labels) <= FALLBACK_ALL_LABELS
    if not complete:
        labels = sorted(set(seen_labels))
    starts, ends = await count_type_ends(
        lambda name, cypher, p: ctx.read(activity, name, cypher, p),
        rel_type,
        labels,
        scoped=ctx.caps.scoped_subqueries,
    )
    return (
        {k: v for k, v in starts.items() if v > 0},
        {k: v for k, v in ends.items() if v > 0},
        complete,
    )


def patterns_implied_by_counts(
    total: int, starts: LabelCounts, ends: LabelCounts
) -> dict[Pair, Pattern]:
    """Pairs an equality of O(1) counts proves, with exact counts (see module doc)."""
    found: dict[Pair, Pattern] = {}
    for end, n in ends.items():
        if n == total:
            for start, c in starts.items():
                if c > 0:
                    found[(start, end)] = _counted(start, end, c)
    for start, n in starts.items():
        if n == total:
            for end, c in ends.items():
                if c > 0:
                    found[(start, end)] = _counted(start, end, c)
    return found


def all_patterns_from_counts(
    total: int,
    starts: LabelCounts,
    ends: LabelCounts,
    complete: bool,
    unlabeled: Counter[Pair] | None,
) -> list[Pattern] | None:
    """Every pattern of the type, exactly, when the counts determine them; else None."""
    if not complete or unlabeled is None or total <= 0:
        return None
    single_end = len(ends) == 1 and next(iter(ends.values())) == total
    single_start = len(starts) == 1 and next(iter(starts.values())) == total
    if not (single_end or single_start):
        return None
    found = patterns_implied_by_counts(total, starts, ends)
    patterns = list(found.values())
    for (s, e), c in unlabeled.items():
        patterns.append(Pattern(start=s, end=e, count=c, provenance=Provenance(method="scan")))
    return patterns


async def unlabeled_ends(ctx: RunContext, activity: str) -> dict[str, Counter[Pair]] | None:
    """Per type, exact counts of the patterns with an unlabeled end; None when skipped."""
    return await ctx.shared("unlabeled_ends", lambda: _unlabeled_ends(ctx, activity))


def prefetch_unlabeled_ends(ctx: RunContext, activity: str) -> None:
    ctx.prefetch("unlabeled_ends", lambda: _unlabeled_ends(ctx, activity))


async def _unlabeled_ends(ctx: RunContext, activity: str) -> dict[str, Counter[Pair]] | None:
    possible = await unlabeled_end_types(ctx, activity)
    if possible is not None and not possible:
        return {}  # the count store proves every relationship has labeled ends: no scan
    if not unlabeled_scan_planned(ctx.options, ctx.sizes.node_count):
        # Left unknown (planning.UNLABELED_SCAN_*): the type samples are all there is, and
        # relationship_types notes which types may have more.
        return None
    rows = await ctx.read(
        activity,
        "patterns.unlabeled",
        "MATCH (a) WHERE isEmpty(labels(a)) CALL (a) { "
        "MATCH (a)-[r]->(b) RETURN type(r) AS t, true AS outgoing, labels(b) AS other "
        "UNION ALL "
        "MATCH (a)<-[r]-(b) WHERE NOT isEmpty(labels(b)) "  # unlabeled-unlabeled: once
        "RETURN type(r) AS t, false AS outgoing, labels(b) AS other "
        "} RETURN t, outgoing, other, count(*) AS c",
        priority=PRIORITY_LONG_SCAN,
    )
    out: dict[str, Counter[Pair]] = {}
    for row in rows:
        counter = out.setdefault(str(row["t"]), Counter())
        others: list[str | None] = list(row["other"]) or [None]
        for other in others:
            counter[(None, other) if row["outgoing"] else (other, None)] += int(row["c"])
    return out


async def unlabeled_end_types(ctx: RunContext, activity: str) -> list[str] | None:
    """Types that may have a relationship with an unlabeled start or end node; None when
    the count store cannot be read whole (GRAPH COUNTS needs admin rights).

    O(1): a type whose relationships all start at one label (that label's start count
    equals the type's count) has no unlabeled start, and the same for ends. Any other type
    may have some (labels overlap, so the per-label counts cannot prove it).
    """
    graph = await shared_graph_counts(ctx, activity)
    if graph is None:
        return None
    possible = []
    for rel_type, total in sorted(ctx.sizes.types.items()):
        starts = graph.starts.get(rel_type, {})
        ends = graph.ends.get(rel_type, {})
        if not (
            any(c == total for c in starts.values()) and any(c == total for c in ends.values())
        ):
            possible.append(rel_type)
    return possible


def _counted(start: str, end: str, count: int) -> Pattern:
    return Pattern(start=start, end=end, count=count, provenance=Provenance(method="count_store"))
