"""Value statistics of a big label or type in an exact run, from a spread sample.

An exact run reads names, types and fill rates of every entity through Neo4j's own schema
procedures plus a keys() count (builtin_schema.py): about a third of the work of typing
every value in Cypher. The value aggregates (value_profile.AGGREGATES: distinct counts,
min/max, string shapes by regular expression) cost ~10x that per value, so reading them for
every entity made an exact run of the 1M-node benchmark graph 7.8x slower (2.8 s -> 21.6 s;
benchmarks/results/README.md). So:

- a label or type of at most value_profile.EXACT_PROFILE_MAX entities is profiled in its
  one full read, exact, as before;
- a bigger one keeps exact types and fill rates, and its value statistics come from a
  spread sample (sampling.py) of profile_sample_size(options) entities, with provenance
  "sample" on the statistics themselves (ValueStats.provenance), so profiles and the
  findings built on them say "in a sample of N" and estimate their counts.

The plan names both cases (planning.py). The samples of all such labels (types) are read
in a few queries, however many there are (batch_reading.value_sample_rows).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..report import Provenance
from .batch_reading import ValueSampleKind, value_sample, value_sample_rows
from .context import RunContext
from .sampling import node_source, relationship_source
from .shared_reads import start_key_counts
from .value_profile import ValueStats
from .value_types import normalise_value_type, observed_properties


@dataclass
class SampledStats:
    """Statistics per key, the entities they describe, and how to read those again (for
    the top values under the 'examples' policy)."""

    stats: dict[str, ValueStats]
    read: int
    source: str
    params: dict[str, Any]


async def sampled_stats(
    ctx: RunContext, activity: str, kind: ValueSampleKind, name: str, count: int
) -> SampledStats:
    """Value statistics of the label (kind "label") or type (kind "relationship_type")
    `name` from a spread sample of its `count` entities."""
    sample = value_sample(ctx, kind, name)
    if kind == "label":
        source, params = node_source(name, sample)
    else:
        source, params = relationship_source(name, sample)
    stats: dict[str, ValueStats] = {}
    key_types: dict[str, set[str]] = {}
    holders: Counter[str] = Counter()
    read = 0
    for row in await value_sample_rows(ctx, activity, kind, name):
        key = row["k"]
        if key is None:
            read = int(row["c"])
        else:
            stats.setdefault(key, ValueStats()).add_row(row)
            key_types.setdefault(key, set()).add(normalise_value_type(row["t"]))
            holders[key] += int(row["c"])
    provenance = Provenance(method="sample", sample_size=read)
    for value_stats in stats.values():
        value_stats.provenance = provenance
    if kind == "label":
        # The sample already decides which properties are key-like (quality_checks.
        # key_candidates): a property of one type in the whole label has that one type in
        # the sample, so the keys counted from here include every key the final schema
        # names (a sampled property of mixed types in full is only counted needlessly).
        # Started now, the full label scans run alongside the schema procedures' scans
        # instead of after them, at the run's tail (11 s summed at 10M nodes).
        start_key_counts(
            ctx, name, count, observed_properties(read, key_types, holders, True), stats
        )
    return SampledStats(stats, read, source, params)
