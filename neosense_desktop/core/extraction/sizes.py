"""Sizes: what the token store and the count store say, and the id spaces, read before the
plan. Every query here is O(1).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..cypher import subquery
from ..graph_client import ReadFn
from .count_store import GraphCounts, count_labels, count_types, graph_counts
from .id_space import probe_id_space


@dataclass
class Sizes:
    """What the count store and the token store say, read in O(1) before planning."""

    node_count: int
    relationship_count: int
    label_counts: dict[str, int]  # every label token, including unused ones (count 0)
    type_counts: dict[str, int]  # every relationship type token, including unused ones
    property_keys: list[str] = field(default_factory=list)
    node_id_high: int = 0  # one past the highest node id in use (probed), 0 if unknown
    relationship_id_high: int = 0
    # What an element id is before its numeric id ("4:<db uuid>:"), None if not recognised.
    node_id_prefix: str | None = None
    relationship_id_prefix: str | None = None
    # The GRAPH COUNTS read these came from (None without it), and when (time.monotonic()):
    # a run that starts moments after its planning uses them instead of reading them again.
    graph_counts: GraphCounts | None = None
    read_at: float = field(default_factory=time.monotonic)

    @property
    def labels(self) -> dict[str, int]:
        """Labels that have nodes: a token can outlive its last node."""
        return {k: v for k, v in self.label_counts.items() if v > 0}

    @property
    def types(self) -> dict[str, int]:
        return {k: v for k, v in self.type_counts.items() if v > 0}


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


async def _known(counts: dict[str, int]) -> dict[str, int]:
    return counts
