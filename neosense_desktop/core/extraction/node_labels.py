"""Activity node_labels: every label with its node count, from the count store.

A label token can outlive its last node (count 0). Such tokens are NOT listed as labels,
since the data has none; the report's notes name them and the quality activity reports them
as an info finding (unused_label_token).
"""

from __future__ import annotations

from ..report import Label, Provenance, Report
from .context import ActivityProgress, RunContext
from .shared_reads import current_label_counts

ACTIVITY = "node_labels"


async def run_node_labels(ctx: RunContext, out: Report, progress: ActivityProgress) -> None:
    progress.start(1, "reading label counts from the count store")
    counts = await current_label_counts(ctx, ACTIVITY)
    for name in sorted(counts):
        if counts[name] > 0:
            out.labels.append(
                Label(
                    name=name,
                    count=counts[name],
                    count_provenance=Provenance(method="count_store"),
                )
            )
    unused = sorted(name for name, count in counts.items() if count == 0)
    if unused:
        out.notes.append("Label tokens without nodes (not listed as labels): " + ", ".join(unused))
    progress.advance("labels counted", labels=len(out.labels), unused_label_tokens=len(unused))
