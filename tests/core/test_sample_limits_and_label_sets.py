"""The pure logic behind issue 23: what a sample can miss (sample_limits), the keys other
labels' reads saw (label_sets.keys_seen_on, merge_seen_keys) and the label combinations'
counts and bounds (label_sets.label_combinations). Table-driven, no server."""

from __future__ import annotations

import asyncio
import math
from collections import Counter

import pytest

from neosense_desktop.core.extraction.label_sets import (
    NodeRead,
    SetCounts,
    keys_seen_on,
    label_combinations,
    merge_seen_keys,
)
from neosense_desktop.core.extraction.options import RunOptions
from neosense_desktop.core.extraction.planning import make_plan
from neosense_desktop.core.extraction.sample_limits import (
    missable_below,
    sample_limit,
    wilson_interval,
)
from neosense_desktop.core.extraction.sizes import Sizes
from neosense_desktop.core.report import PlanItem, Property, Provenance
from neosense_desktop.core.wording import sample_limit_text


def _miss_chance(population: int, read: int, holders: int) -> float:
    """The chance a sample of `read` of `population` misses all `holders`, multiplied out
    term by term (not through lgamma, as the code does)."""
    chance = 1.0
    for i in range(read):
        if population - i <= 0:
            return 0.0
        chance *= max(0.0, (population - holders - i) / (population - i))
    return chance


@pytest.mark.parametrize(
    ("read", "population"),
    [
        (1000, 8003),  # the OS label
        (1000, 1_000_000),
        (1000, 1001),
        (1, 50),
        (20, 21),
        (500, 100_000_000),
        (10_000, 20_048),
    ],
)
def test_missable_below_is_the_smallest_count_seen_at_95_percent(
    read: int, population: int
) -> None:
    k = missable_below(read, population)
    assert 1 <= k <= population
    assert _miss_chance(population, read, k) <= 0.05 + 1e-9
    if k > 1:
        assert _miss_chance(population, read, k - 1) > 0.05 - 1e-9


@pytest.mark.parametrize(
    ("read", "population", "rule_of_three"),
    [(1000, 1_000_000, 3000), (1000, 100_000_000, 300_000), (100, 1_000_000, 30_000)],
)
def test_a_small_sample_misses_about_three_over_n(
    read: int, population: int, rule_of_three: int
) -> None:
    # 1 - 0.05^(1/n) ~ 2.996 / n: within a few percent of the rule of three.
    assert missable_below(read, population) == pytest.approx(rule_of_three, rel=0.03)


@pytest.mark.parametrize(
    ("read", "population", "limit"),
    [
        (1000, 1000, None),  # everything read: nothing missable
        (1200, 1000, None),  # a read larger than the count store's (writes): still whole
        (0, 0, None),
        (999, 1000, 1),  # all but one: a key on a single node may be the one not read
    ],
)
def test_sample_limit_edges(read: int, population: int, limit: int | None) -> None:
    stated = sample_limit(read, population)
    if limit is None:
        assert stated is None
    else:
        assert stated is not None and stated.missable_below == limit
        assert stated.missable_share == pytest.approx(limit / population)


def test_the_limit_in_words() -> None:
    limit = sample_limit(1000, 8003)
    assert limit is not None
    text = sample_limit_text(limit, "nodes")
    assert text.startswith("1,000 of 8,003 nodes read: a key held by fewer than ")
    assert f"{limit.missable_below:,} of them ({limit.missable_share:.2%})" in text
    assert text.endswith("may be unseen (95% confidence)")
    assert sample_limit_text(None) == ""


@pytest.mark.parametrize(
    ("hits", "read", "low", "high"),
    [
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (1, 1000, 0.00018, 0.00565),
    ],
)
def test_wilson_interval(hits: int, read: int, low: float, high: float) -> None:
    got = wilson_interval(hits, read)
    assert got[0] == pytest.approx(low, abs=1e-4)
    assert got[1] == pytest.approx(high, abs=1e-4)


# ------------------------------------------------------------------------ keys seen elsewhere

OS_SW = ("OS", "Software")


def _software_read() -> NodeRead:
    """Software read whole: 3 (:OS:Software) nodes hold versions, 40 (:Software) do not."""
    read = NodeRead("Software", whole=True, read=43)
    read.add_sets(["Software"], 40)
    read.add_sets(["Software", "OS"], 3)  # unsorted, as labels(n) may give them
    read.add_key("versions", "LIST<STRING>", [["OS", "Software"]], 3)
    read.add_key("name", "STRING", [["OS", "Software"]], 3)
    return read


def _os_read() -> NodeRead:
    read = NodeRead("OS", whole=False, read=1000)
    read.add_sets(["OS", "Process"], 1000)
    read.add_key("name", "STRING", [["OS", "Process"]], 1000)
    read.add_key("pid", "INTEGER", [["OS", "Process"]], 1000)
    return read


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # OS's sample missed the 3 (:OS:Software) nodes; Software's whole read saw them.
        (
            "OS",
            {
                "versions": ({"LIST<STRING>"}, 3, {"Software"}),
                "name": ({"STRING"}, 3, {"Software"}),
            },
        ),
        # Process's nodes are all :OS:Process: OS's sample saw their keys.
        ("Process", {"name": ({"STRING"}, 1000, {"OS"}), "pid": ({"INTEGER"}, 1000, {"OS"})}),
        # No read saw a multi-label Software node Software's own read did not.
        ("Software", {}),
        ("Nowhere", {}),
    ],
)
def test_keys_seen_on_a_label_by_other_reads(
    label: str, expected: dict[str, tuple[set[str], int, set[str]]]
) -> None:
    seen = keys_seen_on(label, [_software_read(), _os_read()])
    assert {k: (v.types, v.holders, v.seen_in) for k, v in seen.items()} == expected


def test_holders_seen_elsewhere_are_a_lower_bound() -> None:
    read = NodeRead("A", whole=False, read=100)
    read.add_sets(["A", "B"], 10)
    read.add_sets(["A", "C"], 30)
    # 35 multi-label holders over two sets: at least 5 of them carry B (35 - 30 with C).
    read.add_key("k", "STRING", [["A", "B"], ["A", "C"]], 35)
    # Another type of the same key: other nodes, so it adds up.
    read.add_key("k", "INTEGER", [["A", "B"]], 2)
    # A key on sets of B only when few: still at least one per set with B.
    read.add_key("j", "STRING", [["A", "B"], ["A", "C"]], 3)
    seen = keys_seen_on("B", [read])
    assert seen["k"].holders == 5 + 2 and seen["k"].types == {"STRING", "INTEGER"}
    assert seen["j"].holders == 1
    # Across reads: the largest (two reads may have seen the same nodes).
    other = NodeRead("C", whole=True, read=3)
    other.add_sets(["B", "C"], 3)
    other.add_key("k", "STRING", [["B", "C"]], 3)
    assert keys_seen_on("B", [read, other])["k"].holders == 7
    assert keys_seen_on("B", [read, other])["k"].seen_in == {"A", "C"}


def test_merging_never_drops_a_key_a_read_saw() -> None:
    sample = Provenance(method="sample", sample_size=1000)
    own = [
        Property(name="name", types=["STRING"], fill_rate=1.0, provenance=sample, observed=1000),
        Property(name="pid", types=["INTEGER"], fill_rate=1.0, provenance=sample, observed=1000),
    ]
    seen = keys_seen_on("OS", [_software_read(), _os_read()])
    seen["pid"] = type(seen["name"])({"STRING"}, 2, {"Other"})  # a type OS's sample missed
    merged = merge_seen_keys(own, seen, 8003, sample)
    by_name = {p.name: p for p in merged}
    assert [p.name for p in merged] == ["name", "pid", "versions"]
    versions = by_name["versions"]
    assert versions.types == ["LIST<STRING>"] and versions.seen_in == ["Software"]
    assert versions.observed == 3 and versions.fill_rate == pytest.approx(3 / 8003)
    assert versions.provenance == sample
    assert by_name["pid"].types == ["INTEGER", "STRING"] and by_name["pid"].seen_in == ["Other"]
    # A key its own sample saw keeps its fill rate and names no other read.
    assert by_name["name"].fill_rate == 1.0 and by_name["name"].seen_in == []


# ------------------------------------------------------------------------ label combinations


def _sources(census_whole: bool = False) -> list[SetCounts]:
    return [
        # The census: 10,000 of 20,048 nodes, missing the 3 (:OS:Software) and the (:Rare).
        SetCounts(
            None,
            20_048 if census_whole else 10_000,
            20_048,
            census_whole,
            Counter({("OS", "Process"): 9_975, ("Software",): 19, ("Process", "Rare"): 6})
            if not census_whole
            else Counter(
                {("OS", "Process"): 20_000, ("Software",): 40, ("Process", "Rare"): 5, OS_SW: 3}
            ),
        ),
        SetCounts("Software", 43, 43, True, Counter({("Software",): 40, OS_SW: 3})),
        SetCounts("Rare", 5, 5, True, Counter({("Process", "Rare"): 5})),
        SetCounts("OS", 1000, 20_003, False, Counter({("OS", "Process"): 1000})),
        SetCounts(
            "Process",
            1000,
            20_005,
            False,
            Counter({("OS", "Process"): 998, ("Process", "Rare"): 2}),
        ),
    ]


COUNTS = {"OS": 20_003, "Process": 20_005, "Software": 43, "Rare": 5}


@pytest.mark.parametrize(
    ("labels", "count", "method", "counted_in"),
    [
        (OS_SW, 3, "scan", "Software"),  # the census missed it; Software read it whole
        (("Software",), 40, "scan", "Software"),
        (("Process", "Rare"), 5, "scan", "Rare"),  # never above Rare's 5 (the census said 6)
    ],
)
def test_combinations_holding_a_label_read_whole_are_exact(
    labels: tuple[str, ...], count: int, method: str, counted_in: str
) -> None:
    combos = {tuple(c.labels): c for c in label_combinations(_sources(), COUNTS)}
    combo = combos[labels]
    assert combo.count == count and combo.provenance is not None
    assert combo.provenance.method == method and combo.counted_in == counted_in
    assert combo.lower_bound is None and combo.upper_bound is None


def test_an_estimated_combination_has_an_interval_within_the_count_store() -> None:
    combos = {tuple(c.labels): c for c in label_combinations(_sources(), COUNTS)}
    combo = combos[("OS", "Process")]
    assert combo.provenance is not None and combo.provenance.method == "sample"
    # The census drew half of all nodes, OS's and Process's samples a twentieth of theirs.
    assert combo.counted_in is None and combo.provenance.sample_size == 10_000
    low, high = combo.lower_bound, combo.upper_bound
    assert low is not None and high is not None and low <= combo.count <= high
    # OS's count less its exact combination with Software; Process's less Rare's.
    assert high <= min(20_003 - 3, 20_005 - 5)


def test_every_combination_stays_within_each_labels_count() -> None:
    for census_whole in (False, True):
        for combo in label_combinations(_sources(census_whole), COUNTS):
            assert combo.count <= min(COUNTS[x] for x in combo.labels), combo
            for label in combo.labels:
                # The exact combinations of a label read whole add up to its count.
                whole = {"Software", "Rare"}
                if label in whole:
                    total = sum(
                        c.count
                        for c in label_combinations(_sources(census_whole), COUNTS)
                        if label in c.labels
                    )
                    assert total == COUNTS[label]


def test_a_whole_census_makes_every_combination_exact() -> None:
    combos = label_combinations(_sources(census_whole=True), COUNTS)
    assert all(c.provenance and c.provenance.method == "scan" for c in combos)
    assert {tuple(c.labels): c.count for c in combos}[("OS", "Process")] == 20_000


def test_a_census_only_estimate_is_bounded_and_seen_nodes_count() -> None:
    census = SetCounts(
        None, 1000, 1_000_000, False, Counter({("A", "B"): 0, ("A",): 999, ("B",): 1})
    )
    label_b = SetCounts("B", 50, 60, False, Counter({("A", "B"): 2, ("B",): 48}))
    combos = {
        tuple(c.labels): c for c in label_combinations([census, label_b], {"A": 999_000, "B": 60})
    }
    ab = combos[("A", "B")]
    # B's sample draws the larger share of its population (50 of 60): it counts A:B.
    assert ab.counted_in == "B" and ab.provenance is not None and ab.provenance.sample_size == 50
    assert ab.lower_bound is not None and ab.upper_bound is not None
    assert 2 <= ab.lower_bound <= ab.count <= ab.upper_bound <= 60
    assert ab.count == round(2 * 60 / 50)


def test_the_plan_states_each_sampled_subjects_limit() -> None:
    sizes = Sizes(
        node_count=20_048,
        relationship_count=0,
        label_counts={"OS": 20_003, "Software": 43},
        type_counts={},
        node_id_high=20_048,
        node_id_prefix="4:x:",
    )

    async def plan() -> list[PlanItem]:  # a plain loop: the plan is pure
        return make_plan(RunOptions(mode="sampled", sample_size=1000), sizes)

    items = {i.subject: i for i in asyncio.run(plan()) if i.activity == "schema"}
    os_item, software = items["(:OS)"], items["(:Software)"]
    assert os_item.sample_limit == sample_limit(1000, 20_003)
    assert os_item.sample_limit is not None
    below = os_item.sample_limit.missable_below
    assert f"keys on fewer than {below:,}" in os_item.reason
    assert math.isclose(os_item.sample_limit.missable_share, below / 20_003)
    assert software.method == "exact" and software.sample_limit is None
