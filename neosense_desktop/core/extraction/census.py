"""The node census: label set and degree of every node (or of a spread sample of nodes).

One pass, grouped server-side into a small histogram of (label set, degree) -> nodes (plus
one example node id per group), from which quality (unlabeled, orphans, label combinations)
and statistics (degree percentiles, supernodes) are computed; the run computes it once and
shares it (shared_reads.read_census). Degree is COUNT { (n)--() }, which reads the stored
degree instead of walking relationships.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .context import PRIORITY_LONG_SCAN, RunContext
from .sampling import node_source


@dataclass
class Census:
    exact: bool
    nodes_read: int
    node_count: int  # from the count store
    label_sets: Counter[tuple[str, ...]] = field(default_factory=Counter)
    degrees: Counter[int] = field(default_factory=Counter)
    orphans_read: int = 0
    unlabeled_read: int = 0
    # One example node id per (label set, degree) group: the supernodes come from the
    # highest-degree groups without a second pass over the nodes.
    # (labels, degree) -> (element id of one such node, nodes read in the group)
    examples: dict[tuple[tuple[str, ...], int], tuple[str, int]] = field(default_factory=dict)
    # A sampled census keeps up to 5 orphan element ids per label set, so the orphan
    # findings need no query for their examples (an exact one would collect every orphan).
    orphan_examples: dict[tuple[str, ...], list[str]] = field(default_factory=dict)

    @property
    def scale(self) -> float:
        """Multiply a count among the nodes read by this to estimate it for the database."""
        return self.node_count / self.nodes_read if self.nodes_read else 0.0

    def estimate(self, read_count: int) -> int:
        return read_count if self.exact else round(read_count * self.scale)

    def percentile(self, q: float) -> float | None:
        """Nearest-rank percentile (as Cypher's percentileDisc) of the degrees read."""
        if not self.nodes_read:
            return None
        rank = max(1, -(-int(q * 1_000_000) * self.nodes_read // 1_000_000))  # ceil(q * n)
        seen = 0
        for degree in sorted(self.degrees):
            seen += self.degrees[degree]
            if seen >= rank:
                return float(degree)
        return float(max(self.degrees))

    def median_absolute_deviation(self) -> float | None:
        """The median of |degree - median| over the nodes read, from the histogram."""
        median = self.percentile(0.5)
        if median is None:
            return None
        deviations: Counter[float] = Counter()
        for degree, nodes in self.degrees.items():
            deviations[abs(degree - median)] += nodes
        rank = -(-self.nodes_read // 2)  # the lower median, as percentile(0.5)
        seen = 0
        for deviation in sorted(deviations):
            seen += deviations[deviation]
            if seen >= rank:
                return deviation
        return 0.0

    def nodes_at_or_above(self, degree: int) -> int:
        return sum(n for d, n in self.degrees.items() if d >= degree)


async def node_census(ctx: RunContext, activity: str) -> Census:
    sizes = ctx.sizes
    reading = ctx.readings.census
    exact = reading.exact
    sample = ctx.sample_of(reading)
    source, params = node_source(None, sample)
    rows = await ctx.read(
        activity,
        "census.scan" if exact else "census.sample",
        f"{source} WITH n, labels(n) AS labels, COUNT {{ (n)--() }} AS degree "
        "RETURN labels, degree, count(*) AS nodes, min(elementId(n)) AS example"
        + (
            ""
            if exact
            else ", [x IN collect(CASE WHEN degree = 0 THEN n END)[..5] | elementId(x)] AS orphans"
        ),
        params,
        priority=PRIORITY_LONG_SCAN,
    )
    census = Census(exact=exact, nodes_read=0, node_count=sizes.node_count)
    for row in rows:
        nodes = int(row["nodes"])
        labels = tuple(sorted(row["labels"]))
        degree = int(row["degree"])
        census.nodes_read += nodes
        census.label_sets[labels] += nodes
        census.degrees[degree] += nodes
        if degree == 0:
            census.orphans_read += nodes
        if not labels:
            census.unlabeled_read += nodes
        if row.get("orphans"):
            census.orphan_examples.setdefault(labels, []).extend(str(x) for x in row["orphans"])
        if row.get("example") is not None:
            census.examples[(labels, degree)] = (str(row["example"]), nodes)
    if exact:
        # The count store and the scan can differ by concurrent writes; the scan is what was
        # measured, so it is the total the percentages refer to.
        census.node_count = census.nodes_read
    return census
