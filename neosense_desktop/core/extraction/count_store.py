"""Counts from the count store: per label, per type, per type and end label, all O(1).

A bare count() over one label or one type (or one label at one end of a type), no WHERE:
EXPLAIN shows NodeCountFromCountStore / RelationshipCountFromCountStore. GRAPH COUNTS gives
them all in one call where the account may call it (graph_counts).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..cypher import escape_name, subquery
from ..errors import NeoSenseError
from ..graph_client import ReadFn

log = logging.getLogger(__name__)

# Branches per UNION ALL count query: large enough to keep round trips few, small enough to
# keep the query text and its planning time modest on databases with thousands of labels.
COUNT_BATCH = 100


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
