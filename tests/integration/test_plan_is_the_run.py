"""The plan shown before a run is the plan the run follows: per label and type, the method
and sample size the plan states are the provenance and the stated limit in the report, in
exact, sampled and auto mode, on several graph shapes (issue 23, item 1's test)."""

from __future__ import annotations

import pytest

from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.report import PlanItem, Provenance, Report
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
    # 12,050 nodes in all: past the census's smallest sample (10,000), so sampled and auto
    # runs sample the census too.
    graph.run("UNWIND range(1, 6000) AS i CREATE (:Crowd {id: i})")


def _load_minority_combinations(graph: GraphFixture) -> None:
    """A label shared by two kinds of node, the rare kind holding keys the common one does
    not (the shape that lost keys in sampled runs), and unlabeled relationship ends."""
    graph.run("UNWIND range(1, 3) AS i CREATE (:Software:OS {id: i, versions: ['v' + i]})")
    graph.run("UNWIND range(1, 3000) AS i CREATE (:OS:Process {pid: i, cmd: 'c' + (i % 9)})")
    graph.run("UNWIND range(1, 40) AS i CREATE (:Host {name: 'h' + i})")
    graph.run(
        "MATCH (p:Process) WHERE p.pid <= 2500 "
        "MATCH (h:Host {name: 'h' + (p.pid % 40 + 1)}) CREATE (h)-[:RUNS {since: p.pid}]->(p)"
    )
    graph.run("UNWIND range(1, 20) AS i CREATE ({loose: i})-[:LOOSE {w: i}]->(:Host {name: 'x'})")
    graph.run("UNWIND range(1, 9000) AS i CREATE (:Crowd {id: i})")


def _load_hostile_names(graph: GraphFixture) -> None:
    """Names that are data: spaces, backticks, `;`, `|`, tags, bidi, other scripts."""
    graph.run("UNWIND range(1, 30) AS i CREATE (:`a b``c;|` {`k ey`: i, `<i>`: 'x'})")
    graph.run("UNWIND range(1, 2500) AS i CREATE (:`Ünï\u202ecødé` {`;v|`: i % 5})")
    graph.run(
        "MATCH (a:`a b``c;|`), (b:`Ünï\u202ecødé`) WHERE b.`;v|` = 1 "
        "CREATE (a)-[:`<b>TYPE</b>` {`x``y`: 1}]->(b)"
    )
    graph.run("UNWIND range(1, 10000) AS i CREATE (:`数据` {n: i})")


SHAPES = {
    "sizes": _load,
    "minority-combinations": _load_minority_combinations,
    "hostile-names": _load_hostile_names,
}


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
@pytest.mark.parametrize("shape", list(SHAPES))
async def test_the_plan_shown_is_the_plan_run(
    graph: GraphFixture, options: dict[str, object], shape: str
) -> None:
    SHAPES[shape](graph)
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
    _assert_patterns_and_census_follow_the_plan(shown, report, str(options["mode"]))
    modes = {item.method for item in planned.values()}
    expected = {"exact": {"exact"}, "sampled": {"exact", "sampled"}, "auto": {"exact", "sampled"}}
    assert modes == expected[str(options["mode"])]


def _read_as_planned(item: PlanItem, provenance: Provenance, where: str) -> None:
    if item.method == "exact":
        assert provenance.method == "scan", where
    else:
        assert provenance.method == "sample", where
        read = provenance.sample_size
        assert read is not None and 0.9 * item.estimated_rows <= read <= item.estimated_rows, (
            where,
            read,
            item.estimated_rows,
        )


def _assert_patterns_and_census_follow_the_plan(
    shown: list[PlanItem], report: Report, mode: str
) -> None:
    """The other subjects: each type's patterns, the node census, the counts."""
    (counts,) = [p for p in shown if p.activity == "node_labels"]
    assert counts.method == "count_store"
    assert all(
        x.count_provenance is not None and x.count_provenance.method == "count_store"
        for x in report.labels
    )
    types = {p.subject: p for p in shown if p.activity == "relationship_types" and p.subject != "*"}
    assert set(types) == {f"[:{x.name}]" for x in report.relationship_types}
    for entry in report.relationship_types:
        item = types[f"[:{entry.name}]"]
        assert entry.patterns, entry.name
        for pattern in entry.patterns:
            provenance = pattern.provenance
            assert provenance is not None, entry.name
            # Patterns the count store proves are exact in any mode (an exact type whose
            # ends all carry one label is not scanned for them: ARCHITECTURE.md's known
            # gaps); the others are read as planned: scanned, or the planned sample.
            if provenance.method != "count_store":
                _read_as_planned(item, provenance, f"{mode} [:{entry.name}]")
    census = [p for p in shown if p.activity in ("quality_and_context", "statistics_and_indexes")]
    assert len(census) == 2 and census[0].model_dump(exclude={"activity"}) == census[1].model_dump(
        exclude={"activity"}
    )
    assert report.statistics is not None and report.statistics.degree is not None
    degree = report.statistics.degree.provenance
    assert degree is not None
    _read_as_planned(census[0], degree, f"{mode} census")
    assert census[0].method == ("exact" if mode == "exact" else "sampled")
