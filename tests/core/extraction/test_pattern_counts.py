"""patterns_implied_by_counts and all_patterns_from_counts without a server: which
(start, end) pairs O(1) per-label counts prove, and when they prove every pattern."""

from __future__ import annotations

from collections import Counter

import pytest

from neosense_desktop.core.extraction.pattern_counts import (
    all_patterns_from_counts,
    patterns_implied_by_counts,
)

Pairs = dict[tuple[str | None, str | None], int]

# (what, the type's count, per start label, per end label, the pairs proven with counts)
IMPLIED = [
    ("one start and one end label", 10, {"A": 10}, {"B": 10}, {("A", "B"): 10}),
    # Every relationship ends at B: each start label's count is its count towards B.
    ("all end at B", 10, {"A": 6, "C": 4}, {"B": 10}, {("A", "B"): 6, ("C", "B"): 4}),
    ("all start at A", 10, {"A": 10}, {"B": 7, "C": 3}, {("A", "B"): 7, ("A", "C"): 3}),
    # Multi-label end nodes (B and D on every end): both are proven.
    ("ends hold two labels", 5, {"A": 5}, {"B": 5, "D": 5}, {("A", "B"): 5, ("A", "D"): 5}),
    # Starts and ends both split: nothing says which start goes with which end.
    ("both ends split", 10, {"A": 6, "C": 4}, {"B": 7, "D": 3}, {}),
    # Some relationships start at an unlabeled node: the labeled ones are still proven.
    ("an unlabeled start", 10, {"A": 8}, {"B": 10}, {("A", "B"): 8}),
    ("zero counts give no pattern", 10, {"A": 10, "Z": 0}, {"B": 10}, {("A", "B"): 10}),
    ("no relationships", 0, {}, {}, {}),
]


@pytest.mark.parametrize(
    ("total", "starts", "ends", "pairs"), [c[1:] for c in IMPLIED], ids=[c[0] for c in IMPLIED]
)
def test_pairs_proven_by_equal_counts(
    total: int, starts: dict[str, int], ends: dict[str, int], pairs: Pairs
) -> None:
    found = patterns_implied_by_counts(total, starts, ends)
    assert {k: p.count for k, p in found.items()} == pairs
    for (start, end), pattern in found.items():
        assert (pattern.start, pattern.end) == (start, end)
        assert pattern.provenance is not None and pattern.provenance.method == "count_store"


# (what, total, starts, ends, complete, unlabeled pairs, every pattern or None)
ALL = [
    (
        "a single end label and the unlabeled starts: all of them",
        10,
        {"A": 6, "C": 3},
        {"B": 10},
        True,
        Counter({(None, "B"): 1}),
        {("A", "B"): 6, ("C", "B"): 3, (None, "B"): 1},
    ),
    (
        "a single start label",
        4,
        {"A": 4},
        {"B": 1, "C": 3},
        True,
        Counter(),
        {("A", "B"): 1, ("A", "C"): 3},
    ),
    ("both ends split: unknown", 10, {"A": 6, "C": 4}, {"B": 7, "D": 3}, True, Counter(), None),
    # Ends hold B and D on every node: one start label still proves both pairs (the
    # patterns overlap: each relationship is in both).
    (
        "two labels on every end",
        5,
        {"A": 5},
        {"B": 5, "D": 5},
        True,
        Counter(),
        {("A", "B"): 5, ("A", "D"): 5},
    ),
    ("labels left uncounted", 10, {"A": 10}, {"B": 10}, False, Counter(), None),
    ("unlabeled ends not scanned", 10, {"A": 10}, {"B": 10}, True, None, None),
    ("no relationships", 0, {}, {}, True, Counter(), None),
]


@pytest.mark.parametrize(
    ("total", "starts", "ends", "complete", "unlabeled", "patterns"),
    [c[1:] for c in ALL],
    ids=[c[0] for c in ALL],
)
def test_every_pattern_when_the_counts_determine_them(
    total: int,
    starts: dict[str, int],
    ends: dict[str, int],
    complete: bool,
    unlabeled: Counter[tuple[str | None, str | None]] | None,
    patterns: Pairs | None,
) -> None:
    found = all_patterns_from_counts(total, starts, ends, complete, unlabeled)
    if patterns is None:
        assert found is None
        return
    assert found is not None
    assert {(p.start, p.end): p.count for p in found} == patterns
