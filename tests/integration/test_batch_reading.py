"""Sampled runs against the real server: the number of queries does not grow with labels and
types, the batched reads give what one query per label and type gave, and no scan of every
node runs above its bound (the plan and the report say so)."""

from __future__ import annotations

import logging
import re
from collections import Counter

import pytest

from neosense_desktop.core.cypher import escape_name
from neosense_desktop.core.extraction import ExtractionRun, RunOptions, batch_reading, planning
from neosense_desktop.core.report import PlanItem, Property, Report
from tests.integration.engine_support import extract, settings_for
from tests.neo4j_support import GraphFixture

pytestmark = pytest.mark.neo4j

QUERY_LINE = re.compile(r"query (\S+): \d+ rows in")
HOSTILE = ["x`) DETACH DELETE n //", "a\\u0060b", "名 前.x", "sp ace|<tag>"]


def _build(graph: GraphFixture, labels: int) -> None:
    """`labels` labels, each with 60 nodes of mixed properties, and one relationship type
    per label (a chain into the next label), plus a few hostile names."""
    names = [f"L{i:03d}" for i in range(labels - len(HOSTILE))] + HOSTILE
    for name in names:
        graph.run(
            f"UNWIND range(1, 60) AS j CREATE (:{escape_name(name)} {{k: j, s: toString(j), "
            "maybe: CASE WHEN j % 3 = 0 THEN 'x' END, when: date('2024-01-01')})"
        )
    for i, name in enumerate(names):
        label = escape_name(name)
        rel = escape_name(f"{name}_NEXT")
        other = escape_name(names[(i + 1) % len(names)])
        graph.run(
            f"MATCH (a:{label}) WITH a LIMIT 30 MATCH (b:{other}) WITH a, b LIMIT 30 "
            f"CREATE (a)-[:{rel} {{w: 1.5}}]->(b)"
        )


async def _queries(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture, **options: object
) -> Counter[str]:
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="neosense_desktop.core.graph_client"):
        report = await extract(graph.server, mode="sampled", sample_size=20, **options)
    bad = {k: v.error for k, v in report.activities.items() if v.status.value != "succeeded"}
    assert not bad, bad
    assert len(report.labels) == len(
        {r["l"] for r in graph.run("CALL db.labels() YIELD label AS l")}
    )
    for label in report.labels:
        assert {p.name for p in label.properties} >= {"k", "s", "when"}, label.name
    return Counter(
        m.group(1) for r in caplog.records if (m := QUERY_LINE.match(r.getMessage())) is not None
    )


def _assert_nothing_else_grows(few: Counter[str], many: Counter[str]) -> None:
    """Nothing else in the run grows with the schema by more than a few queries. Quality's
    example reads depend on what the sample finds, and the id-space probe's reads (2 or 3
    per kind: the refinement is skipped when its gap is empty) on the store's id layout,
    neither on the number of labels."""
    fixed = [k for k in many if not k.startswith(("quality.", "id_space."))]
    assert sum(many[k] for k in fixed) <= sum(few[k] for k in fixed) + 2, (few, many)


async def test_label_and_type_reads_take_a_fixed_number_of_queries(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture
) -> None:
    counts = {}
    for labels in (5, 60):
        graph.clean()
        _build(graph, labels)
        # 4 in flight, as auto gives a server of up to 2 processors (so this holds on any
        # machine; the next test takes a larger number).
        counts[labels] = await _queries(graph, caplog, max_concurrent_queries=4)
    few, many = counts[5], counts[60]
    reads = ("schema.", "type.")
    few_reads = {k: v for k, v in few.items() if k.startswith(reads)}
    many_reads = {k: v for k, v in many.items() if k.startswith(reads)}
    # Every label and type read went through the batches, GROUPS queries per kind at both sizes.
    assert (
        few_reads
        == many_reads
        == {
            "schema.batch_profiles": batch_reading.GROUPS,
            "type.batch_profiles": batch_reading.GROUPS,
        }
    )
    _assert_nothing_else_grows(few, many)


async def test_more_queries_in_flight_split_the_reads_but_labels_still_do_not_add_queries(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture
) -> None:
    counts = {}
    for labels in (60, 200):
        graph.clean()
        _build(graph, labels)
        counts[labels] = await _queries(graph, caplog, max_concurrent_queries=8)
    # 8 in flight: 4 queries per kind (batch_groups), at 60 labels and at 200 alike.
    for labels, queries in counts.items():
        assert queries["schema.batch_profiles"] == 4, (labels, queries)
        assert queries["type.batch_profiles"] == 4, (labels, queries)
    _assert_nothing_else_grows(counts[60], counts[200])


def _properties(props: list[Property]) -> list[tuple[object, ...]]:
    return [
        (
            p.name,
            p.types,
            p.fill_rate,
            p.observed,
            p.provenance.model_dump(),
            p.profile.model_dump(exclude={"histogram", "histogram_provenance"})
            if p.profile
            else None,
        )
        for p in props
    ]


def _comparable(report: Report) -> dict[str, object]:
    out: dict[str, object] = {}
    for label in report.labels:
        out[f"node:{label.name}"] = _properties(label.properties)
    for t in report.relationship_types:
        out[f"rel:{t.name}"] = _properties(t.properties)
        out[f"patterns:{t.name}"] = sorted(
            (p.start or "", p.end or "", p.count, p.provenance and p.provenance.method)
            for p in t.patterns
        )
    return out


async def test_batched_reads_equal_one_query_per_label_and_type(
    graph: GraphFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every label and type no larger than the sample: both paths read them whole, so the
    # results must be identical, profiles included.
    graph.load_fixture("engine_mixed.cypher")
    _build(graph, 8)
    batched = await extract(graph.server, mode="sampled", sample_size=5000)
    monkeypatch.setattr(batch_reading, "batched", lambda ctx, count: False)
    import neosense_desktop.core.extraction.schema as schema
    import neosense_desktop.core.extraction.type_reading as type_reading

    monkeypatch.setattr(schema, "batched", lambda ctx, count: False)
    monkeypatch.setattr(type_reading, "batched", lambda ctx, count: False)
    single = await extract(graph.server, mode="sampled", sample_size=5000)
    assert _comparable(batched) == _comparable(single)
    assert any(p.profile for x in batched.labels for p in x.properties)


async def test_batched_samples_keep_their_size_and_provenance(graph: GraphFixture) -> None:
    _build(graph, 6)
    report = await extract(graph.server, mode="sampled", sample_size=25)
    for label in report.labels:
        assert label.count == 60
        for prop in label.properties:
            assert prop.provenance.method == "sample"
            assert prop.provenance.sample_size == 25, (label.name, prop)
    for rel in report.relationship_types:
        # 30 relationships per type: sampled to 25, and every pattern found is real.
        for prop in rel.properties:
            assert prop.provenance.sample_size == 25
        assert rel.patterns and all(p.count > 0 for p in rel.patterns)


async def _run_logged(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture, **options: object
) -> tuple[Report, list[PlanItem], Counter[str]]:
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="neosense_desktop.core.graph_client"):
        async with ExtractionRun(
            settings_for(graph.server), graph.server.password, RunOptions.model_validate(options)
        ) as run:
            plan = await run.plan()
            report = await run.run()
    queries = Counter(
        m.group(1) for r in caplog.records if (m := QUERY_LINE.match(r.getMessage())) is not None
    )
    return report, plan, queries


def _unlabeled_items(plan: list[PlanItem]) -> list[PlanItem]:
    return [p for p in plan if p.activity == "relationship_types" and p.subject == "*"]


async def test_sampled_mode_skips_the_node_scan_above_its_bound_and_says_so(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph.run("UNWIND range(1, 600) AS i CREATE (:A)-[:T]->(:B)")
    graph.run("UNWIND range(1, 3) AS i CREATE (:C)-[:T]->(:D)")
    graph.run("UNWIND range(1, 2) AS i CREATE ()-[:T]->(:B)")
    graph.run("UNWIND range(1, 50) AS i CREATE (:P)-[:U]->(:X)")
    # Under the bound: one scan, in the plan with its estimate; the rare unlabeled start of T
    # is counted exactly.
    report, plan, queries = await _run_logged(graph, caplog, mode="sampled", sample_size=20)
    [item] = _unlabeled_items(plan)
    assert item.method == "exact" and item.estimated_rows == report.statistics.node_count
    assert "scan of all" in item.reason
    assert queries["patterns.unlabeled"] == 1
    t = next(x for x in report.relationship_types if x.name == "T")
    assert {(p.start, p.end): p.count for p in t.patterns}[(None, "B")] == 2
    assert not any("unlabeled start or end" in n for n in report.notes)
    # Above it (the bound lowered to this graph's size): no scan, the plan says where the
    # patterns come from, and the report names the type left unsure, and only that one
    # (U's ends are all P and X: the count store proves them labeled).
    monkeypatch.setattr(planning, "UNLABELED_SCAN_SAMPLED_MAX_NODES", 100)
    report, plan, queries = await _run_logged(graph, caplog, mode="sampled", sample_size=20)
    [item] = _unlabeled_items(plan)
    assert item.method == "count_store" and item.estimated_rows == 0
    assert queries["patterns.unlabeled"] == 0
    [note] = [n for n in report.notes if "unlabeled start or end" in n]
    assert "[:T]" in note and "[:U]" not in note
    real = {
        (r["s"], r["e"])
        for r in graph.run(
            "MATCH (a)-[:T]->(b) RETURN head(labels(a) + [null]) AS s, head(labels(b)) AS e"
        )
    }
    t = next(x for x in report.relationship_types if x.name == "T")
    assert {(p.start, p.end) for p in t.patterns} <= real
    assert {("A", "B")} <= {(p.start, p.end) for p in t.patterns}
    # Exact mode keeps its scan (bounded by its own, larger limit).
    report, plan, queries = await _run_logged(graph, caplog, mode="exact")
    assert queries["patterns.unlabeled"] == 1
    assert not any("unlabeled start or end" in n for n in report.notes)


async def test_no_node_scan_when_the_count_store_proves_every_end_labeled(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture
) -> None:
    graph.run("UNWIND range(1, 300) AS i CREATE (:A)-[:T]->(:B)")
    graph.run("UNWIND range(1, 30) AS i CREATE (:B)-[:U]->(:C:D)")
    graph.run("CREATE ()")  # an unlabeled node without relationships changes nothing
    for mode in ("sampled", "exact"):
        report, _, queries = await _run_logged(graph, caplog, mode=mode, sample_size=20)
        assert queries["patterns.unlabeled"] == 0, mode
        assert not any("unlabeled start or end" in n for n in report.notes), mode
        pats = {(t.name, p.start, p.end) for t in report.relationship_types for p in t.patterns}
        assert pats == {("T", "A", "B"), ("U", "B", "C"), ("U", "B", "D")}, mode


BIG_HOSTILE = "Big `x` <b>|y.z"


def _build_big(graph: GraphFixture, types: int, size: int) -> list[str]:
    """`types` relationship types of `size` relationships, each between two labels of `size`
    nodes (a hostile name among them): every label and type above EXACT_PROFILE_MAX. Keys
    with sentinels, a duplicate own key, a sparse key and mixed types, so the findings built
    on the sampled statistics are there to compare."""
    labels = [f"Big{i}" for i in range(2 * types - 1)] + [BIG_HOSTILE]
    for t in range(types):
        start, end = (escape_name(labels[2 * t + i]) for i in (0, 1))
        node = (
            "{{bigId: toString(CASE WHEN i = 1 THEN 0 ELSE i END), amount: i * {m}, "
            "colour: CASE WHEN i % 10 = 0 THEN 'N/A' ELSE 'c' + (i % 7) END, "
            "rare: CASE WHEN i % 50 = 0 THEN i END, "
            "mixed: CASE WHEN i % 2 = 0 THEN i ELSE toString(i) END}}"
        )
        graph.run(
            f"UNWIND range(0, $n - 1) AS i CREATE (:{start} {node.format(m=2 * t + 1)})"
            f"-[:{escape_name(f'BIG_T{t}')} {{w: i % {t + 3}, note: CASE WHEN i % 4 = 0 THEN '' "
            f"ELSE 'n' + i END}}]->(:{end} {node.format(m=2 * t + 2)})",
            n=size,
        )
    return labels


def _mean_rounded(comparable: dict[str, object]) -> dict[str, object]:
    """The properties with their means to 9 significant digits: the server sums a sample's
    numbers in its random (ORDER BY rand()) order, so the last bits of avg() vary by run."""
    out: dict[str, object] = {}
    for key, props in comparable.items():
        if not key.startswith(("node:", "rel:")):
            out[key] = props
            continue
        out[key] = [
            (*p[:5], {**p[5], "mean_number": float(f"{p[5]['mean_number']:.9g}")})
            if isinstance(p[5], dict) and p[5].get("mean_number") is not None
            else p
            for p in props  # type: ignore[attr-defined]
        ]
    return out


def _findings(report: Report) -> list[tuple[object, ...]]:
    return sorted(
        (
            f.code,
            f.subject,
            f.message,
            f.affected,
            f.affected_provenance.model_dump() if f.affected_provenance else None,
            [e.element_id for e in f.examples],
        )
        for f in report.quality.findings
    )


async def test_exact_value_samples_take_a_few_queries_and_equal_one_query_per_label(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exact run's labels and types above EXACT_PROFILE_MAX take their value statistics
    from a spread sample, read in GROUPS queries per kind however many there are. With the
    sample as large as the label (sample_size >= count) the sample is every entity, so the
    batched reads must give exactly what one query per label and type gave (the reads this
    replaced, run as the reference below): statistics, provenance and findings."""
    from neosense_desktop.core.extraction import value_sample
    from neosense_desktop.core.extraction.sampling import node_source, relationship_source
    from neosense_desktop.core.extraction.value_profile import (
        EXACT_PROFILE_MAX,
        aggregate_parameters,
        fold_shapes,
        profile_query,
    )

    size = EXACT_PROFILE_MAX + 100
    labels = _build_big(graph, 3, size)
    graph.run("UNWIND range(0, 9) AS i CREATE (:Small {smallId: toString(i)})")
    # 4 in flight (auto's number on up to 2 processors): GROUPS queries per kind anywhere.
    options = {
        "mode": "exact",
        "sample_size": size,
        "values": "stats",
        "max_concurrent_queries": 4,
    }

    batched, _, queries = await _run_logged(graph, caplog, **options)
    assert queries["value_sample.labels"] == batch_reading.GROUPS  # 6 labels
    assert queries["value_sample.relationship_types"] == batch_reading.GROUPS  # 3 types
    assert queries["value_sample.profile"] == 0

    async def one_query_each(ctx, activity, kind, name):  # type: ignore[no-untyped-def]
        count = (ctx.sizes.labels if kind == "label" else ctx.sizes.types)[name]
        sample = batch_reading.value_sample(ctx, kind, name, count)
        if kind == "label":
            source, params = node_source(name, sample)
        else:
            source, params = relationship_source(name, sample)
        rows = await ctx.read(
            activity,
            "value_sample.profile",
            profile_query(source, "n" if kind == "label" else "r"),
            {**params, **aggregate_parameters(sample.sample_size)},
        )
        return fold_shapes(rows, ("k", "t"))

    monkeypatch.setattr(value_sample, "value_sample_rows", one_query_each)
    single, _, queries = await _run_logged(graph, caplog, **options)
    assert queries["value_sample.profile"] == len(labels) + 3
    assert _mean_rounded(_comparable(batched)) == _mean_rounded(_comparable(single))
    assert _findings(batched) == _findings(single)

    # And what was compared is the sampled statistics of every big label and type.
    owners = [x for x in batched.labels if x.name != "Small"] + batched.relationship_types
    assert {x.name for x in owners} == {*labels, "BIG_T0", "BIG_T1", "BIG_T2"}
    for owner in owners:
        for prop in owner.properties:
            assert prop.provenance.method == "scan", (owner.name, prop.name)
            assert prop.profile is not None, (owner.name, prop.name)
            assert prop.profile.provenance.method == "sample"
            assert prop.profile.provenance.sample_size == size
    findings = {(f.code, f.subject): f for f in batched.quality.findings}
    assert findings[("sentinel_values", f"(:{BIG_HOSTILE}).colour")].affected == size // 10
    duplicate = findings[("duplicate_key_values", "(:Big0).bigId")]
    assert duplicate.affected == 1 and duplicate.affected_provenance is not None
    assert duplicate.affected_provenance.method == "scan"
    assert ("empty_strings", "[:BIG_T1].note") in findings
