"""Results as they arrive: what a run knows so far, as a Report of its own.

A run publishes one of these right after planning (the count store's labels and types,
known in O(1) before any activity has finished) and again each time an activity ends.
Consumers (the window) show it while the run goes on; the run's final report replaces it.

An activity not listed in `report.activities` has not finished yet: a final report lists
every activity (those not chosen as skipped), so `pending_activities()` is empty for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..report import Label, Provenance, RelationshipType, Report
from .options import ACTIVITY_NAMES

if TYPE_CHECKING:  # sizes imports the driver, which the window loads after its first paint
    from .sizes import Sizes

PartialCallback = Callable[[Report], None]


def partial_report(report: Report, sizes: Sizes | None) -> Report:
    """A snapshot of the run's report, its gaps filled from the count store.

    The snapshot shares nothing the run mutates later: merge_activity() updates labels and
    types in place, and appends to notes and activities, so those are copied (one level,
    which is cheap; the lists an activity produces are replaced whole, never edited).
    Labels and types no activity has listed yet, and the node and relationship totals, come
    from `sizes` with count-store provenance, exactly as node_labels and relationship_types
    report them.
    """
    labels = [label.model_copy() for label in report.labels]
    types = [rt.model_copy() for rt in report.relationship_types]
    statistics = report.statistics.model_copy()
    if sizes is not None:
        store = Provenance(method="count_store")
        known = {label.name: label for label in labels}
        for name, count in sizes.labels.items():
            if name not in known:
                labels.append(Label(name=name, count=count, count_provenance=store))
        known_types = {rt.name: rt for rt in types}
        for name, count in sizes.types.items():
            if name not in known_types:
                types.append(RelationshipType(name=name, count=count, count_provenance=store))
        if statistics.node_count is None:
            statistics.node_count = sizes.node_count
        if statistics.relationship_count is None:
            statistics.relationship_count = sizes.relationship_count
        labels.sort(key=lambda x: x.name)
        types.sort(key=lambda x: x.name)
    return report.model_copy(
        update={
            "run": report.run.model_copy(),
            "plan": list(report.plan),
            "activities": dict(report.activities),
            "labels": labels,
            "relationship_types": types,
            "statistics": statistics,
            "notes": list(report.notes),
        }
    )


def pending_activities(report: Report) -> list[str]:
    """The activities that have not finished in this (partial) report, in run order."""
    return [name for name in ACTIVITY_NAMES if name not in report.activities]
