"""decide_readings without a server: each subject's reading (whole or sampled, the sample's
size and how it is drawn, the value statistics' sample), decided once per run, and the
samples the run context draws from it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.extraction.context import Capabilities, RunContext
from neosense_desktop.core.extraction.options import RunOptions
from neosense_desktop.core.extraction.planning import make_plan
from neosense_desktop.core.extraction.readings import Reading, decide_readings
from neosense_desktop.core.extraction.sampling import HashSample, IdSample, choose_sample
from neosense_desktop.core.extraction.sizes import Sizes
from neosense_desktop.core.graph_client import GraphClient

LABELS = {"Small": 40, "Edge": 1_000, "Mid": 50_000, "Big": 500_000, "Gone": 0}
TYPES = {"LIKES": 300, "KNOWS": 2_000_000, "WAS": 0}
NODES = 551_040
NODE_PREFIX = "4:db:"
REL_PREFIX = "5:db:"


def _sizes(nodes: int = NODES, node_ids: int = 1_000_000, relationship_ids: int = 0) -> Sizes:
    return Sizes(
        node_count=nodes,
        relationship_count=sum(TYPES.values()),
        label_counts=dict(LABELS),
        type_counts=dict(TYPES),
        node_id_high=node_ids,
        relationship_id_high=relationship_ids,
        node_id_prefix=NODE_PREFIX if node_ids else None,
        relationship_id_prefix=REL_PREFIX if relationship_ids else None,
    )


# How a subject is read: ("whole", rows) or (drawn "seek" | "scan", rows); and, for a
# subject read whole, the size of its value statistics' sample (None: profiled in full).
Shape = tuple[str, int, int | None]


def _shape(reading: Reading) -> Shape:
    profile = reading.profile.size if reading.profile is not None else None
    if reading.design is None:
        return ("whole", reading.rows, profile)
    how = "seek" if reading.design.seek_ids is not None else "scan"
    return (how, reading.rows, profile)


@dataclass
class Case:
    name: str
    options: RunOptions
    sizes: Sizes
    subjects: dict[str, Shape]  # "(:Label)" / "[:TYPE]" -> shape
    census: Shape
    all_nodes: Shape


CASES = [
    Case(
        "exact: everything whole, big ones profiled from a 1,000 sample",
        RunOptions(mode="exact"),
        _sizes(),
        {
            "(:Small)": ("whole", 40, None),
            "(:Edge)": ("whole", 1_000, None),
            "(:Mid)": ("whole", 50_000, 1_000),
            "(:Big)": ("whole", 500_000, 1_000),
            "[:LIKES]": ("whole", 300, None),
            "[:KNOWS]": ("whole", 2_000_000, 1_000),
        },
        ("whole", NODES, None),
        ("whole", NODES, None),
    ),
    Case(
        "sampled: whole up to the sample size, seek where the label fills the id space",
        RunOptions(mode="sampled", sample_size=1_000),
        _sizes(),
        {
            "(:Small)": ("whole", 40, None),
            "(:Edge)": ("whole", 1_000, None),  # a sample as big as the label is the label
            "(:Mid)": ("scan", 1_000, None),  # 5 % of the id space: seeking costs more
            "(:Big)": ("seek", 1_000, None),  # half of it: 2.6k seeks beat a 500k scan
            "[:LIKES]": ("whole", 300, None),
            "[:KNOWS]": ("scan", 1_000, None),  # relationship id space unknown
        },
        ("seek", 10_000, None),  # the census samples at least 10k
        ("seek", 1_000, None),
    ),
    Case(
        "sampled without an id space: every sample a hashed scan",
        RunOptions(mode="sampled", sample_size=1_000),
        _sizes(node_ids=0, relationship_ids=0),
        {
            "(:Small)": ("whole", 40, None),
            "(:Edge)": ("whole", 1_000, None),
            "(:Mid)": ("scan", 1_000, None),
            "(:Big)": ("scan", 1_000, None),
            "[:LIKES]": ("whole", 300, None),
            "[:KNOWS]": ("scan", 1_000, None),
        },
        ("scan", 10_000, None),
        ("scan", 1_000, None),
    ),
    Case(
        "sampled, types filling their id space: seek",
        RunOptions(mode="sampled", sample_size=2_000),
        _sizes(relationship_ids=2_100_000),
        {
            "(:Small)": ("whole", 40, None),
            "(:Edge)": ("whole", 1_000, None),
            "(:Mid)": ("scan", 2_000, None),
            "(:Big)": ("seek", 2_000, None),
            "[:LIKES]": ("whole", 300, None),
            "[:KNOWS]": ("seek", 2_000, None),
        },
        ("seek", 10_000, None),
        ("seek", 2_000, None),
    ),
    Case(
        "sampled, a graph smaller than the census sample: census whole",
        RunOptions(mode="sampled", sample_size=1_000),
        _sizes(nodes=9_000),
        {
            "(:Small)": ("whole", 40, None),
            "(:Edge)": ("whole", 1_000, None),
            "(:Mid)": ("scan", 1_000, None),
            "(:Big)": ("seek", 1_000, None),
            "[:LIKES]": ("whole", 300, None),
            "[:KNOWS]": ("scan", 1_000, None),
        },
        ("whole", 9_000, None),
        ("scan", 1_000, None),  # 9,000 nodes in a 1M id space: too sparse to seek
    ),
    Case(
        "auto: whole below the threshold (profiled by sample past 5,000), sampled above",
        RunOptions(mode="auto", sample_size=1_000, exact_threshold=100_000),
        _sizes(),
        {
            "(:Small)": ("whole", 40, None),
            "(:Edge)": ("whole", 1_000, None),
            "(:Mid)": ("whole", 50_000, 1_000),
            "(:Big)": ("seek", 1_000, None),
            "[:LIKES]": ("whole", 300, None),
            "[:KNOWS]": ("scan", 1_000, None),
        },
        ("seek", 10_000, None),
        ("seek", 1_000, None),
    ),
    Case(
        "auto at threshold 0: whole only up to the sample size",
        RunOptions(mode="auto", sample_size=1_000, exact_threshold=0),
        _sizes(),
        {
            "(:Small)": ("whole", 40, None),
            "(:Edge)": ("whole", 1_000, None),
            "(:Mid)": ("scan", 1_000, None),
            "(:Big)": ("seek", 1_000, None),
            "[:LIKES]": ("whole", 300, None),
            "[:KNOWS]": ("scan", 1_000, None),
        },
        ("seek", 10_000, None),
        ("seek", 1_000, None),
    ),
    Case(
        "auto with a big sample size: the statistics sample follows it, the census too",
        RunOptions(mode="auto", sample_size=20_000, exact_threshold=60_000),
        _sizes(),
        {
            "(:Small)": ("whole", 40, None),
            "(:Edge)": ("whole", 1_000, None),
            "(:Mid)": ("whole", 50_000, 20_000),
            "(:Big)": ("seek", 20_000, None),  # 20k of half the id space: 52k seeks
            "[:LIKES]": ("whole", 300, None),
            "[:KNOWS]": ("scan", 20_000, None),
        },
        ("seek", 20_000, None),
        ("seek", 20_000, None),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_subject_is_decided_once(case: Case) -> None:
    readings = decide_readings(case.options, case.sizes)
    decided = {
        **{f"(:{name})": _shape(r) for name, r in readings.labels.items()},
        **{f"[:{name}]": _shape(r) for name, r in readings.types.items()},
    }
    assert decided == case.subjects  # tokens without entities ("Gone", "WAS") have none
    assert _shape(readings.census) == case.census
    assert _shape(readings.all_nodes) == case.all_nodes
    assert readings.everything_exact is all(s[0] == "whole" for s in case.subjects.values())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_plan_words_the_readings(case: Case) -> None:
    readings = decide_readings(case.options, case.sizes)
    plan = make_plan(case.options, case.sizes, readings)
    assert plan == make_plan(case.options, case.sizes)  # the same decision, not another
    schema = {i.subject: i for i in plan if i.activity == "schema"}
    assert set(schema) == set(case.subjects)
    for subject, item in schema.items():
        name = subject[2:-1]
        reading = readings.label(name) if subject.startswith("(") else readings.type(name)
        assert (item.method, item.estimated_rows) == (reading.method, reading.rows), subject
        assert item.reason.startswith(reading.describe()), subject
    (census,) = [i for i in plan if i.activity == "quality_and_context"]
    assert (census.method, census.estimated_rows) == (
        readings.census.method,
        readings.census.rows,
    )


def test_a_subject_the_sizes_do_not_hold_is_read_whole() -> None:
    readings = decide_readings(RunOptions(mode="sampled"), _sizes())
    for reading in (readings.label("Gone"), readings.type("WAS"), readings.label("Never")):
        assert reading.exact and reading.rows == 0 and reading.profile is None


async def test_the_context_draws_the_samples_the_runs_always_drew() -> None:
    """Same seeds and designs as the per-activity choose_sample calls this replaced: the
    queries, and so the samples, of a run are unchanged."""
    options = RunOptions(mode="auto", sample_size=1_000, exact_threshold=100_000)
    sizes = _sizes(relationship_ids=2_100_000)
    client = GraphClient(ConnectionSettings(uri="bolt://localhost:7687", user="neo4j"), "x")
    caps = Capabilities(
        version="5.26.0", edition="community", database="neo4j", value_type=True, apoc=False
    )
    ctx = RunContext(client, options, sizes, caps, run_id="r1")
    marker = "neosense-run:r1"

    big = ctx.sample_of(ctx.reading_of_label("Big"))
    assert isinstance(big, IdSample)
    assert big == choose_sample(
        500_000, 1_000, 1_000_000, f"{marker}:node:Big", "nodes", NODE_PREFIX
    )
    knows = ctx.sample_of(ctx.reading_of_type("KNOWS"))
    assert knows == choose_sample(
        2_000_000, 1_000, 2_100_000, f"{marker}:rel:KNOWS", "relationships", REL_PREFIX
    )
    census = ctx.sample_of(ctx.readings.census)
    assert census == choose_sample(
        NODES, 10_000, 1_000_000, f"{marker}:node:None", "nodes", NODE_PREFIX
    )
    assert ctx.sample_of(ctx.readings.all_nodes) == choose_sample(
        NODES, 1_000, 1_000_000, f"{marker}:node:None", "nodes", NODE_PREFIX
    )
    # Mid is read whole; its value statistics come from the profile sample, same seed.
    mid = ctx.reading_of_label("Mid")
    assert ctx.sample_of(mid) is None
    profile = ctx.profile_sample_of(mid)
    assert isinstance(profile, HashSample)
    assert profile == choose_sample(
        50_000, 1_000, 1_000_000, f"{marker}:node:Mid", "nodes", NODE_PREFIX
    )
    assert ctx.profile_sample_of(ctx.reading_of_label("Small")) is None
    # Another run: other draws of the same designs.
    other = RunContext(client, options, sizes, caps, run_id="r2", readings=ctx.readings)
    assert other.readings is ctx.readings
    again = other.sample_of(other.reading_of_label("Big"))
    assert isinstance(again, IdSample) and again != big
    assert (again.count, again.limit, again.high) == (big.count, big.limit, big.high)
