"""make_plan without a server: which labels and types are read whole, sampled or counted,
and at what cost, for each mode (the rules in RunOptions.is_exact and sampling.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from neosense_desktop.core.extraction.options import ACTIVITY_NAMES, RunOptions
from neosense_desktop.core.extraction.planning import make_plan
from neosense_desktop.core.extraction.sizes import Sizes
from neosense_desktop.core.report import PlanItem

# One graph for most cases: a small label, one as big as a sample, two past it, one token
# left over from deleted data; one small type, one big one.
LABELS = {"Small": 40, "Edge": 1_000, "Mid": 50_000, "Big": 500_000, "Gone": 0}
TYPES = {"LIKES": 300, "KNOWS": 2_000_000, "WAS": 0}
NODES = 551_040  # the labels' sum: no node holds two labels here
IDS = 1_000_000  # node id space: Big holds half of it, Mid 5 %


def _sizes(
    labels: dict[str, int] = LABELS,
    types: dict[str, int] = TYPES,
    nodes: int = NODES,
    node_ids: int = IDS,
    relationship_ids: int = 0,
) -> Sizes:
    return Sizes(
        node_count=nodes,
        relationship_count=sum(types.values()),
        label_counts=dict(labels),
        type_counts=dict(types),
        node_id_high=node_ids,
        relationship_id_high=relationship_ids,
    )


def _by_subject(plan: list[PlanItem], activity: str) -> dict[str, tuple[str, int]]:
    return {i.subject: (i.method, i.estimated_rows) for i in plan if i.activity == activity}


@dataclass
class Case:
    name: str
    options: RunOptions
    schema: dict[str, tuple[str, int]]  # subject -> (method, rows) of the schema items
    census: tuple[str, int]  # quality's and statistics' shared census item
    # relationship_types' '*' item: a scan ("exact"), none ("count_store"), absent (None:
    # a graph without relationships has no patterns)
    unlabeled: str | None
    sizes: Sizes = field(default_factory=_sizes)


CASES = [
    Case(
        "exact reads everything whole",
        RunOptions(mode="exact"),
        {
            "(:Small)": ("exact", 40),
            "(:Edge)": ("exact", 1_000),
            "(:Mid)": ("exact", 50_000),
            "(:Big)": ("exact", 500_000),
            "[:LIKES]": ("exact", 300),
            "[:KNOWS]": ("exact", 2_000_000),
        },
        ("exact", NODES),
        "exact",
    ),
    Case(
        "sampled reads whole what fits in one sample, samples the rest",
        RunOptions(mode="sampled", sample_size=1_000),
        {
            "(:Small)": ("exact", 40),
            "(:Edge)": ("exact", 1_000),  # a sample as big as the label is the label
            "(:Mid)": ("sampled", 1_000),
            "(:Big)": ("sampled", 1_000),
            "[:LIKES]": ("exact", 300),
            "[:KNOWS]": ("sampled", 1_000),
        },
        ("sampled", 10_000),  # the census samples at least 10k nodes
        "exact",  # 551k nodes: below the sampled mode's 2M scan limit
    ),
    Case(
        "auto: exact below the threshold, sampled from it",
        RunOptions(mode="auto", exact_threshold=100_000, sample_size=1_000),
        {
            "(:Small)": ("exact", 40),
            "(:Edge)": ("exact", 1_000),
            "(:Mid)": ("exact", 50_000),
            "(:Big)": ("sampled", 1_000),
            "[:LIKES]": ("exact", 300),
            "[:KNOWS]": ("sampled", 1_000),
        },
        ("sampled", 10_000),
        "exact",
    ),
    Case(
        "auto: a sample size above the threshold reads whole up to the sample size",
        RunOptions(mode="auto", exact_threshold=10, sample_size=60_000),
        {
            "(:Small)": ("exact", 40),
            "(:Edge)": ("exact", 1_000),
            "(:Mid)": ("exact", 50_000),
            "(:Big)": ("sampled", 60_000),
            "[:LIKES]": ("exact", 300),
            "[:KNOWS]": ("sampled", 60_000),
        },
        ("sampled", 60_000),
        "exact",
    ),
    Case(
        "a small graph's census is read whole in sampled mode",
        RunOptions(mode="sampled", sample_size=100),
        {"(:A)": ("exact", 100), "(:B)": ("sampled", 100)},
        ("exact", 5_000),
        None,
        _sizes({"A": 100, "B": 4_900}, {}, nodes=5_000, node_ids=5_000),
    ),
    Case(
        "past 2M nodes a sampled run does not scan for unlabeled ends",
        RunOptions(mode="sampled"),
        {"(:A)": ("sampled", 1_000), "[:T]": ("sampled", 1_000)},
        ("sampled", 10_000),
        "count_store",
        _sizes({"A": 3_000_000}, {"T": 5_000}, nodes=3_000_000, node_ids=3_000_000),
    ),
    Case(
        "an exact run scans for unlabeled ends up to 20M nodes",
        RunOptions(mode="exact"),
        {"(:A)": ("exact", 3_000_000), "[:T]": ("exact", 5_000)},
        ("exact", 3_000_000),
        "exact",
        _sizes({"A": 3_000_000}, {"T": 5_000}, nodes=3_000_000, node_ids=3_000_000),
    ),
    Case(
        "an exact run past 20M nodes does not",
        RunOptions(mode="exact"),
        {"(:A)": ("exact", 25_000_000), "[:T]": ("exact", 5)},
        ("exact", 25_000_000),
        "count_store",
        _sizes({"A": 25_000_000}, {"T": 5}, nodes=25_000_000, node_ids=25_000_000),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_schema_items_census_and_unlabeled_scan(case: Case) -> None:
    plan = make_plan(case.options, case.sizes)
    assert _by_subject(plan, "schema") == case.schema
    census = {i.activity: (i.method, i.estimated_rows) for i in plan if i.subject == "*"}
    assert census["quality_and_context"] == case.census
    assert census["statistics_and_indexes"] == case.census
    types = _by_subject(plan, "relationship_types")
    assert types.pop("*", (None,))[0] == case.unlabeled
    # relationship_types plans the same method per type as schema does.
    assert types == {s: m for s, m in case.schema.items() if s.startswith("[:")}


def test_unused_tokens_get_no_item() -> None:
    plan = make_plan(RunOptions(mode="exact"), _sizes())
    assert not [i for i in plan if "Gone" in i.subject or "WAS" in i.subject]
    # node_labels is one count-store item over every token, unused ones included.
    (labels,) = [i for i in plan if i.activity == "node_labels"]
    assert (labels.subject, labels.method, labels.estimated_rows) == ("*", "count_store", 5)


@pytest.mark.parametrize(
    ("activities", "planned"),
    [
        (["node_labels"], {"node_labels"}),
        (["schema"], {"schema"}),
        (
            ["relationship_types", "statistics_and_indexes"],
            {"relationship_types", "statistics_and_indexes"},
        ),
        (list(ACTIVITY_NAMES), set(ACTIVITY_NAMES)),
    ],
)
def test_only_the_chosen_activities_are_planned(activities: list[str], planned: set[str]) -> None:
    plan = make_plan(RunOptions(activities=activities), _sizes())
    assert {i.activity for i in plan} == planned


def _numbers(text: str) -> list[int]:
    """The whole numbers in a plan reason, however they are grouped ('1,000' or '1000')."""
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*\d|\d", text)]


@pytest.mark.parametrize(
    ("label", "how", "numbers"),
    [
        # Big holds half the id space: 1000 of it by ~2.6k random ids beats a 500k scan.
        ("(:Big)", "random id seek", [1_000, 500_000, 2_616]),
        # Mid holds 5 %: seeking 1000 of it needs 26k ids, dearer than scanning its 50k.
        ("(:Mid)", "hashed id scan", [1_000, 50_000, 1, 50]),
    ],
)
def test_a_sample_is_drawn_the_cheaper_way(label: str, how: str, numbers: list[int]) -> None:
    plan = make_plan(RunOptions(mode="sampled"), _sizes())
    (item,) = [i for i in plan if i.activity == "schema" and i.subject == label]
    assert how in item.reason
    drawn, _, limit = item.reason.partition("; keys on fewer than ")
    assert _numbers(drawn) == numbers
    # Then what the sample can miss (sample_limits.py), the plan item's own numbers.
    assert item.sample_limit is not None
    assert _numbers(limit)[0] == item.sample_limit.missable_below


def test_without_an_id_space_every_sample_is_a_hashed_scan() -> None:
    plan = make_plan(RunOptions(mode="sampled"), _sizes(node_ids=0))
    sampled = [i for i in plan if i.activity == "schema" and i.method == "sampled"]
    assert sampled and all("hashed id scan" in i.reason for i in sampled)


@pytest.mark.parametrize(
    ("count", "quality", "from_sample"),
    [
        (5_000, True, False),  # up to 5000 entities: statistics from the full read
        (5_001, True, True),  # past it: from a spread sample, and the plan says so
        (50_000, False, False),  # no quality activity: no value statistics to mention
    ],
)
def test_an_exact_item_says_when_its_value_statistics_come_from_a_sample(
    count: int, quality: bool, from_sample: bool
) -> None:
    activities = ["schema", "quality_and_context"] if quality else ["schema"]
    options = RunOptions(mode="exact", activities=activities, sample_size=700)
    plan = make_plan(options, _sizes({"A": count}, {}, nodes=count, node_ids=count))
    (item,) = [i for i in plan if i.activity == "schema"]
    assert item.method == "exact"
    # The statistics sample is at least 1000 entities, even with a smaller sample size.
    assert ("from a spread sample of" in item.reason) is from_sample
    if from_sample:
        assert _numbers(item.reason)[-1] == 1_000
