"""Plan warm-up on the real server (issue 28): the texts it has the server plan are the very
texts the run then sends, built by the same builders with another seed, and it sends
nothing but EXPLAIN. A drift between the warm-up and the run's batch reads fails here."""

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

# The batch reads the warm-up covers, by query name.
BATCH_NAMES = {
    "schema.batch",
    "schema.batch_profiles",
    "type.batch",
    "type.batch_profiles",
    "value_sample.labels",
    "value_sample.relationship_types",
}
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
    run_texts = await _warm_then_run(graph, options)
    expected = (
        {"schema.batch_profiles", "type.batch_profiles"}
        if profiles
        else {"schema.batch", "type.batch"}
    )
    assert {name for name, _ in run_texts} == expected


async def test_warmup_plans_an_exact_runs_value_samples(graph: GraphFixture) -> None:
    """Exact: a label or type too big to profile in full (value_profile.EXACT_PROFILE_MAX)
    takes its value statistics from a batched spread sample; those texts are warmed."""
    _build(graph, {"Huge `x`": 5_200, "Mid;": 300, "Small": 10}, {"MANY|": 5_100, "FEW": 5})
    options = RunOptions(mode="exact", sample_size=300, max_concurrent_queries=4)
    run_texts = await _warm_then_run(graph, options)
    assert {name for name, _ in run_texts} == {
        "value_sample.labels",
        "value_sample.relationship_types",
    }


async def _warm_then_run(graph: GraphFixture, options: RunOptions) -> set[tuple[str, str]]:
    """Show the plan and warm it, then run: the run's batch texts, (name, text), after
    checking the warm-up planned exactly those, by EXPLAIN only."""
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
    run_texts = {(name, c) for name, c, _ in ran if name in BATCH_NAMES}
    assert warm_texts == run_texts
    # The same parameters by name (their values, the samples' seeds, differ).
    warm_keys = {c[len("EXPLAIN ") :]: set(p) for _, c, p in sent_by_warmup}
    for _, cypher, params in ran:
        if cypher in warm_keys:
            assert set(params) == warm_keys[cypher]
    return run_texts
