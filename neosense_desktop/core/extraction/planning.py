"""The plan: one item per unit of work (exact, sampled or count store per label and type,
the node census, the unlabeled ends), with its cost, worded from the run's readings.
"""

from __future__ import annotations

from ..report import PlanItem
from ..wording import duration_text
from .options import RunOptions
from .readings import Reading, Readings, decide_readings
from .sample_limits import sample_limit
from .sizes import Sizes
from .value_profile import profile_sample_size

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
