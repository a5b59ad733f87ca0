"""What each label's read saw of the other labels its nodes carry, and what follows from it.

A node read for one label (in that label's sample, or with all of its nodes) carries all of
its labels. Its keys and value types belong to every one of them, and the label sets its
read counted are the label combinations, exactly so when the read took the whole label.
Each label read therefore returns, alongside its keys (batch_reading.py, schema.py):
- per label set, the nodes read (the row with k = null, grouped by labels(n));
- per (key, value type), the distinct label sets of the multi-label nodes holding it and
  how many of those nodes hold it.

From these, keys_seen_on() gives a sampled label the keys its own sample missed but other
reads saw on its nodes (the issue's `:Software:OS` nodes: Software is read whole, OS by a
sample of 1,000 of 8,003 that may miss the 3), and label_combinations() counts each label
combination from the best read that could see it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..report import LabelCombination, Property, Provenance
from .sample_limits import wilson_interval

LabelSet = tuple[str, ...]  # sorted

# The Cypher a label read adds for it (the node bound to `n`, its keys unwound as `k`):
# NODE_LABELS once per node binds `nl` to its labels when it has more than one (null for a
# single-label node, the common case: its set is the read's own label), SET_COLUMNS goes
# in the RETURN. The k = null row is grouped by it (ls); the key rows are not split (their
# value statistics stay whole): they collect the distinct label sets of their multi-label
# holders (ms) and count those holders (mc); collect() and count() skip the nulls.
NODE_LABELS = "CASE WHEN size(labels(n)) > 1 THEN labels(n) END AS nl"
SET_COLUMNS = "CASE WHEN k IS NULL THEN nl END AS ls, collect(DISTINCT nl) AS ms, count(nl) AS mc"


def label_set(labels: Iterable[Any]) -> LabelSet:
    return tuple(sorted(str(x) for x in labels))


@dataclass
class NodeRead:
    """What one label's read saw of the label sets of its nodes.

    whole: every node of the label was read (so its label sets are exact counts).
    shared_keys: key -> value type -> (the multi-label sets of the nodes holding it,
    how many multi-label nodes hold it).
    """

    label: str
    whole: bool
    read: int = 0
    label_sets: Counter[LabelSet] = field(default_factory=Counter)
    shared_keys: dict[str, dict[str, tuple[set[LabelSet], int]]] = field(default_factory=dict)

    def add_sets(self, labels: Sequence[Any] | None, count: int) -> None:
        """The k = null row of one label set: `count` nodes read with these labels (None:
        with the read's own label only)."""
        self.label_sets[label_set(labels) if labels else (self.label,)] += count

    def add_key(
        self, key: str, value_type: str, sets: Iterable[Sequence[Any]] | None, holders: int
    ) -> None:
        """A (key, type) row: the multi-label sets holding it, and their holders."""
        found = [label_set(s) for s in sets or [] if s is not None]
        if not found:
            return
        known, counted = self.shared_keys.setdefault(key, {}).get(value_type, (set(), 0))
        self.shared_keys[key][value_type] = (known | set(found), counted + holders)


@dataclass
class Seen:
    """A key other reads saw on a label's nodes: its types, at least how many of the
    label's nodes hold it, and the labels whose reads saw it."""

    types: set[str] = field(default_factory=set)
    holders: int = 0
    seen_in: set[str] = field(default_factory=set)


def keys_seen_on(label: str, reads: Iterable[NodeRead]) -> dict[str, Seen]:
    """The keys other labels' reads saw on nodes that also carry `label`.

    holders is a lower bound: within one read, a (key, type) row's multi-label holders
    minus the nodes of its sets without `label` (and at least one per set with it); the
    types of a key are disjoint groups of nodes, so they add up; across reads the largest
    (two reads may have seen the same nodes).
    """
    out: dict[str, Seen] = {}
    for read in reads:
        if read.label == label:
            continue
        for key, by_type in read.shared_keys.items():
            holders = 0
            types: set[str] = set()
            for value_type, (sets, multi_holders) in by_type.items():
                with_label = [s for s in sets if label in s]
                if not with_label:
                    continue
                elsewhere = sum(read.label_sets.get(s, 0) for s in sets if label not in s)
                holders += max(len(with_label), multi_holders - elsewhere)
                types.add(value_type)
            if types:
                seen = out.setdefault(key, Seen())
                seen.types |= types
                seen.holders = max(seen.holders, holders)
                seen.seen_in.add(read.label)
    return out


def merge_seen_keys(
    properties: list[Property], seen: Mapping[str, Seen], count: int, provenance: Provenance
) -> list[Property]:
    """A sampled label's properties with what other reads saw on its nodes: a key its own
    sample missed is added (fill rate and observed: the nodes those reads saw hold it, a
    lower bound); a type its sample missed is added to the key's types; a fill rate is never
    below the share of the label's nodes seen holding the key. Sorted by name."""
    by_name = {p.name: p for p in properties}
    for key, found in seen.items():
        at_least = min(1.0, found.holders / count) if count else 0.0
        prop = by_name.get(key)
        if prop is None:
            by_name[key] = Property(
                name=key,
                types=sorted(found.types),
                fill_rate=at_least,
                provenance=provenance,
                observed=found.holders,
                seen_in=sorted(found.seen_in),
            )
            continue
        if not found.types <= set(prop.types):
            prop.types = sorted(set(prop.types) | found.types)
            prop.seen_in = sorted(set(prop.seen_in) | found.seen_in)
        if prop.fill_rate < at_least:
            prop.fill_rate = at_least
            prop.observed = max(prop.observed or 0, found.holders)
    return [by_name[k] for k in sorted(by_name)]


@dataclass(frozen=True)
class SetCounts:
    """Nodes read per label set by one read: a label's (label) or the node census (None).

    population: the nodes the read drew from (the label's count, or all nodes).
    """

    label: str | None
    read: int
    population: int
    whole: bool
    label_sets: Mapping[LabelSet, int]

    def sees(self, labels: LabelSet) -> bool:
        """Whether nodes with exactly these labels can be among those read."""
        return self.label is None or self.label in labels


def label_combinations(
    sources: Sequence[SetCounts], label_counts: Mapping[str, int]
) -> list[LabelCombination]:
    """Every label combination any read saw, largest first.

    Exact (provenance scan) from a read that took a whole label of the combination (the
    smallest such), or a whole census. Else estimated from the read that drew the largest
    share of its population (a label's sample or the census), with the Wilson 95 %
    interval: at least the most nodes any read saw with it, at most the count-store count
    of each of its labels less the exact combinations that label also has.
    """
    sets = {s for src in sources for s, c in src.label_sets.items() if s and c > 0}
    exact: dict[LabelSet, LabelCombination] = {}
    estimated: list[LabelSet] = []
    for labels in sets:
        seeing = [s for s in sources if s.sees(labels)]
        if any(s.whole for s in seeing):
            combination = _exact(labels, seeing)
            if combination is not None:
                exact[labels] = combination
        else:
            estimated.append(labels)
    # Per label, what its count leaves for the estimated combinations.
    left = dict(label_counts)
    for labels, combination in exact.items():
        for label in labels:
            if label in left:
                left[label] = max(0, left[label] - combination.count)
    out = list(exact.values())
    for labels in estimated:
        seeing = [s for s in sources if s.sees(labels)]
        out.append(_estimated(labels, seeing, [left[x] for x in labels if x in left]))
    out.sort(key=lambda c: (-c.count, c.labels))
    return out


def _exact(labels: LabelSet, sources: list[SetCounts]) -> LabelCombination | None:
    whole = [s for s in sources if s.whole]
    best = min(whole, key=lambda s: (s.population, s.label is None, s.label or ""))
    count = best.label_sets.get(labels, 0)
    if count == 0:  # the whole read says none (a write between the reads)
        return None
    return LabelCombination(
        labels=list(labels),
        count=count,
        provenance=Provenance(method="scan"),
        counted_in=best.label,
    )


def _estimated(labels: LabelSet, sources: list[SetCounts], ceilings: list[int]) -> LabelCombination:
    best = max(sources, key=lambda s: (_fraction(s), s.read, s.label or ""))
    hits = best.label_sets.get(labels, 0)
    low, high = wilson_interval(hits, best.read)
    seen = max(s.label_sets.get(labels, 0) for s in sources)
    upper = math.ceil(high * best.population)
    if ceilings:
        upper = min(upper, min(ceilings))
    upper = max(upper, seen)  # nodes read are there (a write since the count store)
    lower = min(max(seen, math.floor(low * best.population)), upper)
    estimate = round(hits * best.population / best.read) if best.read else 0
    return LabelCombination(
        labels=list(labels),
        count=max(lower, min(upper, estimate)),
        provenance=Provenance(method="sample", sample_size=best.read),
        counted_in=best.label,
        lower_bound=lower,
        upper_bound=upper,
    )


def _fraction(source: SetCounts) -> float:
    return source.read / source.population if source.population else 0.0
