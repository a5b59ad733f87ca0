"""Batched sampled reads against the real server: the number of queries does not grow with
labels and types, and the batched reads give what one query per label and type gave."""

from __future__ import annotations

import logging
import re
from collections import Counter

import pytest

from neosense_desktop.core.cypher import escape_name
from neosense_desktop.core.extraction import batch_reading
from neosense_desktop.core.report import Report
from tests.integration.engine_support import extract
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


async def _queries(graph: GraphFixture, caplog: pytest.LogCaptureFixture) -> Counter[str]:
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="neosense_desktop.core.graph_client"):
        report = await extract(graph.server, mode="sampled", sample_size=20)
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


async def test_label_and_type_reads_take_a_fixed_number_of_queries(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture
) -> None:
    counts = {}
    for labels in (5, 60):
        graph.clean()
        _build(graph, labels)
        counts[labels] = await _queries(graph, caplog)
    few, many = counts[5], counts[60]
    reads = ("batch.", "schema.", "type.")
    few_reads = {k: v for k, v in few.items() if k.startswith(reads)}
    many_reads = {k: v for k, v in many.items() if k.startswith(reads)}
    # Every label and type read went through the batches, GROUPS queries per kind at both sizes.
    assert (
        few_reads
        == many_reads
        == {
            "batch.label_profiles": batch_reading.GROUPS,
            "batch.type_profiles": batch_reading.GROUPS,
        }
    )
    # And nothing else in the run grows with the schema by more than a few queries (quality's
    # example reads depend on what the sample finds, not on the number of labels).
    fixed = [k for k in many if not k.startswith("quality.")]
    assert sum(many[k] for k in fixed) <= sum(few[k] for k in fixed) + 2, (few, many)


def _comparable(report: Report) -> dict[str, object]:
    out: dict[str, object] = {}
    for entry in [*report.labels, *report.relationship_types]:
        kind = "node" if entry in report.labels else "rel"
        out[f"{kind}:{entry.name}"] = [
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
            for p in entry.properties
        ]
    for t in report.relationship_types:
        out[f"patterns:{t.name}"] = sorted(
            (p.start or "", p.end or "", p.count, p.provenance.method) for p in t.patterns
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
