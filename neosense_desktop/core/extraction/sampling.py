"""Samples spread over a whole label or type, never "the first k".

`MATCH (n:L) ... LIMIT k` reads the FIRST k nodes of the label scan, which over-represents
the oldest data. Two spread samplers, and a cost model that picks the cheaper per label/type:

- Id seek (IdSample): k / f ids spread over the whole id space (f = the label's share of
  it, from the count store and the probed high id), looked up with NodeByIdSeek /
  RelationshipByIdSeek, the label or type filtered, then k of the hits kept at random (the
  seek returns hits in id order). The ids are a golden-ratio (Weyl) sequence
  (offset + i * step) mod high, step coprime with high: distinct, evenly spread, and
  computed by the server inside the query, so no id list is drawn, packed or sent (a
  250k-id list took ~100 ms of Python on the GUI thread). Cost O(k / f), independent of
  the label's size: the choice for big labels that hold a fair share of the store.
- Hashed id scan (HashSample): the label or type scan (ids only, from the token lookup
  index) keeps the entities whose hashed id falls below a threshold, about k of them. The
  hash is a Fibonacci (golden-ratio) multiplicative hash modulo the prime 2^31 - 1, with a
  per-run offset, so consecutive or periodic ids (an import that interleaves labels, a
  block of rare patterns created together) spread evenly over the hash range: every part
  of the label is sampled at the same rate, and a contiguous block of b entities gets about
  b * k / count of them (spread windows, the sampler this replaced, missed whole blocks
  that fell between two windows). Cost O(count), but a cheap O: the choice for small and
  mid-size labels, and for rare ones where an id seek would mostly miss.

Either way, properties are read for about k entities only.

Ids are reached through elementId(), never id(): id() is deprecated on 5.x and 2025+ (a
DEPRECATION notification on every query). An element id is the database's element-id
prefix plus the entity's numeric id ("4:<database uuid>:<id>" for a node, "5:..." for a
relationship); planning learns the prefix from one real element id (ElementIds), the seek
builds `prefix + toString(id)` in the query (NodeByElementIdSeek /
RelationshipByElementIdSeek), and the hash reads the number back with substring(). When
the layout is not recognised, there is no id seek and the hash becomes `rand()` at the
same rate: spread just as evenly, only not repeatable across queries of a run.

Costs (SEEK_COST_US, SCAN_COST_US; measured warm on 2 cores, 200k-node benchmark graph,
5.26.19): one element id built, looked up and filtered ~0.46 us; one node of a label scan
with the element-id hash ~0.13 us, one relationship of a type scan ~0.21 us. The element
id string costs the hash ~1.8x of the bare id() hash (0.07 us) and ~2x rand() (0.06 us),
but id() is deprecated and rand() is not repeatable; at 200k the hashed scans of a whole
run cost ~30 ms, at 10M ~1 s of server CPU spread over the label batches.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any, Literal

from ..cypher import escape_name

Kind = Literal["nodes", "relationships"]

# Measured with element ids (5.26.19, 200k-node benchmark graph, warm, best of 7): one id
# built, looked up and label-filtered 0.46 us (relationship 0.67 us); one node of a label
# scan with the element-id hash 0.13 us (relationship of a type scan 0.21 us). The id()
# era's 3.0 / 0.5 / 0.7 overstated the seek 1.7x against the scan, so labels holding 2-3 %
# of the id space were scanned whole where a seek reads a few thousand ids.
SEEK_COST_US: dict[Kind, float] = {"nodes": 0.46, "relationships": 0.67}
SCAN_COST_US: dict[Kind, float] = {"nodes": 0.13, "relationships": 0.21}
MAX_SEEK_IDS = 250_000  # keeps the server-side id list modest
SEEK_MARGIN = 1.3  # draw 30% more ids than the expected need, so LIMIT k is usually reached

HASH_PRIME = 2_147_483_647  # 2^31 - 1: (id mod P) * A stays below 2^62, no overflow
HASH_MULTIPLIER = 1_327_217_885  # ~ P / golden ratio: consecutive ids spread evenly
# The hash keeps a binomial number of entities; keep 15% more than asked (~5 standard
# deviations at k = 1000) and then exactly k of them at random, so the size is what was asked.
HASH_MARGIN = 1.15


GOLDEN_FRACTION = 0.6180339887498949


@dataclass(frozen=True)
class IdSample:
    """`count` ids (offset + i * step) mod high to look up; `limit` of the hits are kept.

    prefix: the element-id prefix the ids are appended to (ElementIds).
    """

    offset: int
    step: int
    high: int
    count: int
    limit: int
    prefix: str = ""

    @property
    def sample_size(self) -> int:
        return self.limit

    def ids(self) -> list[int]:
        """The ids the query looks up (the server computes the same list)."""
        return [(self.offset + i * self.step) % self.high for i in range(self.count)]


@dataclass(frozen=True)
class HashSample:
    """Entities whose hashed id is below `below` (about HASH_MARGIN x `limit` of them),
    of which `limit` are kept at random.

    prefix: the element-id prefix to strip before hashing the id; None when the element-id
    layout is unknown, and then a random draw at the same rate replaces the hash.
    """

    offset: int
    below: int
    limit: int
    prefix: str | None = ""

    @property
    def sample_size(self) -> int:
        return self.limit


Sample = IdSample | HashSample


@dataclass(frozen=True)
class SampleDesign:
    """How a sample of `size` among `population` entities is drawn, before it is drawn: by
    `seek_ids` random id seeks, or (seek_ids None) by the hashed id scan. The plan words it
    (describe); the run draws it with the run's seed (draw). One object for both, so the
    plan shown is the sample read.

    prefix: the kind's element-id prefix, None if unknown (the hash is then a random draw).
    """

    kind: Kind
    population: int
    size: int
    id_high: int
    seek_ids: int | None
    prefix: str | None = ""

    @property
    def read(self) -> int:
        """The entities the sample keeps."""
        return min(self.population, self.size)

    def draw(self, seed: str) -> Sample:
        rng = random.Random(seed)
        if self.seek_ids is not None:
            return IdSample(
                rng.randrange(self.id_high),
                weyl_step(self.id_high),
                self.id_high,
                self.seek_ids,
                self.read,
                # An id space is only probed where the element-id layout is known
                # (id_space.probe_id_space): "" is the bare numeric id.
                self.prefix if self.prefix is not None else "",
            )
        return hash_sample(self.population, self.size, rng.randrange(HASH_PRIME), self.prefix)

    def describe(self) -> str:
        k, count, kind = self.read, self.population, self.kind
        if self.seek_ids is not None:
            return f"{k:,} of {count:,} {kind} by random id seek ({self.seek_ids:,} ids)"
        return f"about {k:,} of {count:,} {kind} by hashed id scan (1 in {max(1, count // k):,})"


def design_sample(
    count: int, sample_size: int, id_high: int, kind: Kind, prefix: str | None = ""
) -> SampleDesign:
    """The cheaper spread sample of `sample_size` among `count` entities.

    id_high: one past the highest id in use for this kind of entity (0 if unknown: then
    the hashed scan).
    """
    return SampleDesign(
        kind,
        count,
        sample_size,
        id_high,
        seek_ids_needed(count, sample_size, id_high, kind),
        prefix,
    )


def choose_sample(
    count: int, sample_size: int, id_high: int, seed: str, kind: Kind, prefix: str | None = ""
) -> Sample:
    """The cheaper spread sample of `sample_size` among `count` entities, drawn with `seed`.

    prefix: the kind's element-id prefix, None if unknown (then no id seek).
    """
    design = design_sample(count, sample_size, id_high if prefix is not None else 0, kind, prefix)
    return design.draw(seed)


def weyl_step(high: int) -> int:
    """A step near high / golden ratio and coprime with high: i * step mod high then visits
    distinct ids, each prefix spread evenly over the id space."""
    step = max(1, round(high * GOLDEN_FRACTION))
    while math.gcd(step, high) != 1:
        step += 1
    return step


def hash_sample(count: int, sample_size: int, offset: int, prefix: str | None = "") -> HashSample:
    k = max(0, min(count, sample_size))
    share = min(1.0, k * HASH_MARGIN / count) if count > 0 else 1.0
    return HashSample(offset, max(1, math.ceil(HASH_PRIME * share)), k, prefix)


def seek_ids_needed(count: int, sample_size: int, id_high: int, kind: Kind) -> int | None:
    """How many random ids a seek sample needs, or None when the hashed scan is cheaper."""
    if id_high <= 0 or count <= 0:
        return None
    share = min(1.0, count / id_high)
    needed = min(id_high, math.ceil(min(count, sample_size) / share * SEEK_MARGIN) + 16)
    if needed > MAX_SEEK_IDS or needed * SEEK_COST_US[kind] >= count * SCAN_COST_US[kind]:
        return None
    return needed


# The element-id list, built by the server (NodeByElementIdSeek / RelationshipByElementIdSeek
# over the computed list, as EXPLAIN shows on 5.26 and 2026.08).
SEEK_IDS = (
    "[i IN range(0, $seek_count - 1) | "
    "$id_prefix + toString(($seek_offset + i * $seek_step) % $seek_high)]"
)


def node_source(label: str | None, sample: Sample | None) -> tuple[str, dict[str, Any]]:
    """Cypher that binds `n` to the label's nodes: all of them, or the sample.

    label None means every node in the database. Several sources share one query through
    cypher.prefix_parameters (batch_reading.py).
    """
    pattern = f"(n:{escape_name(label)})" if label is not None else "(n)"
    if sample is None:
        return f"MATCH {pattern}", {}
    if isinstance(sample, IdSample):
        return _seek(f"MATCH {pattern} WHERE elementId(n) IN {SEEK_IDS} WITH n", sample)
    return _hashed(f"MATCH {pattern} WHERE", "n", "n", sample)


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
        return _seek(f"MATCH {pattern} WHERE elementId(r) IN {SEEK_IDS} WITH {returned}", sample)
    return _hashed(f"MATCH {pattern} WHERE", returned, "r", sample)


def _seek(head: str, sample: IdSample) -> tuple[str, dict[str, Any]]:
    # The id seek returns hits in id order whatever the list order, so a bare LIMIT would
    # keep the lowest ids (the oldest data): shuffle the hits before keeping k of them.
    return f"{head} ORDER BY rand() LIMIT $sample_limit", {
        "seek_offset": sample.offset,
        "seek_step": sample.step,
        "seek_high": sample.high,
        "seek_count": sample.count,
        "sample_limit": sample.limit,
        "id_prefix": sample.prefix,
    }


def _hashed(head: str, returned: str, var: str, sample: HashSample) -> tuple[str, dict[str, Any]]:
    # The prime and multiplier are literals; the offset and threshold are parameters, so
    # every run shares the label's plan. The hits come in scan (id) order: shuffle them
    # before keeping k, as for the seek.
    tail = f"< $hash_below WITH {returned} ORDER BY rand() LIMIT $sample_limit"
    params: dict[str, Any] = {"hash_below": sample.below, "sample_limit": sample.limit}
    if sample.prefix is None:  # element-id layout unknown: the same rate, drawn at random
        return f"{head} rand() * {HASH_PRIME} {tail}", params
    number = f"toInteger(substring(elementId({var}), $id_prefix_length))"
    hashed = f"(({number} % {HASH_PRIME}) * {HASH_MULTIPLIER} + $hash_offset) % {HASH_PRIME}"
    return (
        f"{head} {hashed} {tail}",
        {"hash_offset": sample.offset, **params, "id_prefix_length": len(sample.prefix)},
    )
