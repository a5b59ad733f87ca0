"""The extraction engine against the real server: exact agrees with Neo4j's own procedures,
sampled lists every label and type with its exact count, patterns are real, names are safe."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from neosense_desktop.core.cypher import escape_name
from neosense_desktop.core.export import load_report, save_report
from neosense_desktop.core.extraction import ExtractionRun, ProgressEvent, RunOptions
from neosense_desktop.core.report import ACTIVITY_NAMES, Report
from tests.fault_clients import (
    NoAdminProceduresClient,
    NoSchemaProceduresClient,
    client_factory,
)
from tests.integration.engine_support import (
    builtin_schema,
    extract,
    real_counts,
    real_patterns,
    report_schema,
    settings_for,
)
from tests.neo4j_support import GraphFixture

pytestmark = pytest.mark.neo4j

ODD_LABELS = ["Label With Spaces", "Back`tick", "Ünïcødé 名前", "dot.ted"]


# The builtin fast paths (types from db.schema.*TypeProperties, patterns from the count
# store) serve exact runs without quality_and_context: quality needs the values, so with it
# every label and type is read through the valueType query that carries them.
FAST_PATH_ACTIVITIES = [a for a in ACTIVITY_NAMES if a != "quality_and_context"]


def _all_succeeded(
    report: Report, activities: list[str] | tuple[str, ...] = ACTIVITY_NAMES
) -> None:
    ran = {k: v for k, v in report.activities.items() if k in activities}
    bad = {k: v.error for k, v in ran.items() if v.status.value != "succeeded"}
    assert not bad, bad
    assert set(ran) == set(activities)


def _patterns(report: Report) -> dict[str, dict[tuple[str | None, str | None], int]]:
    return {
        t.name: {(p.start, p.end): p.count for p in t.patterns} for t in report.relationship_types
    }


async def test_exact_matches_the_builtins_on_the_mixed_fixture(graph: GraphFixture) -> None:
    graph.load_fixture("engine_mixed.cypher")
    report = await extract(graph.server, mode="exact")
    _all_succeeded(report)
    assert report_schema(report) == builtin_schema(graph)

    labels = {x.name: x for x in report.labels}
    # Multi-label nodes count under each label; Ghost, whose last node is gone, is not a
    # label (5.26's db.labels() already hides it; test_unused_tokens covers servers that don't).
    assert labels["Person"].count == 4 and labels["Employee"].count == 2
    assert "Ghost" not in labels
    age = next(p for p in labels["Person"].properties if p.name == "age")
    assert age.types == ["INTEGER", "STRING"]  # ALL observed types, not the first one
    assert age.fill_rate == pytest.approx(0.5)  # Ann and Bob of four persons
    dee = {p.name: p.types for p in labels["Manager"].properties}
    assert dee["seen"] == ["ZONED DATETIME"] and dee["local"] == ["LOCAL DATETIME"]
    assert dee["t"] == ["ZONED TIME"] and dee["lt"] == ["LOCAL TIME"]
    assert dee["dur"] == ["DURATION"] and dee["geo"] == ["POINT"]
    assert dee["scores"] == ["LIST<FLOAT>"] and dee["flags"] == ["LIST<BOOLEAN>"]
    assert dee["stamps"] == ["LIST<DATE>"]
    for name in ODD_LABELS:
        assert name in labels, name
    assert labels["dot.ted"].properties[0].name == "\\u0060"  # six characters, not a backtick

    assert _patterns(report) == real_patterns(graph)
    knows = _patterns(report)["KNOWS"]
    assert knows[("Person", "Person")] == 3  # includes the self-loop
    assert _patterns(report)["POINTS_TO"] == {(None, "Person"): 1, (None, "Employee"): 1}
    assert "RELATIONSHIP" in {t.name for t in report.relationship_types}

    stats = report.statistics
    assert stats.node_count == 13 and stats.relationship_count == 9
    assert stats.unlabeled_node_count == 2
    orphans = graph.run("MATCH (n) WHERE NOT (n)--() RETURN count(n) AS c")[0]["c"]
    assert stats.orphan_node_count == orphans
    assert stats.degree.max is not None and stats.degree.min == 0
    codes = {f.code for f in report.quality.findings}
    assert {
        "mixed_type_property",
        "unlabeled_nodes",
        "orphan_nodes",
        "multi_label_segment",
    } <= codes
    key = [f for f in report.quality.findings if f.code == "key_without_constraint"]
    # Person.id has its constraint; Employee.id is complete and unique but has none.
    assert [f.subject for f in key] == ["(:Employee).id", "(:Product).sku"]
    assert 0 <= (report.quality.score or 0) <= 100 and "score" in report.quality.formula
    combos = {tuple(c.labels): c.count for c in report.label_combinations}
    assert combos[("Employee", "Manager", "Person")] == 1

    index_types = {i.type for i in report.indexes}
    assert index_types == {"RANGE", "TEXT", "POINT", "FULLTEXT", "LOOKUP", "VECTOR"}
    by_name = {i.name: i for i in report.indexes}
    assert by_name["person_fulltext"].labels_or_types == ["Person", "Employee"]
    assert by_name["bought_at"].entity_type == "RELATIONSHIP"
    assert {c.name for c in report.constraints} == {"person_id", "relationship_key"}
    assert by_name["person_id"].owning_constraint == "person_id"


async def test_exact_matches_the_builtins_on_northwind(graph: GraphFixture) -> None:
    graph.load_northwind()
    report = await extract(graph.server, mode="exact")
    _all_succeeded(report)
    assert report_schema(report) == builtin_schema(graph)
    assert _patterns(report) == real_patterns(graph)


async def test_sampled_lists_every_label_and_type_with_exact_counts(graph: GraphFixture) -> None:
    graph.load_northwind()
    events: list[ProgressEvent] = []
    async with ExtractionRun(
        settings_for(graph.server),
        graph.server.password,
        RunOptions(mode="sampled", sample_size=20),
        on_progress=events.append,
    ) as run:
        plan = await run.plan()
        report = await run.run()
    _all_succeeded(report)
    labels, types = real_counts(graph)
    assert {x.name: x.count for x in report.labels} == labels
    assert {x.name: x.count for x in report.relationship_types} == types
    assert all(
        x.count_provenance and x.count_provenance.method == "count_store" for x in report.labels
    )
    # Sampled properties say so, with the sample size; and they exist for real.
    order = next(x for x in report.labels if x.name == "Order")
    assert order.properties
    for prop in order.properties:
        assert prop.provenance.method == "sample"
        assert prop.provenance.sample_size is not None and 0 < prop.provenance.sample_size <= 24
    exact_schema = builtin_schema(graph)[0]["Order"]
    assert {p.name for p in order.properties} <= set(exact_schema)
    # Every reported pattern exists in the data.
    real = real_patterns(graph)
    for name, pats in _patterns(report).items():
        for pair in pats:
            assert pair in real[name], (name, pair)
    assert {p.method for p in plan if p.activity == "schema"} == {"sampled", "exact"}
    assert plan == report.plan
    # Progress: every activity reported, ending in a final state.
    finals = {e.activity: e.state for e in events if e.done}
    assert finals == dict.fromkeys(ACTIVITY_NAMES, "succeeded")
    assert any(e.state == "running" and 0 < e.fraction < 1 for e in events)


async def test_sampling_spreads_over_the_whole_label(graph: GraphFixture) -> None:
    # The first 500 nodes have only `a`, the last 500 only `b`: a "first k" sample would
    # never see `b`.
    graph.run("UNWIND range(1, 500) AS i CREATE (:Half {a: i})")
    graph.run("UNWIND range(1, 500) AS i CREATE (:Half {b: toString(i)})")
    # 200 of 1000: whichever sampler the cost model picks, the share of `a` is within
    # 0.15 of 0.5 with ~4 standard deviations to spare.
    report = await extract(graph.server, mode="sampled", sample_size=200)
    props = {p.name: p for p in report.labels[0].properties}
    assert set(props) == {"a", "b"}
    assert props["a"].fill_rate == pytest.approx(0.5, abs=0.15)
    assert report.labels[0].count == 1000


async def test_patterns_are_never_the_count_store_cross_product(graph: GraphFixture) -> None:
    # Count store: A and C start T, B and D end it; only A->B and C->D exist.
    graph.run("UNWIND range(1, 300) AS i CREATE (:A)-[:T]->(:B)")
    graph.run("UNWIND range(1, 300) AS i CREATE (:C)-[:T]->(:D)")
    for mode, size in (("exact", 1000), ("sampled", 50), ("auto", 50)):
        report = await extract(graph.server, mode=mode, sample_size=size)
        pats = _patterns(report)["T"]
        assert set(pats) == {("A", "B"), ("C", "D")}, mode
        if mode != "sampled":
            assert pats == {("A", "B"): 300, ("C", "D"): 300}, mode
        else:
            assert all(0 < c <= 300 for c in pats.values())


def _schema_with_fill(report: Report) -> dict[str, dict[str, tuple[list[str], float, int]]]:
    out = {}
    for entry in [*report.labels, *report.relationship_types]:
        kind = "node" if isinstance(entry, type(report.labels[0])) else "rel"
        out[f"{kind}:{entry.name}"] = {
            p.name: (p.types, round(p.fill_rate, 6), p.observed) for p in entry.properties
        }
    return out


async def test_exact_types_from_the_builtins_equal_the_value_type_scan(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture
) -> None:
    # Exact runs type values with db.schema.*TypeProperties() and count keys themselves;
    # where those procedures are refused they type every value with valueType(). Both
    # must give the same properties, types, fill rates and holders (the query names show
    # which path ran).
    graph.load_fixture("engine_mixed.cypher")
    graph.run("CREATE (:Sparse {a: 1}), (:Sparse {a: 'x', b: [1, 2]}), (:Sparse)")
    reports = {}
    queries = {}
    for name, factory in (("builtins", None), ("value_type", NoSchemaProceduresClient)):
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="neosense_desktop.core.graph_client"):
            async with ExtractionRun(
                settings_for(graph.server),
                graph.server.password,
                RunOptions(mode="exact", activities=FAST_PATH_ACTIVITIES),
                client_factory=client_factory(factory) if factory else None,
            ) as run:
                reports[name] = await run.run()
        queries[name] = {m.split(":")[0].removeprefix("query ") for m in caplog.messages}
        _all_succeeded(reports[name], FAST_PATH_ACTIVITIES)
    assert {
        "builtin.nodeTypeProperties",
        "builtin.relTypeProperties",
        "schema.key_scan",
    } <= queries["builtins"]
    assert {"schema.scan", "type.scan"} <= queries["value_type"]
    assert "schema.scan" not in queries["builtins"]
    assert _schema_with_fill(reports["builtins"]) == _schema_with_fill(reports["value_type"])
    sparse = {
        p.name: p
        for p in next(x for x in reports["builtins"].labels if x.name == "Sparse").properties
    }
    assert sparse["a"].types == ["INTEGER", "STRING"] and sparse["a"].observed == 2
    assert sparse["b"].types == ["LIST<INTEGER>"] and sparse["b"].fill_rate == pytest.approx(1 / 3)
    assert (
        _patterns(reports["builtins"]) == _patterns(reports["value_type"]) == real_patterns(graph)
    )


async def test_exact_patterns_from_count_store_equalities(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture
) -> None:
    # Every ONE_END relationship ends at :B (B is its only end label): its patterns follow
    # from the count store plus the unlabeled start, and only its optional key is counted.
    # MULTI has two start labels and also ends at nodes labelled :B:X: it must be read.
    graph.run("UNWIND range(1, 5) AS i CREATE (:A)-[:ONE_END {w: i}]->(:B)")
    graph.run("UNWIND range(1, 2) AS i CREATE (:C:A2)-[:ONE_END]->(:B)")
    graph.run("CREATE ()-[:ONE_END {w: 0}]->(:B)")
    graph.run("UNWIND range(1, 3) AS i CREATE (:A)-[:MULTI]->(:B:X)")
    graph.run("CREATE (:D)-[:MULTI]->(:B)")
    with caplog.at_level(logging.DEBUG, logger="neosense_desktop.core.graph_client"):
        report = await extract(graph.server, mode="exact", activities=FAST_PATH_ACTIVITIES)
    _all_succeeded(report, FAST_PATH_ACTIVITIES)
    assert _patterns(report) == real_patterns(graph)
    assert _patterns(report)["ONE_END"] == {
        ("A", "B"): 5,
        ("C", "B"): 2,
        ("A2", "B"): 2,
        (None, "B"): 1,
    }
    one_end = next(t for t in report.relationship_types if t.name == "ONE_END")
    assert {p.provenance.method for p in one_end.patterns if p.provenance} == {
        "count_store",
        "scan",  # the unlabeled start, from the unlabeled nodes
    }
    (w,) = one_end.properties
    assert w.types == ["INTEGER"] and w.observed == 6 and w.fill_rate == pytest.approx(6 / 8)
    queries = [m for m in caplog.messages if m.startswith("query type.")]
    assert sum("type.scan_counts" in m for m in queries) == 1  # MULTI only
    assert sum("type.key_counts" in m for m in queries) == 1  # ONE_END's optional `w`


RARE_PATTERNS = """
UNWIND range(1, 600) AS i CREATE (:A)-[:T]->(:B);
UNWIND range(1, 3) AS i CREATE (:C)-[:T]->(:D);
UNWIND range(1, 2) AS i CREATE ()-[:T]->(:B);
UNWIND range(1, 400) AS i CREATE (:P)-[:U]->(:X);
UNWIND range(1, 2) AS i CREATE (:Q)-[:U]->(:X)
"""


@pytest.mark.parametrize("graph_counts", [True, False], ids=["admin", "read_only"])
async def test_sampled_patterns_include_rare_ones(graph: GraphFixture, graph_counts: bool) -> None:
    # A 20-relationship sample of T (605 relationships) almost never meets C->D (3) or the
    # unlabeled start (2); of U, Q->X (2). They are still reported, with exact counts:
    # U's pairs follow from count-store equalities (every U ends at X), C->D from a probe of
    # the count store's candidate pairs, the unlabeled start from the unlabeled nodes.
    # The read-only variant has no db.stats (admin only) and counts label ends per type.
    for statement in RARE_PATTERNS.split(";"):
        graph.run(statement)
    factory = None if graph_counts else client_factory(NoAdminProceduresClient)
    async with ExtractionRun(
        settings_for(graph.server),
        graph.server.password,
        RunOptions(mode="sampled", sample_size=20),
        client_factory=factory,
    ) as run:
        report = await run.run()
    _all_succeeded(report)
    pats = _patterns(report)
    assert pats["U"] == {("P", "X"): 400, ("Q", "X"): 2}
    by_pair = {(p.start, p.end): p for t in report.relationship_types for p in t.patterns}
    assert by_pair[("Q", "X")].provenance.method == "count_store"
    # With GRAPH COUNTS (admin) or per-label count queries (read-only) alike.
    assert set(pats["T"]) == {("A", "B"), ("C", "D"), (None, "B")}
    assert pats["T"][(None, "B")] == 2
    c_d = by_pair[("C", "D")]
    assert c_d.provenance is not None
    if c_d.provenance.method == "scan":  # missed by the sample (~90% of runs): probed
        assert c_d.count == 3
    else:  # met by the sample: estimated within the count-store bound
        assert c_d.provenance.method == "sample" and 1 <= c_d.count <= 3
    assert not set(pats["T"]) & {("A", "D"), ("C", "B")}  # never the cross product


async def test_odd_names_cannot_change_a_query(graph: GraphFixture) -> None:
    hostile = [
        "x`) DETACH DELETE n //",
        "a\\u0060b",
        "\\u0060) MATCH (m) DETACH DELETE m //",
        "名 前.x",
        "a;MATCH (n) DETACH DELETE n;//",  # escape_name writes `;` as \\u003B
    ]
    for name in hostile:
        esc = escape_name(name)
        graph.run(f"CREATE (:{esc} {{{esc}: 1}})-[:{esc} {{{esc}: 'x'}}]->(:Plain)")
    before = graph.run("MATCH (n) RETURN count(n) AS c")[0]["c"]
    for mode in ("exact", "sampled"):
        report = await extract(graph.server, mode=mode)
        _all_succeeded(report)
        assert {x.name for x in report.labels} == {*hostile, "Plain"}
        assert {x.name for x in report.relationship_types} == set(hostile)
        for label in report.labels:
            if label.name != "Plain":
                assert [p.name for p in label.properties] == [label.name]
    assert graph.run("MATCH (n) RETURN count(n) AS c")[0]["c"] == before


async def test_empty_database(graph: GraphFixture) -> None:
    report = await extract(graph.server)
    _all_succeeded(report)
    assert report.labels == [] and report.relationship_types == []
    assert report.statistics.node_count == 0 and report.statistics.relationship_count == 0
    assert report.statistics.degree.median is None
    assert report.quality.score is not None


async def test_report_round_trips(graph: GraphFixture, tmp_path: Path) -> None:
    graph.load_fixture("engine_mixed.cypher")
    report = await extract(graph.server, mode="auto")
    path = save_report(report, tmp_path / "r.json")
    assert load_report(path) == report
    assert graph.server.password not in path.read_text(encoding="utf-8")


async def test_legacy_typing_agrees_with_value_type(graph: GraphFixture) -> None:
    """The pre-5.13 fallback (client-side typing) gives the same names as valueType()."""
    graph.load_fixture("engine_mixed.cypher")
    async with ExtractionRun(
        settings_for(graph.server),
        graph.server.password,
        RunOptions(mode="exact", activities=["schema"]),
        use_value_type=False,
    ) as run:
        legacy = await run.run()
    modern = await extract(graph.server, mode="exact", activities=["schema"])
    assert report_schema(legacy) == report_schema(modern)
    assert any("valueType" in n for n in legacy.notes)
    assert legacy.activities["node_labels"].status.value == "skipped"


async def test_sampling_survives_ids_far_above_the_count(graph: GraphFixture) -> None:
    # Deleted ids are not reused at once: the live nodes can sit far above the node count,
    # where the id-space probes miss; sampling must still read a full sample.
    graph.run("UNWIND range(1, 20000) AS i CREATE (:Tmp)")
    graph.run("MATCH (n:Tmp) DELETE n")
    graph.run("UNWIND range(1, 3000) AS i CREATE (:Late {x: i})")
    report = await extract(graph.server, mode="sampled", sample_size=100)
    (late,) = report.labels
    assert late.count == 3000
    (x,) = late.properties
    assert x.provenance.method == "sample"
    assert x.provenance.sample_size is not None and 100 <= x.provenance.sample_size <= 104
    assert x.fill_rate == 1.0
    assert report.statistics.degree.provenance is not None
