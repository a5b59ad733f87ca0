"""Plan warm-up on the real server (issue 28): every text it has the server plan is one the
run then sends (but the supernodes' lookup, which the run may not send), built by the same
builders with another seed; every text the run sends under a name the warm-up covers was
planned; and it sends nothing but EXPLAIN. A drift between the warm-up and the run's reads
fails here."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from benchmarks.server_work import Recorded, RecordingClient
from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.cypher import escape_name
from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.extraction.options import ACTIVITY_NAMES
from neosense_desktop.core.graph_client import GraphClient
from tests.integration.engine_support import settings_for
from tests.neo4j_support import GraphFixture

pytestmark = pytest.mark.neo4j

# The reads the warm-up covers, by query name: the run sends no text under these names
# that the warm-up did not plan.
COVERED_NAMES = {
    "schema.batch",
    "schema.batch_profiles",
    "type.batch",
    "type.batch_profiles",
    "value_sample.labels",
    "value_sample.relationship_types",
    "schema.profile_scan",
    "schema.profile_sample",
    "schema.scan",
    "schema.sample",
    "schema.key_scan",
    "type.profile_scan",
    "type.profile_sample",
    "type.scan",
    "type.sample",
    "builtin.nodeTypeProperties",
    "builtin.relTypeProperties",
    "census.scan",
    "census.sample",
    "indexes",
    "constraints",
    "patterns.unlabeled",
    "supernodes",
}
# Planned though the run may not send it: its sending follows the census's degrees.
MAY_NOT_SEND = {"supernodes"}
# Every case runs statistics: the census, the SHOW reads and the supernodes' lookup.
SHARED_NAMES = {"census.scan", "indexes", "constraints", "supernodes"}
# Read whole (small), sampled, and hostile names.
LABELS = {"Small": 10, "Big`) MATCH (m) //": 1_500, "名 前|<b>": 900, "Mid;": 400}
TYPES = {"LINKS": 1_200, "rel `x` |<i>": 700, "FEW": 5}


def _build(
    graph: GraphFixture, labels: Mapping[str, int] = LABELS, types: Mapping[str, int] = TYPES
) -> None:
    for name, count in labels.items():
        graph.run(
            f"UNWIND range(1, $n) AS i CREATE (:{escape_name(name)} {{k: i, s: toString(i)}})",
            n=count,
        )
    for name, count in types.items():
        graph.run(
            f"MATCH (a:{escape_name('Mid;')}) WITH a LIMIT 1 MATCH (b:Small) WITH a, b LIMIT 1 "
            f"UNWIND range(1, $n) AS i CREATE (a)-[:{escape_name(name)} {{w: i * 1.5}}]->(b)",
            n=count,
        )


@pytest.mark.parametrize("profiles", [True, False], ids=["value-statistics", "no-quality"])
async def test_warmup_plans_exactly_the_texts_the_run_sends(
    graph: GraphFixture, profiles: bool
) -> None:
    """Sampled, with the value statistics (quality runs: the *_profiles texts) and without
    (no quality: the plain batch texts)."""
    _build(graph)
    activities = [a for a in ACTIVITY_NAMES if profiles or a != "quality_and_context"]
    options = RunOptions(
        mode="sampled", sample_size=300, max_concurrent_queries=4, activities=activities
    )
    warmed = await _warm_then_run(graph, options)
    expected = (
        {"schema.batch_profiles", "type.batch_profiles"}
        if profiles
        else {"schema.batch", "type.batch"}
    )
    assert warmed == expected | SHARED_NAMES


async def test_warmup_plans_an_exact_runs_own_reads(graph: GraphFixture) -> None:
    """Exact: a label or type too big to profile in full (value_profile.EXACT_PROFILE_MAX)
    takes its types from the builtin procedures and its value statistics from a batched
    spread sample; the others are each read by a text of their own. All are warmed but the
    big type's key counts, which name the keys the procedure gives (left out), and the
    warm-up's empty rows send no label down the builtin path's fallback (a text the run
    would not send, which the subset check catches)."""
    _build(graph, {"Huge `x`": 5_200, "Mid;": 300, "Small": 10}, {"MANY|": 5_100, "FEW": 5})
    options = RunOptions(mode="exact", sample_size=300, max_concurrent_queries=4)
    warmed = await _warm_then_run(graph, options)
    assert warmed == SHARED_NAMES | {
        "value_sample.labels",
        "value_sample.relationship_types",
        "schema.key_scan",
        "builtin.nodeTypeProperties",
        "builtin.relTypeProperties",
        "schema.profile_scan",
        "type.profile_scan",
    }


async def test_warmup_plans_an_exact_run_on_the_builtins(graph: GraphFixture) -> None:
    """Exact without quality: every label and type takes its types from the procedures.
    A label's key scan is warmed, a type's reads (which depend on the procedure's answer)
    are not, and nothing of the valueType scans the builtin path falls back to is sent.
    MIXED's patterns are not implied by the counts, so the run scans it counting the key
    not every relationship has: a text the warm-up's empty procedure rows cannot build.
    Nor can the count store prove MIXED's ends labeled, so the run scans the unlabeled
    nodes (patterns.unlabeled), and the warm-up, deciding by the planning's counts, plans
    that scan too; in the other cases the counts prove every end labeled, and neither does."""
    _build(graph)
    graph.run("CREATE (:A)-[:MIXED {w: 1}]->(:B), (:C)-[:MIXED]->(:D)")
    activities = [a for a in ACTIVITY_NAMES if a != "quality_and_context"]
    options = RunOptions(mode="exact", max_concurrent_queries=4, activities=activities)
    warmed = await _warm_then_run(graph, options)
    assert warmed == SHARED_NAMES | {
        "schema.key_scan",
        "builtin.nodeTypeProperties",
        "builtin.relTypeProperties",
        "patterns.unlabeled",
    }


async def test_warmup_plans_a_sampled_census(graph: GraphFixture) -> None:
    """More nodes than the census reads (readings.CENSUS_MIN_SAMPLE): census.sample, whose
    sample's seed is a parameter, is warmed for a run with another seed."""
    _build(graph, {**LABELS, "Many": 10_500})
    options = RunOptions(mode="sampled", sample_size=300, max_concurrent_queries=4)
    warmed = await _warm_then_run(graph, options)
    assert {"census.sample", "indexes", "constraints"} <= warmed
    assert "census.scan" not in warmed


async def test_warmup_plans_northwind_in_auto_mode(graph: GraphFixture) -> None:
    """The window's default run on Northwind: the batches, the types too big for a batch
    read whole by their own type.profile_scan, the census and the SHOW reads."""
    graph.load_northwind()
    warmed = await _warm_then_run(graph, RunOptions())
    assert warmed == SHARED_NAMES | {
        "schema.batch_profiles",
        "type.batch_profiles",
        "type.profile_scan",
    }


async def _warm_then_run(graph: GraphFixture, options: RunOptions) -> set[str]:
    """Show the plan and warm it, then run: the names of the texts the warm-up planned,
    after checking it planned them by EXPLAIN only, that the run sent each of them, and
    that the run sent no text under a covered name that the warm-up did not plan."""
    settings = settings_for(graph.server)
    shown: Recorded = []
    ran: Recorded = []

    def recording(record: Recorded) -> Callable[[ConnectionSettings, str, float], GraphClient]:
        def factory(s: ConnectionSettings, password: str, timeout_s: float) -> GraphClient:
            return RecordingClient(s, password, query_timeout_s=timeout_s, record=record)

        return factory

    # The plan shown (one ExtractionRun, as the window's Show plan), then its warm-up.
    async with ExtractionRun(
        settings, graph.server.password, options, client_factory=recording(shown)
    ) as preview:
        await preview.plan()
        before = len(shown)
        warmed = await preview.warm_plans()
    sent_by_warmup = shown[before:]
    # F5: another ExtractionRun (another run id, so other sample seeds), as the window's.
    async with ExtractionRun(
        settings, graph.server.password, options, client_factory=recording(ran)
    ) as run:
        report = await run.run()
    assert report.labels

    assert not warmed.failed
    assert sent_by_warmup, "the warm-up sent nothing"
    assert all(cypher.startswith("EXPLAIN ") for _, cypher, _ in sent_by_warmup), [
        name for name, cypher, _ in sent_by_warmup if not cypher.startswith("EXPLAIN ")
    ]
    assert all(name.startswith("warmup.") for name, _, _ in sent_by_warmup)
    warm_texts = {
        (name.removeprefix("warmup."), c[len("EXPLAIN ") :]) for name, c, _ in sent_by_warmup
    }
    assert warm_texts == set(warmed.planned)
    run_texts = {(name, c) for name, c, _ in ran}
    unsent = {(name, c) for name, c in warm_texts - run_texts if name not in MAY_NOT_SEND}
    assert not unsent, sorted(unsent)
    covered = {(name, c) for name, c in run_texts if name in COVERED_NAMES}
    assert not covered - warm_texts, sorted(covered - warm_texts)
    # The same parameters by name (their values, the samples' seeds, differ).
    warm_keys = {c[len("EXPLAIN ") :]: set(p) for _, c, p in sent_by_warmup}
    for _, cypher, params in ran:
        if cypher in warm_keys:
            assert set(params or {}) == warm_keys[cypher]
    return {name for name, _ in warm_texts}
