"""Pure parts of the engine: options validation, samplers, type names, progress."""

from __future__ import annotations

import datetime as dt

import neo4j.spatial
import neo4j.time
import pytest
from pydantic import ValidationError

from neosense_desktop.core.extraction import ProgressEvent, RunOptions, overall_fraction
from neosense_desktop.core.extraction.relationship_types import expand_pairs
from neosense_desktop.core.extraction.sampling import (
    HASH_MULTIPLIER,
    HASH_PRIME,
    HashSample,
    hash_sample,
    node_source,
)
from neosense_desktop.core.extraction.value_types import (
    normalise_value_type,
    python_value_type,
    supports_value_type,
)
from neosense_desktop.core.report import ACTIVITY_NAMES


def test_default_options() -> None:
    o = RunOptions()
    assert (o.mode, o.sample_size, o.query_timeout_s) == ("auto", 1000, 60)
    assert o.activities == list(ACTIVITY_NAMES)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("mode", "fast", "exact"),
        ("sample_size", -1, "greater than or equal to 1"),
        ("sample_size", 0, "greater than or equal to 1"),
        ("query_timeout_s", 0, "greater than 0"),
        ("activities", ["node_labels", "colours"], "unknown activity colours"),
    ],
)
def test_invalid_options_name_the_field(field: str, value: object, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        RunOptions.model_validate({field: value})
    err = info.value.errors()[0]
    assert err["loc"][0] == field
    assert words in err["msg"]


def test_activities_keep_canonical_order() -> None:
    o = RunOptions(activities=["schema", "node_labels", "schema"])
    assert o.activities == ["node_labels", "schema"]


def test_is_exact_per_mode() -> None:
    assert RunOptions(mode="exact").is_exact(10**9)
    assert not RunOptions(mode="sampled").is_exact(5000)
    assert RunOptions(mode="sampled").is_exact(500)  # the sample would be the whole label
    auto = RunOptions(exact_threshold=100_000)
    assert auto.is_exact(99_999) and not auto.is_exact(100_000)


def _hash_selected(ids: range | list[int], sample: HashSample) -> list[int]:
    # The same arithmetic the Cypher filter does (sampling._hashed).
    return [
        i
        for i in ids
        if ((i % HASH_PRIME) * HASH_MULTIPLIER + sample.offset) % HASH_PRIME < sample.below
    ]


@pytest.mark.parametrize("stride", [1, 2, 7, 64, 1000])
def test_hash_sample_spreads_evenly_over_consecutive_and_periodic_ids(stride: int) -> None:
    # A label whose ids are every `stride`-th id (an import interleaving labels) must be
    # sampled at the same rate in every part of the label: no part left out.
    ids = list(range(0, 200_000 * stride, stride))
    sample = hash_sample(len(ids), 2000, offset=12_345)
    chosen = _hash_selected(ids, sample)
    assert 2000 <= len(chosen) <= 2600  # 15% margin, then LIMIT 2000 in the query
    tenth = len(ids) // 10
    per_tenth = [0] * 10
    for i in chosen:
        per_tenth[min(9, (i // stride) // tenth)] += 1  # i // stride: position in label
    assert min(per_tenth) >= 180 and max(per_tenth) <= 280, per_tenth


def test_hash_sample_reaches_a_contiguous_block_between_any_windows() -> None:
    # 7,149 consecutive relationships of 71,489 (the benchmark's rare COMMENTED_ON->Review
    # block): spread windows missed it; the hashed scan samples it at the label's rate.
    sample = hash_sample(71_489, 1000, offset=99)
    hits = _hash_selected(range(883_023, 883_023 + 7_149), sample)
    assert 70 <= len(hits) <= 160


def test_hash_sample_small_and_empty() -> None:
    assert hash_sample(0, 1000, 1).sample_size == 0
    whole = hash_sample(10, 1000, 1)
    assert whole.sample_size == 10 and whole.below >= HASH_PRIME  # every entity passes
    assert len(_hash_selected(range(10), whole)) == 10


def test_node_source_escapes_the_label() -> None:
    cypher, params = node_source("a`b) DETACH DELETE n //", hash_sample(100, 10, 5, "4:db:"))
    assert cypher.startswith(
        "MATCH (n:`a``b) DETACH DELETE n //`) WHERE "
        "((toInteger(substring(elementId(n), $id_prefix_length)) % "
    )
    assert cypher.endswith("WITH n ORDER BY rand() LIMIT $sample_limit")
    assert params == {
        "hash_offset": 5,
        "hash_below": hash_sample(100, 10, 5).below,
        "sample_limit": 10,
        "id_prefix_length": 5,
    }


def test_hash_sample_without_an_element_id_layout_draws_at_the_same_rate() -> None:
    sample = hash_sample(100, 10, 5, None)
    cypher, params = node_source("L", sample)
    assert "elementId" not in cypher and " id(" not in cypher
    assert f"WHERE rand() * {HASH_PRIME} < $hash_below WITH n" in cypher
    assert params == {"hash_below": sample.below, "sample_limit": 10}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("INTEGER NOT NULL", "INTEGER"),
        ("LIST<STRING NOT NULL> NOT NULL", "LIST<STRING>"),
        ("LOCAL DATETIME NOT NULL", "LOCAL DATETIME"),
        ("LIST<NOTHING> NOT NULL", "LIST<NOTHING>"),
    ],
)
def test_normalise_value_type(raw: str, clean: str) -> None:
    assert normalise_value_type(raw) == clean


def test_python_value_types_match_cypher_names() -> None:
    tz = dt.UTC
    assert python_value_type(1) == "INTEGER"
    assert python_value_type(True) == "BOOLEAN"
    assert python_value_type(1.5) == "FLOAT"
    assert python_value_type("x") == "STRING"
    assert python_value_type([1, 2]) == "LIST<INTEGER>"
    assert python_value_type(neo4j.time.Date(2020, 1, 1)) == "DATE"
    assert python_value_type(neo4j.time.DateTime(2020, 1, 1)) == "LOCAL DATETIME"
    assert python_value_type(neo4j.time.DateTime(2020, 1, 1, tzinfo=tz)) == "ZONED DATETIME"
    assert python_value_type(neo4j.time.Time(1, 2, 3)) == "LOCAL TIME"
    assert python_value_type(neo4j.time.Duration(days=1)) == "DURATION"
    assert python_value_type(neo4j.spatial.CartesianPoint((1, 2))) == "POINT"


def test_value_type_needs_5_13() -> None:
    assert supports_value_type("5.26.19") and supports_value_type("5.13.0")
    assert not supports_value_type("5.12.0") and not supports_value_type("4.4.30")


def test_pairs_of_multi_label_and_unlabeled_ends() -> None:
    assert sorted(expand_pairs(["A", "B"], ["C"]), key=str) == [("A", "C"), ("B", "C")]
    assert list(expand_pairs([], ["C"])) == [(None, "C")]
    assert list(expand_pairs(["A"], [])) == [("A", None)]


def test_overall_fraction() -> None:
    events = {
        "a": ProgressEvent("a", "running", 0.5),
        "b": ProgressEvent("b", "failed", 0.1),
        "c": ProgressEvent("c", "waiting", 0.0),
    }
    assert overall_fraction(events) == pytest.approx(0.5)
    assert overall_fraction({}) == 0.0


def test_choose_sample_prefers_seeks_for_big_labels_and_hashed_scans_for_rare_ones() -> None:
    from neosense_desktop.core.extraction.sampling import IdSample, choose_sample

    big = choose_sample(3_000_000, 1000, 10_000_000, "seed", "nodes")
    assert isinstance(big, IdSample)
    ids = big.ids()
    assert big.limit == 1000 and len(ids) >= 1000 / 0.3
    assert len(set(ids)) == len(ids) and min(ids) >= 0 and max(ids) < 10_000_000
    # Spread: every tenth of the id space gets its share of the ids.
    tenths = [0] * 10
    for i in ids:
        tenths[i * 10 // 10_000_000] += 1
    assert min(tenths) >= len(ids) / 10 * 0.9, tenths
    assert choose_sample(3_000_000, 1000, 10_000_000, "seed", "nodes") == big  # per seed
    assert choose_sample(3_000_000, 1000, 10_000_000, "other", "nodes") != big
    rare = choose_sample(3_000, 1000, 10_000_000, "seed", "nodes")
    assert isinstance(rare, HashSample) and rare.limit == 1000
    # Mid-size: scanning 30k nodes is cheaper than seeking 130k random ids.
    assert isinstance(choose_sample(30_000, 1000, 1_000_000, "seed", "nodes"), HashSample)
    unknown = choose_sample(3_000_000, 1000, 0, "seed", "nodes")  # id space unknown
    assert isinstance(unknown, HashSample)


def test_id_sample_source_limits_and_escapes() -> None:
    from neosense_desktop.core.extraction.sampling import IdSample, relationship_source

    cypher, params = node_source(
        "a`b", IdSample(offset=5, step=7, high=10, count=3, limit=2, prefix="4:db:")
    )
    assert cypher == (
        "MATCH (n:`a``b`) WHERE elementId(n) IN "
        "[i IN range(0, $seek_count - 1) | "
        "$id_prefix + toString(($seek_offset + i * $seek_step) % $seek_high)] "
        "WITH n ORDER BY rand() LIMIT $sample_limit"
    )
    assert params == {
        "seek_offset": 5,
        "seek_step": 7,
        "seek_high": 10,
        "seek_count": 3,
        "sample_limit": 2,
        "id_prefix": "4:db:",
    }
    assert IdSample(5, 7, 10, 3, 2).ids() == [5, 2, 9]
    cypher, _ = relationship_source("T", IdSample(0, 1, 2, 1, 1), with_ends=True)
    assert "WITH a, r, b ORDER BY rand() LIMIT $sample_limit" in cypher


def test_weyl_step_is_coprime_so_ids_are_distinct() -> None:
    from math import gcd

    from neosense_desktop.core.extraction.sampling import weyl_step

    for high in (1, 2, 10, 1_000_086, 2_099_067, 2**20):
        step = weyl_step(high)
        assert gcd(step, high) == 1
        n = min(high, 5000)
        assert len({(i * step) % high for i in range(n)}) == n


async def test_priority_gate_serves_waiters_by_priority_then_arrival() -> None:
    import asyncio

    from neosense_desktop.core.extraction.context import PriorityGate

    gate = PriorityGate(1)
    await gate.acquire(0)  # the one slot is taken
    order: list[str] = []

    async def wait(name: str, priority: int) -> None:
        await gate.acquire(priority)
        order.append(name)
        gate.release()

    tasks = [
        asyncio.create_task(wait(name, prio))
        for name, prio in (("short-1", 0), ("short-2", 0), ("scan", -2), ("shared", -1))
    ]
    cancelled = asyncio.create_task(wait("cancelled", -5))
    await asyncio.sleep(0)
    cancelled.cancel()  # a cancelled waiter must not take or lose the slot
    await asyncio.sleep(0)
    gate.release()
    await asyncio.gather(*tasks)
    assert order == ["scan", "shared", "short-1", "short-2"]
    await asyncio.wait_for(gate.acquire(0), 1)  # the slot came back


def test_choose_sample_without_an_element_id_layout_never_seeks() -> None:
    from neosense_desktop.core.extraction.sampling import choose_sample

    sample = choose_sample(3_000_000, 1000, 10_000_000, "seed", "nodes", None)
    assert isinstance(sample, HashSample) and sample.prefix is None
    seek = choose_sample(3_000_000, 1000, 10_000_000, "seed", "nodes", "4:db:")
    assert not isinstance(seek, HashSample) and seek.prefix == "4:db:"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Long", "INTEGER"),  # Cypher 5 format (5.x; 2025+ with a format-change warning)
        ("StringArray", "LIST<STRING>"),
        ("DateTime", "ZONED DATETIME"),
        ("INTEGER NOT NULL", "INTEGER"),  # Cypher 25 format (2025.06 on)
        ("LIST<BOOLEAN NOT NULL> NOT NULL", "LIST<BOOLEAN>"),
        ("LOCAL DATETIME NOT NULL", "LOCAL DATETIME"),
        ("ZONED DATETIME NOT NULL", "ZONED DATETIME"),
    ],
)
def test_builtin_type_reads_both_property_type_formats(raw: str, clean: str) -> None:
    from neosense_desktop.core.extraction.builtin_schema import builtin_type

    assert builtin_type(raw) == clean


@pytest.mark.parametrize(
    ("version", "refused"),
    [
        ("4.4.30", True),
        ("3.5.35", True),
        ("5.0.0", False),
        ("5.26.19", False),
        ("2025.01.0", False),
        ("2026.08.1", False),
        ("unknown", False),
    ],
)
def test_versions_before_5_are_refused_with_what_is_supported(version: str, refused: bool) -> None:
    from neosense_desktop.core.errors import ErrorCode, NeoSenseError
    from neosense_desktop.core.probe import check_supported

    if not refused:
        check_supported(version, "db:7687")
        return
    with pytest.raises(NeoSenseError) as info:
        check_supported(version, "db:7687")
    assert info.value.code is ErrorCode.SERVER_UNSUPPORTED
    assert f"Neo4j {version}" in info.value.message
    assert "5.26" in info.value.message and "2025.01" in info.value.message


@pytest.mark.parametrize(
    ("version", "scoped"),
    [
        ("5.13.0", False),
        ("5.22.0", False),
        ("5.23.0", True),
        ("5.26.19", True),
        ("2026.08.1", True),
    ],
)
def test_subqueries_use_the_scope_clause_where_the_server_has_it(
    version: str, scoped: bool
) -> None:
    from neosense_desktop.core.cypher import subquery, supports_scoped_subqueries

    assert supports_scoped_subqueries(version) is scoped
    text = subquery("MATCH (n) RETURN count(n) AS c", scoped=scoped)
    assert text == ("CALL () { " if scoped else "CALL { ") + "MATCH (n) RETURN count(n) AS c }"


@pytest.mark.parametrize(
    ("version", "dynamic"),
    [
        ("4.4.30", False),
        ("5.26.19", False),
        ("2025.06.0", False),
        ("2026.08.1", True),
        ("2027.01.0", True),
        ("dev", False),
    ],
)
def test_dynamic_labels_only_where_a_server_was_seen_scanning_them(
    version: str, dynamic: bool
) -> None:
    from neosense_desktop.core.cypher import plans_dynamic_label_scans

    assert plans_dynamic_label_scans(version) is dynamic
