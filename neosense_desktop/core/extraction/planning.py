"""Sizes from the count store, then the plan: exact or sampled per label and type, with cost.

Every query here is O(1): tokens from the token store, counts from the count store (a bare
count() over one label or one type, no WHERE; EXPLAIN shows NodeCountFromCountStore /
RelationshipCountFromCountStore).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from ..cypher import escape_name
from ..graph_client import Row
from ..report import PlanItem
from .context import Sizes
from .options import RunOptions
from .sampling import windows_for

ReadFn = Callable[[str, str, Mapping[str, Any] | None], Awaitable[list[Row]]]

# Branches per UNION ALL count query: large enough to keep round trips few, small enough to
# keep the query text and its planning time modest on databases with thousands of labels.
COUNT_BATCH = 100
CENSUS_MIN_SAMPLE = 10_000


def _chunks(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


async def count_labels(read: ReadFn, labels: Sequence[str]) -> dict[str, int]:
    """Node count per label, from the count store, in few round trips.

    A label without a token makes its branch return no row at all, hence the default 0.
    """
    counts: dict[str, int] = dict.fromkeys(labels, 0)
    for chunk in _chunks(list(labels), COUNT_BATCH):
        branches = [
            f"MATCH (:{escape_name(label)}) RETURN $name_{i} AS name, count(*) AS count"
            for i, label in enumerate(chunk)
        ]
        params = {f"name_{i}": label for i, label in enumerate(chunk)}
        for row in await read("count_store.labels", " UNION ALL ".join(branches), params):
            counts[row["name"]] = int(row["count"])
    return counts


async def count_types(read: ReadFn, types: Sequence[str]) -> dict[str, int]:
    """Relationship count per type, from the count store (0 for a type without token)."""
    counts: dict[str, int] = dict.fromkeys(types, 0)
    for chunk in _chunks(list(types), COUNT_BATCH):
        branches = [
            f"MATCH ()-[:{escape_name(t)}]->() RETURN $name_{i} AS name, count(*) AS count"
            for i, t in enumerate(chunk)
        ]
        params = {f"name_{i}": t for i, t in enumerate(chunk)}
        for row in await read("count_store.types", " UNION ALL ".join(branches), params):
            counts[row["name"]] = int(row["count"])
    return counts


async def count_type_ends(
    read: ReadFn, rel_type: str, labels: Sequence[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """For one type: per label, relationships starting at it and ending at it (count store)."""
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    t = escape_name(rel_type)
    for chunk in _chunks(list(labels), COUNT_BATCH // 2):
        branches = []
        params: dict[str, Any] = {}
        for i, label in enumerate(chunk):
            lab = escape_name(label)
            params[f"name_{i}"] = label
            branches.append(
                f"MATCH (:{lab})-[:{t}]->() RETURN $name_{i} AS name, 'start' AS side, "
                "count(*) AS count"
            )
            branches.append(
                f"MATCH ()-[:{t}]->(:{lab}) RETURN $name_{i} AS name, 'end' AS side, "
                "count(*) AS count"
            )
        for row in await read("count_store.type_ends", " UNION ALL ".join(branches), params):
            (starts if row["side"] == "start" else ends)[row["name"]] = int(row["count"])
    return starts, ends


async def read_sizes(read: ReadFn) -> Sizes:
    """Tokens and counts: labels, types, property keys, totals. All O(1)."""
    labels = [r["label"] for r in await read("tokens.labels", "CALL db.labels() YIELD label", None)]
    types = [
        r["relationshipType"]
        for r in await read(
            "tokens.types", "CALL db.relationshipTypes() YIELD relationshipType", None
        )
    ]
    keys = [
        r["propertyKey"]
        for r in await read(
            "tokens.property_keys", "CALL db.propertyKeys() YIELD propertyKey", None
        )
    ]
    totals = await read(
        "count_store.totals",
        "CALL { MATCH (n) RETURN count(n) AS nodes } "
        "CALL { MATCH ()-[r]->() RETURN count(r) AS relationships } "
        "RETURN nodes, relationships",
        None,
    )
    label_counts = await count_labels(read, labels)
    type_counts = await count_types(read, types)
    return Sizes(
        node_count=int(totals[0]["nodes"]) if totals else 0,
        relationship_count=int(totals[0]["relationships"]) if totals else 0,
        label_counts={name: label_counts.get(name, 0) for name in sorted(labels)},
        type_counts={name: type_counts.get(name, 0) for name in sorted(types)},
        property_keys=sorted(keys),
    )


def census_is_exact(options: RunOptions, sizes: Sizes) -> bool:
    return options.is_exact(sizes.node_count) or sizes.node_count <= census_sample_size(options)


def census_sample_size(options: RunOptions) -> int:
    """Degrees and label sets are cheap to read: sample at least 10k nodes for stable tails."""
    return max(options.sample_size, CENSUS_MIN_SAMPLE)


def _item(activity: str, subject: str, size: int, options: RunOptions, reason: str) -> PlanItem:
    if options.is_exact(size):
        return PlanItem(
            activity=activity,
            subject=subject,
            method="exact",
            estimated_rows=size,
            reason=f"{size} {reason} read in full",
        )
    sample = windows_for(size, options.sample_size).sample_size
    return PlanItem(
        activity=activity,
        subject=subject,
        method="sampled",
        estimated_rows=sample,
        reason=f"{sample} of {size} {reason}, in spread windows",
    )


def make_plan(options: RunOptions, sizes: Sizes) -> list[PlanItem]:
    """One item per unit of work, with the rows it expects to read (its cost)."""
    plan: list[PlanItem] = []
    wanted = set(options.activities)
    if "node_labels" in wanted:
        plan.append(
            PlanItem(
                activity="node_labels",
                subject="*",
                method="count_store",
                estimated_rows=len(sizes.label_counts),
                reason="label tokens and count-store counts, O(1) each",
            )
        )
    if "relationship_types" in wanted:
        for name, count in sizes.types.items():
            plan.append(_item("relationship_types", f"[:{name}]", count, options, "relationships"))
    if "schema" in wanted:
        for name, count in sizes.labels.items():
            plan.append(_item("schema", f"(:{name})", count, options, "nodes"))
        for name, count in sizes.types.items():
            plan.append(_item("schema", f"[:{name}]", count, options, "relationships"))
    census_exact = census_is_exact(options, sizes)
    census_rows = (
        sizes.node_count
        if census_exact
        else windows_for(sizes.node_count, census_sample_size(options)).sample_size
    )
    for activity in ("quality_and_context", "statistics_and_indexes"):
        if activity in wanted:
            plan.append(
                PlanItem(
                    activity=activity,
                    subject="*",
                    method="exact" if census_exact else "sampled",
                    estimated_rows=census_rows,
                    reason="node census: label sets and degrees "
                    + ("of every node" if census_exact else f"of {census_rows} spread nodes")
                    + (" (shared by quality and statistics)"),
                )
            )
    return plan
