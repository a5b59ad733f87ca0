"""The plan shown before a run is the plan the run follows: per label and type, the method
and sample size the plan states are the provenance and the stated limit in the report, in
exact, sampled and auto mode (issue 23, item 1's test)."""

from __future__ import annotations

import pytest

from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.report import PlanItem, Report
from tests.integration.engine_support import settings_for
from tests.neo4j_support import GraphFixture

pytestmark = pytest.mark.neo4j


def _load(graph: GraphFixture) -> None:
    """Labels and types on both sides of the sample size (300) and auto's threshold (2,000)."""
    graph.run("UNWIND range(1, 50) AS i CREATE (:Small {id: i, name: 'n' + i})")
    graph.run("UNWIND range(1, 1000) AS i CREATE (:Mid:Shared {id: i, score: i * 0.5})")
    graph.run("UNWIND range(1, 5000) AS i CREATE (:Big:Shared {id: i, tag: 't' + (i % 7)})")
    graph.run("MATCH (a:Small), (b:Mid) WHERE b.id <= 2 CREATE (a)-[:FEW {w: 1}]->(b)")
    graph.run("MATCH (a:Big) WHERE a.id <= 4000 CREATE (a)-[:MANY {since: a.id}]->(a)")


def _subjects(report: Report) -> dict[str, tuple[str, int | None, int | None]]:
    """Per schema subject, what the report says was done: (method, entities read, the
    stated limit's read)."""
    out: dict[str, tuple[str, int | None, int | None]] = {}
    for entry, subject in [
        *((x, f"(:{x.name})") for x in report.labels),
        *((x, f"[:{x.name}]") for x in report.relationship_types),
    ]:
        methods = {p.provenance.method for p in entry.properties}
        sizes = {p.provenance.sample_size for p in entry.properties}
        assert len(methods) == 1 and len(sizes) == 1, (subject, methods, sizes)
        method = "exact" if methods == {"scan"} else "sampled"
        limit = entry.sample_limit  # type: ignore[union-attr]
        out[subject] = (method, sizes.pop(), limit.read if limit is not None else None)
    return out


@pytest.mark.parametrize(
    "options",
    [
        {"mode": "exact"},
        {"mode": "sampled", "sample_size": 300},
        {"mode": "auto", "sample_size": 300, "exact_threshold": 2000},
    ],
    ids=["exact", "sampled", "auto"],
)
async def test_the_plan_shown_is_the_plan_run(
    graph: GraphFixture, options: dict[str, object]
) -> None:
    _load(graph)
    async with ExtractionRun(
        settings_for(graph.server), graph.server.password, RunOptions.model_validate(options)
    ) as run:
        shown: list[PlanItem] = await run.plan()
        report = await run.run()
    assert [p.model_dump() for p in report.plan] == [p.model_dump() for p in shown]
    done = _subjects(report)
    planned = {p.subject: p for p in shown if p.activity == "schema"}
    assert set(planned) == set(done)
    for subject, item in planned.items():
        method, read, limit_read = done[subject]
        assert method == item.method, (options, subject)
        if item.method == "sampled":
            assert item.sample_limit is not None
            # The sample read is the planned one: its size (a spread sample draws a margin
            # above it and keeps that many, rarely a few fewer), and the limit it states.
            assert read is not None and read == limit_read, (options, subject)
            assert 0.9 * item.estimated_rows <= read <= item.estimated_rows, (options, subject)
            assert read < item.estimated_rows or item.sample_limit.missable_below == next(
                x.sample_limit.missable_below  # type: ignore[union-attr]
                for x in (*report.labels, *report.relationship_types)
                if subject in (f"(:{x.name})", f"[:{x.name}]")
            )
        else:
            assert item.sample_limit is None and limit_read is None, (options, subject)
    modes = {item.method for item in planned.values()}
    expected = {"exact": {"exact"}, "sampled": {"exact", "sampled"}, "auto": {"exact", "sampled"}}
    assert modes == expected[str(options["mode"])]
