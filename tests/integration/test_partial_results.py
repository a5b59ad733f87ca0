"""Results as they arrive: a run publishes what it knows after planning and after each
activity, against the real server; the partials never change under the consumer."""

from __future__ import annotations

import asyncio

import pytest

from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.extraction.partial import partial_report, pending_activities
from neosense_desktop.core.report import ACTIVITY_NAMES, Report
from tests.fault_clients import FailingSchemaClient, HeldQueriesClient, client_factory
from tests.integration.engine_support import real_counts, settings_for
from tests.neo4j_support import GraphFixture

pytestmark = pytest.mark.neo4j

HELD = ["quality_and_context", "statistics_and_indexes"]  # they wait on the census


def _counts(report: Report) -> tuple[dict[str, int], dict[str, int]]:
    return (
        {x.name: x.count for x in report.labels},
        {x.name: x.count for x in report.relationship_types},
    )


async def test_partials_start_with_every_label_and_end_as_the_report(graph: GraphFixture) -> None:
    graph.load_northwind()
    partials: list[Report] = []
    async with ExtractionRun(
        settings_for(graph.server),
        graph.server.password,
        RunOptions(mode="sampled", sample_size=50),
        on_partial=partials.append,
    ) as run:
        report = await run.run()
    # One when the count store has answered, one once planned, one per activity.
    assert len(partials) == 2 + len(ACTIVITY_NAMES)
    assert partials[0].plan == [] and partials[1].plan == report.plan
    first = partials[0]
    assert first.activities == {}
    assert pending_activities(first) == list(ACTIVITY_NAMES)
    # Every label and type with its count, before any activity has finished.
    assert _counts(first) == real_counts(graph)
    assert all(x.properties == [] for x in first.labels)
    nodes = graph.run("MATCH (n) RETURN count(n) AS c")[0]["c"]
    assert first.statistics.node_count == nodes
    assert first.run.id == report.run.id
    # Each later partial has one more finished activity; the last has them all.
    assert [len(p.activities) for p in partials] == [0, *range(len(partials) - 1)]
    last = partials[-1]
    assert pending_activities(last) == []
    assert _counts(last) == _counts(report)
    assert last.model_dump(exclude={"run"}) == report.model_dump(exclude={"run"})
    # The run went on after each partial without changing it: the first still has no
    # properties and no statuses although the report has both.
    assert first.activities == {} and all(x.properties == [] for x in first.labels)
    assert any(x.properties for x in report.labels)
    assert first.run.finished_at is None and report.run.finished_at is not None


async def test_a_failed_activity_is_a_partial_too(graph: GraphFixture) -> None:
    graph.load_fixture("engine_mixed.cypher")
    partials: list[Report] = []
    async with ExtractionRun(
        settings_for(graph.server),
        graph.server.password,
        RunOptions(mode="exact"),
        client_factory=client_factory(FailingSchemaClient),
        on_partial=partials.append,
    ) as run:
        report = await run.run()
    assert report.activities["schema"].status.value == "failed"
    failed_in = [p for p in partials if "schema" in p.activities]
    assert failed_in and failed_in[0].activities["schema"].status.value == "failed"
    assert _counts(partials[0]) == _counts(report)


async def test_cancel_publishes_the_cancelled_state(graph: GraphFixture) -> None:
    graph.load_fixture("engine_mixed.cypher")
    HeldQueriesClient.hold("census.")
    partials: list[Report] = []
    run = ExtractionRun(
        settings_for(graph.server),
        graph.server.password,
        RunOptions(mode="exact"),
        client_factory=client_factory(HeldQueriesClient),
        on_partial=partials.append,
    )
    task = asyncio.create_task(run.run())
    for _ in range(600):
        if partials and pending_activities(partials[-1]) == HELD:
            break
        await asyncio.sleep(0.05)
    assert partials and pending_activities(partials[-1]) == HELD
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert pending_activities(partials[-1]) == []
    assert {partials[-1].activities[a].status.value for a in HELD} == {"cancelled"}


async def test_activities_not_chosen_are_not_pending(graph: GraphFixture) -> None:
    graph.load_fixture("engine_mixed.cypher")
    partials: list[Report] = []
    chosen = ["node_labels", "schema"]
    async with ExtractionRun(
        settings_for(graph.server),
        graph.server.password,
        RunOptions(activities=chosen),
        on_partial=partials.append,
    ) as run:
        report = await run.run()
    assert pending_activities(partials[0]) == chosen
    assert len(partials) == 2 + len(chosen)
    assert pending_activities(partials[-1]) == []
    assert report.activities["quality_and_context"].status.value == "skipped"


def test_partial_report_shares_nothing_the_run_changes() -> None:
    from tests.ui.report_factory import make_report

    report = make_report(labels=3, properties=2, types=2)
    snapshot = partial_report(report, None)
    report.labels[0].count += 5
    report.labels[0].properties = []
    report.notes.append("later")
    report.activities.clear()
    assert snapshot.labels[0].count == report.labels[0].count - 5
    assert snapshot.labels[0].properties
    assert "later" not in snapshot.notes
    assert snapshot.activities
