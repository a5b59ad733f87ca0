"""Spread samples: several windows at evenly spaced offsets over a whole label or type.

`MATCH (n:L) ... LIMIT k` reads the FIRST k nodes of the label scan, which over-represents
the oldest data. Instead a sample of k is split into W windows of k/W consecutive entities,
one centred in each W-th of the label (stratified systematic sampling), with offsets derived
from the count store's exact count. A SKIP walks entity ids in the label/type lookup index and
reads no properties, so a sampled query reads properties of at most k entities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..cypher import escape_name

MAX_WINDOWS = 8


@dataclass(frozen=True)
class Windows:
    """Where to read: `offsets` of `size` consecutive entities each."""

    offsets: tuple[int, ...]
    size: int

    @property
    def sample_size(self) -> int:
        return len(self.offsets) * self.size


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


def node_source(label: str | None, windows: Windows | None) -> tuple[str, dict[str, Any]]:
    """Cypher that binds `n` to the label's nodes: all of them, or the sample windows.

    label None means every node in the database.
    """
    pattern = f"(n:{escape_name(label)})" if label is not None else "(n)"
    if windows is None:
        return f"MATCH {pattern}", {}
    return _windowed(f"MATCH {pattern} RETURN n", windows)


def relationship_source(
    rel_type: str, windows: Windows | None, *, with_ends: bool = False
) -> tuple[str, dict[str, Any]]:
    """Cypher that binds `r` (and `a`, `b` with_ends) to the type's relationships."""
    t = escape_name(rel_type)
    pattern = f"(a)-[r:{t}]->(b)" if with_ends else f"()-[r:{t}]->()"
    if windows is None:
        return f"MATCH {pattern}", {}
    returned = "a, r, b" if with_ends else "r"
    return _windowed(f"MATCH {pattern} RETURN {returned}", windows)


def _windowed(branch: str, windows: Windows) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"window_size": windows.size}
    branches = []
    for i, offset in enumerate(windows.offsets):
        params[f"offset_{i}"] = offset
        branches.append(f"{branch} SKIP $offset_{i} LIMIT $window_size")
    return "CALL { " + " UNION ALL ".join(branches) + " }", params
