"""Activity relationship_types: every type, its count, and its patterns verified on data.

Patterns are never the count store's cross product (db.schema.visualization() links every
start label to every end label of a type and can invent patterns). Provenance per pattern:

- exact (type planned exact): one scan of the type's relationships groups them by
  (labels(start), labels(end)); each relationship counts once under every (start label,
  end label) pair of its end nodes, null for an unlabeled node. Provenance "scan".
- sampled: spread windows of the type's relationships give the pairs that really occur.
  Each pair's count is then
  * exact, `MATCH (:A)-[:T]->(:B) RETURN count(*)`, when mode is auto and the count store
    says that query is affordable: it expands from the smaller of (:A)-[:T]->() and
    ()-[:T]->(:B), both O(1) counts, and that side must stay under exact_threshold.
    Provenance "scan".
  * otherwise an estimate, type count x the pair's share of the sample, clamped to the
    count-store upper bound min((:A)-[:T]->(), ()-[:T]->(:B)). Provenance "sample" with the
    sample size; `upper_bound` carries the bound.
  In sampled mode nothing beyond the windows and O(1) counts is read, so a pattern rarer
  than 1 / sample size can be missed; labels the count store says start or end the type
  but no sampled pattern covers are named in the notes.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable

from ..cypher import escape_name
from ..errors import NeoSenseError
from ..report import Pattern, Provenance, RelationshipType, Report
from .context import ActivityProgress, RunContext
from .planning import count_type_ends, count_types
from .sampling import relationship_source

ACTIVITY = "relationship_types"

Pair = tuple[str | None, str | None]


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
    counts = await count_types(
        lambda name, cypher, params: ctx.read(ACTIVITY, name, cypher, params),
        list(ctx.sizes.type_counts),
    )
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
            if ctx.options.is_exact(entry.count):
                entry.patterns = await _exact_patterns(ctx, entry.name)
            else:
                entry.patterns = await _sampled_patterns(ctx, out, entry)
        except NeoSenseError as exc:
            errors.append(exc.with_context(subject=f"[:{entry.name}]"))
        patterns_found += len(entry.patterns)
        progress.advance(f"patterns of [:{entry.name}]", types=len(types), patterns=patterns_found)

    await asyncio.gather(*(one(e) for e in entries.values()))
    if errors:
        raise errors[0]


async def _exact_patterns(ctx: RunContext, rel_type: str) -> list[Pattern]:
    rows = await ctx.read(
        ACTIVITY,
        "patterns.exact",
        f"MATCH (a)-[:{escape_name(rel_type)}]->(b) "
        "RETURN labels(a) AS starts, labels(b) AS ends, count(*) AS count",
    )
    counter: Counter[Pair] = Counter()
    for row in rows:
        for pair in expand_pairs(row["starts"], row["ends"]):
            counter[pair] += int(row["count"])
    return _sorted_patterns(
        Pattern(start=s, end=e, count=c, provenance=Provenance(method="scan"))
        for (s, e), c in counter.items()
    )


async def _sampled_patterns(ctx: RunContext, out: Report, entry: RelationshipType) -> list[Pattern]:
    windows = ctx.relationship_sample(entry.name, entry.count)
    source, params = relationship_source(entry.name, windows, with_ends=True)
    rows = await ctx.read(
        ACTIVITY,
        "patterns.sample",
        f"{source} RETURN labels(a) AS starts, labels(b) AS ends, count(*) AS count",
        params,
    )
    sample_size = sum(int(r["count"]) for r in rows)
    seen: Counter[Pair] = Counter()
    for row in rows:
        for pair in expand_pairs(row["starts"], row["ends"]):
            seen[pair] += int(row["count"])
    # Count-store bounds only for the labels the sample met (a few O(1) counts).
    seen_labels = sorted({x for pair in seen for x in pair if x is not None})
    starts, ends = await count_type_ends(
        lambda name, cypher, p: ctx.read(ACTIVITY, name, cypher, p), entry.name, seen_labels
    )
    end_labels = await ctx.shared("type_end_labels", lambda: _type_end_labels(ctx))
    known = end_labels.get(entry.name)
    if known is not None:
        _note_uncovered(out, entry.name, seen, *known)

    patterns: list[Pattern] = []
    for (s, e), hits in seen.items():
        bound: int | None = None
        if s is not None and e is not None:
            bound = min(starts.get(s, 0), ends.get(e, 0))
        elif s is not None:
            bound = starts.get(s, 0)
        elif e is not None:
            bound = ends.get(e, 0)
        exact_count = await _exact_pair_count_if_affordable(ctx, entry.name, s, e, starts, ends)
        if exact_count is not None:
            pattern = Pattern(
                start=s, end=e, count=exact_count, provenance=Provenance(method="scan")
            )
        else:
            estimate = round(entry.count * hits / sample_size) if sample_size else 0
            if bound is not None:
                estimate = min(estimate, bound)
            pattern = Pattern(
                start=s,
                end=e,
                count=max(estimate, 1),  # seen in the sample, so at least one exists
                provenance=Provenance(method="sample", sample_size=sample_size),
            )
        pattern.upper_bound = bound
        patterns.append(pattern)
    return _sorted_patterns(patterns)


async def _exact_pair_count_if_affordable(
    ctx: RunContext,
    rel_type: str,
    start: str | None,
    end: str | None,
    starts: dict[str, int],
    ends: dict[str, int],
) -> int | None:
    if ctx.options.mode != "auto" or start is None or end is None:
        return None
    limit = ctx.options.exact_threshold
    label_counts = ctx.sizes.labels
    # The planner expands from one side: it reads that label's nodes and their T edges.
    cost_from_start = label_counts.get(start, 0) + starts.get(start, 0)
    cost_from_end = label_counts.get(end, 0) + ends.get(end, 0)
    if min(cost_from_start, cost_from_end) >= limit:
        return None
    rows = await ctx.read(
        ACTIVITY,
        "patterns.pair_count",
        f"MATCH (:{escape_name(start)})-[:{escape_name(rel_type)}]->(:{escape_name(end)}) "
        "RETURN count(*) AS count",
    )
    return int(rows[0]["count"]) if rows else 0


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
    out: Report, rel_type: str, seen: Counter[Pair], starts: set[str], ends: set[str]
) -> None:
    seen_starts = {s for s, _ in seen}
    seen_ends = {e for _, e in seen}
    missing_starts = sorted(starts - seen_starts)
    missing_ends = sorted(ends - seen_ends)
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
