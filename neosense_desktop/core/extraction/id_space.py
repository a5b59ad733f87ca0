"""The id space: one past the highest node (relationship) id in use, and the element-id
prefix, which decide whether a sample seeks random ids or hashes a scan (sampling.py).

O(1)-sized reads: a count from the count store, one element id, and seeks of computed ids.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import re
from typing import Any

from ..graph_client import ReadFn
from .sampling import Kind, seek_ids_needed

log = logging.getLogger(__name__)


ID_PROBE_FACTORS = (0.5, 0.9, 1.0, 1.02, 1.05, 1.1, 1.25, 1.5, 2, 3, 5, 10, 30, 100)
ID_REFINE_PROBES = 512
ID_DENSITY_CHECKS = 2000
GOLDEN = 0.6180339887498949  # spreads i * GOLDEN mod 1 evenly over [0, 1)
ID_BEYOND_CHECKS = 8000  # ids the server builds, ~4 ms of seeks


_ELEMENT_ID = re.compile(r"(.*\D)(\d+)", re.S)
# Per kind: the variable and the pattern binding it, in every id-space read.
_ID_MATCH = {"nodes": ("n", "(n)"), "relationships": ("r", "()-[r]->()")}
# The numeric id of an element id, its prefix ($prefix_length characters) cut off.
_ID_NUMBER = "toInteger(substring(elementId({v}), $prefix_length))"


async def probe_id_space(
    read: ReadFn, kind: Kind, sample_size: int | None = None
) -> tuple[int, str | None]:
    """(one past the highest id in use, the element-id prefix); (0, None) if unknown,
    and 0 for a scattered id space in which no sample of `sample_size` would be drawn by
    seeks (None: any size, the space is always followed up).

    Two round trips (a read more per round where live ids lie above every probe:
    _live_ids_above_the_probes), the first alongside the sizing reads (read_sizes): it counts
    the entities (O(1), the count store), reads one element id and, with the prefix the
    server cuts from it (everything before the last ':'), seeks the first spread of
    candidate ids, computed from the count as _id_probes does; the second refines the
    highest hit and checks the id density at once (_refine_id_high). A layout the server's
    cut does not match (element ids are documented as opaque) falls back to probe_id_high
    with the client's prefix, a round trip more.
    """
    var, pattern = _ID_MATCH[kind]
    first = pattern.replace(var, "x")
    rows = await read(
        f"id_space.{kind}",
        f"MATCH {first} WITH count(x) AS c "
        f"MATCH {pattern} WITH c, elementId({var}) AS e LIMIT 1 "
        "WITH c, e, left(e, size(e) - size(last(split(e, ':')))) AS prefix "
        f"OPTIONAL MATCH {first} WHERE elementId(x) IN "
        "[f IN $factors | prefix + toString(toInteger(c * f))] + [prefix + toString(c - 1)] "
        "RETURN c, e, prefix, max(toInteger(substring(elementId(x), size(prefix)))) AS high",
        {"factors": list(ID_PROBE_FACTORS)},
    )
    if not rows or not rows[0]["c"]:
        return 0, None
    count = int(rows[0]["c"])
    match = _ELEMENT_ID.fullmatch(str(rows[0]["e"]))
    if match is None:
        log.info("element ids of %s have an unknown layout: sampling without id seeks", kind)
        return 0, None
    prefix = match.group(1)
    if prefix != rows[0]["prefix"]:  # not "<...>:<number>": the probes sought other ids
        return await probe_id_high(read, kind, count, prefix, sample_size), prefix
    hit = rows[0]["high"]
    probes = _id_probes(count)
    return await _refine_id_high(read, kind, count, prefix, probes, hit, sample_size), prefix


def _id_probes(count: int) -> list[int]:
    return sorted({max(0, int(count * f)) for f in ID_PROBE_FACTORS} | {count - 1})


def _id_query(kind: Kind, returned: str) -> str:
    var, pattern = _ID_MATCH[kind]
    return f"MATCH {pattern} WHERE elementId({var}) IN $ids RETURN {returned.format(v=var)}"


async def probe_id_high(
    read: ReadFn, kind: Kind, count: int, prefix: str, sample_size: int | None = None
) -> int:
    """One past the highest id in use (0 if unknown), from three O(1)-sized id seeks, the
    last two at once.

    Random-id sampling needs the id space. Ids are dense after an import and reused after
    deletes, so the highest id is near the count; probe a spread of candidates above it,
    then refine between the highest hit and the next miss. Error <= (gap / 512) ids, which
    only shaves a sliver off the top of the id space from the sampling. The ids are sought
    as element ids (prefix + id), since id() is deprecated.
    """
    if count <= 0:
        return 0
    probes = _id_probes(count)
    rows = await read(
        f"id_space.{kind}",
        _id_query(kind, f"max({_ID_NUMBER}) AS high"),
        {"ids": [f"{prefix}{i}" for i in probes], "prefix_length": len(prefix)},
    )
    hit = rows[0]["high"] if rows else None
    return await _refine_id_high(read, kind, count, prefix, probes, hit, sample_size)


async def _refine_id_high(
    read: ReadFn,
    kind: Kind,
    count: int,
    prefix: str,
    probes: list[int],
    hit: int | None,
    sample_size: int | None,
) -> int:
    """One past the highest id in use, or 0 (unknown: the samplers use the hashed scan),
    from the highest of the probes that hit, in two reads at once:

    - refine: ID_REFINE_PROBES ids evenly between that hit and `bound`, the next probe
      (a miss): the highest that hits is the top, exactly where ids are dense;
    - check: random ids below `bound` must hit about count/bound of the time (else
      random-id sampling would come back short or empty); and ID_BEYOND_CHECKS ids from
      the hit up to twice the highest probe, spread evenly on a log scale and built by the
      server (beyond_ids), for live ids no probe saw. Ids freed by deletes and not reused
      yet leave live ids scattered above gaps: one above the refined top sends the search
      up from there (_live_ids_above_the_probes, a read or more). A block of live ids is
      always found; ids scattered thinly, each with a chance of about
      ID_BEYOND_CHECKS / (id x ln(top / hit)): a sample may leave out a few of those.
    """
    high = int(hit) if hit is not None else count - 1
    above = [p for p in probes if p > high]
    bound = above[0] if above else high + 1

    def params(ids: list[int]) -> dict[str, Any]:
        return {"ids": [f"{prefix}{i}" for i in ids], "prefix_length": len(prefix)}

    async def refined() -> int:
        # A step that spans the whole gap in ID_REFINE_PROBES ids (rounded down, the last
        # stretch of the gap went unprobed: up to half of it).
        step = max(1, math.ceil((bound - high - 1) / ID_REFINE_PROBES))
        refine = list(range(high + 1, bound, step))
        if not refine:
            return high
        rows = await read(
            f"id_space.{kind}", _id_query(kind, f"max({_ID_NUMBER}) AS high"), params(refine)
        )
        return max(high, int(rows[0]["high"])) if rows and rows[0]["high"] is not None else high

    top_hit, (dense, far_top) = await asyncio.gather(
        refined(),
        _check_ids(read, kind, prefix, count, high + 1, 2 * max(probes[-1] + 1, bound), bound),
    )
    if far_top is not None and far_top > top_hit:
        # Live ids the refinement stepped over or no probe reached: not a dense store,
        # and the density below `bound` says nothing then; the next round checks it.
        if (
            sample_size is not None
            and seek_ids_needed(count, sample_size, far_top + 1, kind) is None
        ):
            # Even a sample of the whole kind, at the smallest size, would be drawn by the
            # hashed scan at this density (a higher top only lowers it): the rounds that
            # find the top would change no sample (~10-50 ms of a thinned store's plan).
            log.info("%s ids too sparse for id seeks: sampling by hashed scan", kind)
            return 0
        return await _live_ids_above_the_probes(read, kind, count, prefix, far_top)
    if dense is False:
        return 0
    return top_hit + 1


async def _check_ids(
    read: ReadFn, kind: Kind, prefix: str, count: int, low: int, top: int, below: int
) -> tuple[bool | None, int | None]:
    """One read: do random ids below `below` hit about count/below of the time (None if
    too few would hit to tell), and the highest live id among ID_BEYOND_CHECKS ids from
    `low` up to `top`, spread evenly on a log scale and built by the server (beyond_ids)."""
    var, pattern = _ID_MATCH[kind]
    checks = min(below, ID_DENSITY_CHECKS)
    expected = checks * count / below
    density_ids = (
        random.Random(f"{kind}:{count}:{below}").sample(range(below), checks)
        if expected >= 10
        else []
    )
    far = (
        "[i IN range(0, $far_count - 1) | $id_prefix + toString(toInteger("
        f"$low * exp($log_span * ((i * {GOLDEN!r}) % 1.0))))]"
    )
    rows = await read(
        f"id_space.{kind}",
        f"MATCH {pattern} WHERE elementId({var}) IN $ids "
        f"RETURN count({var}) AS hits, null AS far_top "
        "UNION ALL "
        f"MATCH {pattern} WHERE elementId({var}) IN {far} "
        f"RETURN 0 AS hits, max({_ID_NUMBER.format(v=var)}) AS far_top",
        {
            "ids": [f"{prefix}{i}" for i in density_ids],
            "prefix_length": len(prefix),
            "low": low,
            "far_count": ID_BEYOND_CHECKS,
            "log_span": math.log(top / low),
            "id_prefix": prefix,
        },
    )
    hits = sum(int(r["hits"]) for r in rows)
    tops = [int(r["far_top"]) for r in rows if r["far_top"] is not None]
    return (hits >= expected / 2 if density_ids else None), (max(tops) if tops else None)


ID_EXTRA_ROUNDS = 3
ID_EXTRA_SPAN = 4  # each extra round looks from its low id up to this many times it
ID_TOP_MARGIN = 5  # sought ids per live id above the highest hit, to cover the real top


async def _live_ids_above_the_probes(
    read: ReadFn, kind: Kind, count: int, prefix: str, far_top: int
) -> int:
    """One past the highest id in use when live ids lie above every probe, or 0 (unknown).

    A store whose deletes freed most ids, not reused yet, keeps its live ids scattered up
    to where its highest ids were: the count says nothing of that top. Each round (one
    read) seeks ID_BEYOND_CHECKS ids from just above the highest live id found so far up to
    ID_EXTRA_SPAN times it, on a log scale, and checks the density below it. A round whose
    highest hit lies in the upper half of its span (log scale) says the ids may go on:
    another round starts there, up to ID_EXTRA_ROUNDS; after the last, unknown. Else the
    top is that hit plus a margin for live ids between the sought ones. Lone ids above it
    that no seek met are left out of the samples; each is met with a chance of about
    ID_BEYOND_CHECKS / (id x ln ID_EXTRA_SPAN) per round. Ids more than 200x the count (2 x
    the highest probe) above every live id a seek meets stay unseen: no O(1) read gives
    the highest id in use.
    """
    for _ in range(ID_EXTRA_ROUNDS):
        low = far_top + 1
        top = ID_EXTRA_SPAN * low
        dense, higher = await _check_ids(read, kind, prefix, count, low, top, low)
        if dense is False:
            return 0
        log_span = math.log(top / low)
        if higher is None or higher < low * math.exp(log_span / 2):
            # The sought ids just above the highest live one met missed, but so would a
            # live id among them with a chance of 1 - density: the top lies within a few
            # sought ids per live one of it. ID_TOP_MARGIN of those leaves out the last
            # live ids with a chance of about e^-ID_TOP_MARGIN, for a few % more ids to draw.
            last = far_top if higher is None else max(far_top, higher)
            spacing = last * log_span / ID_BEYOND_CHECKS
            density = min(1.0, count / low)
            return min(top, last + 1 + math.ceil(ID_TOP_MARGIN * spacing / density))
        far_top = higher
    log.info("live %s ids far above the probed id space: sampling without id seeks", kind)
    return 0


def beyond_ids(low: int, log_span: float, n: int = ID_BEYOND_CHECKS) -> list[int]:
    """The far ids _refine_id_high seeks, as its Cypher builds them on the server (up to
    the last bit of exp(): tests/core answer it from this list)."""
    return [int(low * math.exp(log_span * ((i * GOLDEN) % 1.0))) for i in range(n)]
