"""The id-space probe (id_space.py) without a server: the probe's seeks answered from a set
of live ids, for id layouts a shared test server cannot be made to hold (its free ids depend
on every test before). The real server's answers are tested in
tests/integration/test_id_space.py."""

from __future__ import annotations

from typing import Any

import pytest


def _id_reads(live: set[int], prefix: str = "4:db:"):  # type: ignore[no-untyped-def]
    from neosense_desktop.core.extraction.id_space import beyond_ids

    sent: list[str] = []

    async def read(name: str, cypher: str, params: dict[str, Any] | None) -> list[dict[str, Any]]:
        assert params is not None
        sent.append(cypher)
        ids = {int(str(e)[len(prefix) :]) for e in params["ids"]}
        if "far_top" in cypher:  # the density hits, and the far ids the server builds
            far = beyond_ids(
                int(params["low"]), float(params["log_span"]), int(params["far_count"])
            )
            far_hits = set(far) & live
            return [
                {"hits": len(ids & live), "far_top": None},
                {"hits": 0, "far_top": max(far_hits) if far_hits else None},
            ]
        hits = ids & live
        return [{"high": max(hits) if hits else None}]

    return read, sent


def _left_out(live: set[int], top: int) -> int:
    return sum(1 for i in live if i >= top)


async def test_a_dense_store_gives_its_highest_id() -> None:
    from neosense_desktop.core.extraction.id_space import probe_id_high

    live = set(range(50_000))  # as after an import
    read, sent = _id_reads(live)
    assert await probe_id_high(read, "nodes", len(live), "4:db:") == 50_000
    assert len(sent) <= 3  # the probes, then the refinement and the checks at once


async def test_a_block_of_live_ids_above_every_probe_is_found() -> None:
    """The count is 3,000, the probes sit at 9,000 and 15,000: none lands in the block at
    10,000, but the far ids do, and one more read finds its top. (Until this was found, the
    space was 'unknown' and every sampled label was read by a whole-label hashed scan.)"""
    from neosense_desktop.core.extraction.id_space import probe_id_high

    live = set(range(2_000)) | set(range(10_000, 11_000))
    read, sent = _id_reads(live)
    found = await probe_id_high(read, "nodes", len(live), "4:db:")
    assert 11_000 <= found <= 11_000 * 1.01, found
    assert len(sent) == 4  # one more read than a dense store


@pytest.mark.parametrize(("span", "share"), [(40_000, 0.08), (1_000_000, 0.01)])
async def test_ids_scattered_by_deletes_give_a_top_that_leaves_none_out(
    span: int, share: float
) -> None:
    """Freed ids not reused yet: what is left of the store is spread thinly up to where its
    highest ids were, far above the count."""
    import random

    from neosense_desktop.core.extraction.id_space import probe_id_high

    rng = random.Random(7)
    live = {i for i in range(span) if rng.random() < share}
    read, sent = _id_reads(live)
    found = await probe_id_high(read, "relationships", len(live), "4:db:")
    assert max(live) + 1 <= found <= 1.1 * max(live), found
    assert _left_out(live, found) == 0
    assert len(sent) <= 4


@pytest.mark.parametrize("seed", range(5))
async def test_a_few_dozen_lone_ids_far_above_leave_out_at_most_a_few(seed: int) -> None:
    """Each lone id is met by a seek with a chance, so a top below a few of them is what
    the probe promises; it must still hold all the rest."""
    import random

    from neosense_desktop.core.extraction.id_space import ID_EXTRA_ROUNDS, probe_id_high

    live = set(range(3_000)) | set(random.Random(seed).sample(range(6_000, 60_000), 40))
    read, sent = _id_reads(live)
    found = await probe_id_high(read, "nodes", len(live), "4:db:")
    assert found <= 4 * max(live), found
    assert _left_out(live, found) <= 8, (found, _left_out(live, found))
    assert len(sent) <= 3 + ID_EXTRA_ROUNDS


async def test_live_ids_the_refinement_steps_over_are_followed_up() -> None:
    from neosense_desktop.core.extraction.id_space import probe_id_high

    # Between the highest probe hit and the next probe (a miss), too few for the refinement
    # to meet: the far ids meet one, and one more read from there finds the top. (It was
    # the next probe, up to 2x too high: twice the seeks for every sample.)
    extra = [5940, 6051, 6106, 6148, 6324, 6374, 6477, 6556, 6689, 6690, 6726, 6847, 6967]
    extra += [7067, 7149, 7267, 7285, 7352, 7395, 7445, 7461]
    live = set(range(5_895)) | set(extra)
    read, sent = _id_reads(live)
    found = await probe_id_high(read, "nodes", len(live), "4:db:")
    assert max(live) + 1 <= found <= 1.1 * max(live), found
    assert len(sent) == 4


async def test_live_ids_going_on_past_every_extra_round_are_unknown() -> None:
    """Every far check meets a live id near the top of its span, as in a store whose ids
    go on climbing: after the last extra round the space is unknown (the samplers' hashed
    scan), not a top that leaves out what lies above. (A real store that does this has
    more live ids than its count says; the seeks are answered here, not from a set.)"""
    import math

    from neosense_desktop.core.extraction.id_space import ID_EXTRA_ROUNDS, probe_id_high

    dense, sent = _id_reads(set(range(3_000)))

    async def read(name: str, cypher: str, params: dict[str, Any] | None) -> list[dict[str, Any]]:
        rows = await dense(name, cypher, params)
        if "far_top" in cypher and params is not None:
            near_top = float(params["low"]) * math.exp(0.9 * float(params["log_span"]))
            rows[-1]["far_top"] = int(near_top)
        return rows

    assert await probe_id_high(read, "nodes", 3_000, "4:db:") == 0
    # The probes, the checks (nothing to refine: the top is the count), one read a round.
    assert len(sent) == 2 + ID_EXTRA_ROUNDS


async def test_a_space_too_sparse_for_any_seek_sample_is_not_followed_up() -> None:
    """1 live id in 100: at the run's sample size even the whole kind would be sampled by
    the hashed scan, so the rounds that would find the top are not sent (the thinned 1M
    store of benchmarks/thinned_store.py: ~50 ms of its plan). A sample small enough for
    seeks at that density gets the top."""
    import random

    from neosense_desktop.core.extraction.id_space import probe_id_high
    from neosense_desktop.core.extraction.sampling import seek_ids_needed

    rng = random.Random(11)
    live = {i for i in range(1_000_000) if rng.random() < 0.01}
    assert seek_ids_needed(len(live), 1000, max(live) + 1, "nodes") is None
    read, sent = _id_reads(live)
    assert await probe_id_high(read, "nodes", len(live), "4:db:", 1000) == 0
    assert len(sent) <= 3
    assert seek_ids_needed(len(live), 5, max(live) + 1, "nodes") is not None
    read, sent = _id_reads(live)
    found = await probe_id_high(read, "nodes", len(live), "4:db:", 5)
    assert max(live) + 1 <= found <= 1.1 * max(live), found
