"""Samples spread over a whole label or type, never "the first k".

`MATCH (n:L) ... LIMIT k` reads the FIRST k nodes of the label scan, which over-represents
the oldest data. Two spread samplers, and a cost model that picks the cheaper per label/type:

- Random id seek (IdSample): k / f random ids drawn uniformly from the id space (f = the
  label's share of it, from the count store and the probed high id), looked up with
  `WHERE id(n) IN $ids` (NodeByIdSeek / RelationshipByIdSeek, ~5 us per id), the label or
  type filtered, then k of the hits kept at random (the seek returns hits in id order).
  Cost O(k / f), independent of the store's size: the choice for big labels that hold a
  fair share of the store.
- Windows: k split into W windows of k/W consecutive entities, one centred in each W-th of
  the label (stratified systematic sampling), offsets from the count store's exact count.
  A SKIP walks ids in the lookup index (~0.4 us each) and reads no properties; cost
  O(W * count / 2). The choice for small or rare labels, where an id seek would mostly miss.

Either way, properties are read for at most k entities.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from ..cypher import escape_name

MAX_WINDOWS = 8
SEEK_COST_US = 5.0  # one id looked up and filtered (measured on 5.26, warm)
SKIP_COST_US = 0.4  # one lookup-index entry skipped
MAX_SEEK_IDS = 250_000  # keeps the id list parameter under ~2 MB
SEEK_MARGIN = 1.3  # draw 30% more ids than the expected need, so LIMIT k is usually reached


@dataclass(frozen=True)
class Windows:
    """Where to read: `offsets` of `size` consecutive entities each."""

    offsets: tuple[int, ...]
    size: int

    @property
    def sample_size(self) -> int:
        return len(self.offsets) * self.size


@dataclass(frozen=True)
class IdSample:
    """Random ids to look up (in random order); the first `limit` that match are the sample."""

    ids: tuple[int, ...]
    limit: int

    @property
    def sample_size(self) -> int:
        return self.limit


Sample = Windows | IdSample


def choose_sample(count: int, sample_size: int, id_high: int, seed: str) -> Sample:
    """The cheaper spread sample of `sample_size` among `count` entities.

    id_high: one past the highest id in use for this kind of entity (0 if unknown).
    """
    needed = seek_ids_needed(count, sample_size, id_high)
    if needed is None:
        return windows_for(count, sample_size)
    rng = random.Random(seed)
    return IdSample(tuple(rng.sample(range(id_high), needed)), min(count, sample_size))


def seek_ids_needed(count: int, sample_size: int, id_high: int) -> int | None:
    """How many random ids a seek sample needs, or None when windows are cheaper."""
    if id_high <= 0 or count <= 0:
        return None
    windows = windows_for(count, sample_size)
    skip_cost = (sum(windows.offsets) + windows.sample_size) * SKIP_COST_US
    share = min(1.0, count / id_high)
    needed = min(id_high, math.ceil(min(count, sample_size) / share * SEEK_MARGIN) + 16)
    if needed > MAX_SEEK_IDS or needed * SEEK_COST_US >= skip_cost:
        return None
    return needed


def describe_sample(count: int, sample_size: int, id_high: int, noun: str) -> tuple[int, str]:
    """(entities read, how) for the plan."""
    needed = seek_ids_needed(count, sample_size, id_high)
    if needed is not None:
        k = min(count, sample_size)
        return k, f"{k} of {count} {noun} by random id seek ({needed} ids)"
    w = windows_for(count, sample_size)
    return w.sample_size, f"{w.sample_size} of {count} {noun} in {len(w.offsets)} spread windows"


def windows_for(total: int, sample_size: int, max_windows: int = MAX_WINDOWS) -> Windows:
    """Disjoint windows covering `sample_size` entities spread over `total` entities."""
    if total <= 0 or sample_size <= 0:
        return Windows((), 0)
    sample = min(sample_size, total)
    count = max(1, min(max_windows, sample))
    size = math.ceil(sample / count)
    count = math.ceil(sample / size)
    stride = total / count
    # Centre each window in its stride so neither end of the store is favoured; clamp so the
    # last window never runs past the end (size <= stride because sample <= total).
    offsets = tuple(
        min(total - size, max(0, math.floor(i * stride + (stride - size) / 2)))
        for i in range(count)
    )
    return Windows(offsets, size)


def node_source(label: str | None, sample: Sample | None) -> tuple[str, dict[str, Any]]:
    """Cypher that binds `n` to the label's nodes: all of them, or the sample.

    label None means every node in the database.
    """
    pattern = f"(n:{escape_name(label)})" if label is not None else "(n)"
    if sample is None:
        return f"MATCH {pattern}", {}
    if isinstance(sample, IdSample):
        return _seek(f"MATCH {pattern} WHERE id(n) IN $sample_ids WITH n", sample)
    return _windowed(f"MATCH {pattern} RETURN n", sample)


def relationship_source(
    rel_type: str, sample: Sample | None, *, with_ends: bool = False
) -> tuple[str, dict[str, Any]]:
    """Cypher that binds `r` (and `a`, `b` with_ends) to the type's relationships."""
    t = escape_name(rel_type)
    pattern = f"(a)-[r:{t}]->(b)" if with_ends else f"()-[r:{t}]->()"
    if sample is None:
        return f"MATCH {pattern}", {}
    returned = "a, r, b" if with_ends else "r"
    if isinstance(sample, IdSample):
        return _seek(f"MATCH {pattern} WHERE id(r) IN $sample_ids WITH {returned}", sample)
    return _windowed(f"MATCH {pattern} RETURN {returned}", sample)


def _seek(head: str, sample: IdSample) -> tuple[str, dict[str, Any]]:
    # The id seek returns hits in id order whatever the list order, so a bare LIMIT would
    # keep the lowest ids (the oldest data): shuffle the hits before keeping k of them.
    return f"{head} ORDER BY rand() LIMIT $sample_limit", {
        "sample_ids": list(sample.ids),
        "sample_limit": sample.limit,
    }


def _windowed(branch: str, windows: Windows) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"window_size": windows.size}
    branches = []
    for i, offset in enumerate(windows.offsets):
        params[f"offset_{i}"] = offset
        branches.append(f"{branch} SKIP $offset_{i} LIMIT $window_size")
    return "CALL { " + " UNION ALL ".join(branches) + " }", params
