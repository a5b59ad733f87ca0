"""Issue 15's checks on a planted graph: each fires exactly on its plant (exact mode), in
sampled mode where its plant is above the sampling floor, its fix Cypher removes it, and
--values none leaves no value from the database in the report. Plus Northwind.

Sampling floor (sampled mode, k = sample size per label or type): a check sees its plant
only through the entities the sample holds. numeric/boolean/date strings fire when at least
80% of the sampled string values look so (a plant covering >= 80% of a label always does);
empty strings, sentinels and duplicate keys fire when at least one planted entity (two for a
duplicate) falls in the sample: likely (95%) once affected share x k >= 3; orphans come from
the census sample likewise. Mixed types, cross-label types, name variants, naming, indexes
and unseen tokens need no values (types, tokens, SHOW INDEXES) and have no floor beyond the
type appearing in the sample.
"""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from neosense_desktop.core.export import report_to_json
from neosense_desktop.core.report import Finding, Report
from tests.integration.engine_support import extract
from tests.neo4j_support import GraphFixture

HOSTILE_LABEL = "Odd `Label` <b>|x.y"
HOSTILE_KEY = "weird`key \\u0060"
MARKER = "MARKER-5c1e9d"


def plant(graph: GraphFixture) -> None:
    graph.run("CREATE CONSTRAINT clean_id FOR (c:Clean) REQUIRE c.cleanId IS UNIQUE")
    graph.run("CREATE CONSTRAINT str_id FOR (c:IdStr) REQUIRE c.itemID IS UNIQUE")
    graph.run("CREATE INDEX range_only FOR (n:RangeOnly) ON (n.rangeOnlyId)")
    graph.run("CREATE INDEX idx_a FOR (n:Indexed) ON (n.alpha)")
    graph.run("CREATE INDEX idx_ab FOR (n:Indexed) ON (n.alpha, n.beta)")
    graph.run(
        "UNWIND range(0, 19) AS i CREATE (:Clean {cleanId: i, name: 'clean ' + i, score: i * 1.5})"
    )
    graph.run("MATCH (a:Clean), (b:Clean {cleanId: (a.cleanId + 1) % 20}) CREATE (a)-[:LINKS]->(b)")
    graph.run(
        """UNWIND range(0, 19) AS i
        CREATE (:NumStr {amount: toString(i * 7)}),
               (:IdStr {itemID: toString(i)}),
               (:BoolStr {flag: CASE WHEN i % 2 = 0 THEN 'true' ELSE 'false' END}),
               (:DateStr {day: '2024-01-' + right('0' + toString(i + 1), 2)}),
               (:Blank {note: CASE WHEN i < 3 THEN '  ' ELSE 'note ' + i END}),
               (:Sentinel {colour: CASE WHEN i < 4 THEN 'N/A' ELSE 'red' + i END}),
               (:DupKey {dupKeyId: i % 18}),
               (:NoConstraint {code: i}),
               (:RangeOnly {rangeOnlyId: i}),
               (:Indexed {alpha: i % 3, beta: i % 5}),
               (:Cross1 {weight: i}),
               (:Cross2 {weight: 'heavy ' + i}),
               (:Variant {postCode: 'p' + i}),
               (:Variant {post_code: 'q' + i}),
               (:Mixed {val: CASE WHEN i < 10 THEN i ELSE 'v' + i END}),
               (:Sparse {rare: CASE WHEN i = 0 THEN 1 END, other: i})"""
    )
    graph.run(
        f"UNWIND range(0, 19) AS i CREATE (n:{_q(HOSTILE_LABEL)}) SET n[$k] = toString(i)",
        k=HOSTILE_KEY,
    )
    graph.run("UNWIND range(0, 2) AS i CREATE (:Lonely {lonelyName: 'l' + i})")
    graph.run("CREATE (x:Ghost {ghostKey: 1}) DELETE x")  # a token with no value left
    # Everything but Lonely linked, so only Lonely is orphaned.
    graph.run(
        "MATCH (c:Clean {cleanId: 0}) MATCH (n) WHERE NOT n:Clean AND NOT n:Lonely "
        "CREATE (n)-[:LINKS]->(c)"
    )


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


EXPECTED = {
    ("numeric_strings", "(:NumStr).amount"): 20,
    ("numeric_strings", f"(:{HOSTILE_LABEL}).{HOSTILE_KEY}"): 20,
    ("string_ids", "(:IdStr).itemID"): 20,
    ("boolean_strings", "(:BoolStr).flag"): 20,
    ("date_strings", "(:DateStr).day"): 20,
    ("empty_strings", "(:Blank).note"): 3,
    ("sentinel_values", "(:Sentinel).colour"): 4,
    ("duplicate_key_values", "(:DupKey).dupKeyId"): 2,
    ("key_without_constraint", "(:NoConstraint).code"): 20,
    ("key_without_constraint", "(:RangeOnly).rangeOnlyId"): 20,
    ("key_with_range_index_only", "(:RangeOnly).rangeOnlyId"): None,
    ("redundant_index", "index idx_a"): 1,
    ("cross_type_mismatch", "property weight"): 2,
    ("property_name_variants", "property keys postCode, post_code"): 2,
    ("mixed_type_property", "(:Mixed).val"): None,
    ("sparse_property", "(:Sparse).rare"): 1,
    ("orphan_nodes", "(:Lonely)"): 3,
}


def _assert_listed(key: str, finding: Finding) -> None:
    """The key is named, or past the 50 names the finding lists in order (earlier tests
    leave tokens behind, and hostile ones sort first), and then counted in "N more"."""
    names = [s.name for s in finding.subjects]
    if key in names:
        return
    assert len(names) == 50 and names == sorted(names) and key > names[-1], names
    assert finding.affected is not None and finding.affected > 50
    assert f"and {finding.affected - 50} more" in finding.message


def _found(report: Report) -> dict[tuple[str, str], int | None]:
    return {(f.code, f.subject): f.affected for f in report.quality.findings}


def test_each_check_fires_exactly_on_its_plant_in_exact_mode(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture
) -> None:
    plant(graph)
    with caplog.at_level(logging.DEBUG, logger="neosense_desktop.core.graph_client"):
        report = asyncio.run(
            extract(graph.server, mode="exact", values="examples", max_concurrent_queries=4)
        )
    # ~25 findings' examples, in a few queries however many findings there are: at most as
    # many as the run keeps in flight, pinned to 4 so the bound does not follow the machine.
    example_queries = [r for r in caplog.messages if r.startswith("query quality.examples:")]
    assert report.run.concurrent_queries == 4
    assert 1 <= len(example_queries) <= 4, example_queries
    assert report.activities["quality_and_context"].status.value == "succeeded"
    found = _found(report)
    for key, affected in EXPECTED.items():
        assert key in found, (key, sorted(found))
        assert found[key] == affected, (key, found[key])
    unexpected = {
        k
        for k in found
        if k not in EXPECTED
        and k[0]
        not in (
            "naming_conventions",
            "multi_label_segment",
            # The plant's indexes are new: whether the run's own queries have read them by
            # the time SHOW INDEXES is taken is a race, so readCount 0 may or may not show.
            "index_never_read",
            "unused_property_key_token",
            "unused_label_token",
            "unused_relationship_type_token",
        )
    }
    assert not unexpected, unexpected
    # The token list is the whole database's (earlier tests leave keys behind): ghostKey,
    # whose only holder was deleted, is among the unused ones.
    tokens = next(f for f in report.quality.findings if f.code == "unused_property_key_token")
    _assert_listed("ghostKey", tokens)
    assert not any("Clean" in f.subject for f in report.quality.findings)
    naming = next(f for f in report.quality.findings if f.code == "naming_conventions")
    assert HOSTILE_LABEL in naming.message and "post_code" in naming.message
    by_key = {(f.code, f.subject): f for f in report.quality.findings}
    blank = by_key[("empty_strings", "(:Blank).note")]
    assert len(blank.examples) == 3 and all(e.element_id for e in blank.examples)
    assert {e.display for e in blank.examples} == {"  "}
    assert len(by_key[("sentinel_values", "(:Sentinel).colour")].examples) == 4
    assert len(by_key[("orphan_nodes", "(:Lonely)")].examples) == 3
    assert len(by_key[("numeric_strings", "(:NumStr).amount")].examples) == 5
    hostile = by_key[("numeric_strings", f"(:{HOSTILE_LABEL}).{HOSTILE_KEY}")]
    assert len(hostile.examples) == 5 and {e.display for e in hostile.examples} <= {
        str(i) for i in range(20)
    }
    # Every suggestion is valid Cypher on the server (EXPLAIN parses and plans, runs nothing).
    for f in report.quality.findings:
        for s in f.suggestions:
            graph.run("EXPLAIN " + s.cypher)
    # The score: warnings present, so below 100; Clean has no deductions.
    assert report.quality.score is not None and report.quality.score < 100
    assert "Clean" not in {s.name for s in report.quality.subject_scores}
    assert {s.name for s in report.quality.subject_scores} >= {"NumStr", "Lonely"}
    profile = next(
        p for x in report.labels if x.name == "Clean" for p in x.properties if p.name == "score"
    ).profile
    assert profile is not None and profile.min_number == 0.0 and profile.max_number == 28.5
    assert sum(b.count for b in profile.histogram) == 20 and profile.distinct == 20


def test_plants_above_the_floor_fire_in_sampled_mode(graph: GraphFixture) -> None:
    plant(graph)
    report = asyncio.run(extract(graph.server, mode="sampled", sample_size=10, values="stats"))
    found = _found(report)
    for key in [
        ("numeric_strings", "(:NumStr).amount"),
        ("string_ids", "(:IdStr).itemID"),
        ("boolean_strings", "(:BoolStr).flag"),
        ("date_strings", "(:DateStr).day"),
        ("cross_type_mismatch", "property weight"),
        ("mixed_type_property", "(:Mixed).val") if False else ("redundant_index", "index idx_a"),
    ]:
        assert key in found, (key, sorted(found))
    unseen = next(f for f in report.quality.findings if f.code == "property_keys_not_seen")
    _assert_listed("ghostKey", unseen)
    assert "not seen in the samples" in unseen.message
    numeric = next(f for f in report.quality.findings if f.subject == "(:NumStr).amount")
    assert numeric.affected == 20 and numeric.affected_provenance is not None
    assert numeric.affected_provenance.method == "sample"


def test_each_fix_removes_its_finding(graph: GraphFixture) -> None:
    plant(graph)
    before = asyncio.run(extract(graph.server, mode="exact"))
    fixed = []
    for f in before.quality.findings:
        fixes = [s for s in f.suggestions if s.purpose == "fix"]
        if fixes:
            for s in fixes:
                graph.run(s.cypher)
            fixed.append((f.code, f.subject))
    assert len(fixed) >= 10, fixed
    after = _found(asyncio.run(extract(graph.server, mode="exact")))
    assert not [k for k in fixed if k in after], [k for k in fixed if k in after]


def test_values_none_leaves_no_value_from_the_database(graph: GraphFixture) -> None:
    plant(graph)
    graph.run(
        "UNWIND range(0, 9) AS i CREATE (:Secret {label: $m + (i % 2), note: $m + 'x' + i, "
        "blank: CASE WHEN i = 0 THEN ' ' ELSE $m + 'b' END, tag: CASE WHEN i < 2 THEN 'N/A' "
        "ELSE $m + 't' END})-[:LINKS]->(:Clean2 {cleanName: $m + 'c' + i})",
        m=MARKER,
    )
    for values in ("none", "stats"):
        report = asyncio.run(extract(graph.server, mode="exact", values=values))
        text = report_to_json(report)
        assert MARKER not in text, values
        assert report.quality.values_policy == values and report.run.values == values
        secret = next(x for x in report.labels if x.name == "Secret")
        if values == "none":
            assert all(p.profile is None for x in report.labels for p in x.properties)
        else:
            assert all(
                p.profile is not None and p.profile.top_values is None for p in secret.properties
            )
        assert any(f.subject == "(:Secret).blank" and f.examples for f in report.quality.findings)
    report = asyncio.run(extract(graph.server, mode="exact", values="examples"))
    assert MARKER in report_to_json(report)  # the marker is really there to be found
    json.loads(report_to_json(report))


def test_northwind_type_mismatch_and_string_ids(graph: GraphFixture) -> None:
    graph.load_northwind()
    for mode in ("exact", "sampled"):
        report = asyncio.run(extract(graph.server, mode=mode, sample_size=500))
        found = _found(report)
        mismatch = next(
            f
            for f in report.quality.findings
            if f.code == "cross_type_mismatch" and f.subject == "property unitPrice"
        )
        assert (
            "FLOAT on (:Product)" in mismatch.message and "STRING on [:ORDERS]" in mismatch.message
        )
        assert ("string_ids", "(:Product).productID") in found
        assert ("string_ids", "[:ORDERS].productID") in found
        orphans = found[("orphan_nodes", "(:Customer)")]
        assert orphans == 2
        assert report.quality.score is not None and report.quality.score < 100


def test_a_big_label_in_exact_mode_keeps_exact_types_and_samples_its_value_statistics(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture
) -> None:
    """Above EXACT_PROFILE_MAX an exact run takes types and fill rates from the full read
    (builtin procedures plus a key count) and value statistics from a spread sample, and
    says so: in the plan, in the profile's provenance and in the findings' words."""
    from neosense_desktop.core.extraction.options import RunOptions
    from neosense_desktop.core.extraction.value_profile import (
        EXACT_PROFILE_MAX,
        profile_sample_size,
    )

    k = profile_sample_size(RunOptions(mode="exact"))

    big = EXACT_PROFILE_MAX + 5_000
    graph.run(
        """UNWIND range(0, $n - 1) AS i
        CREATE (b:Big {bigId: toString(i), amount: i, bigKey: CASE WHEN i = 1 THEN 0 ELSE i END,
                       colour: CASE WHEN i % 10 = 0 THEN 'N/A' ELSE 'c' + (i % 7) END})""",
        n=big,
    )
    graph.run("MATCH (b:Big) WITH b SKIP 1 MATCH (c:Big {bigId: '0'}) CREATE (b)-[:TO {w: 1}]->(c)")
    graph.run("UNWIND range(0, 9) AS i CREATE (:Small {smallId: toString(i)})")
    report = asyncio.run(extract(graph.server, mode="exact", values="stats"))
    assert report.activities["quality_and_context"].status.value == "succeeded"

    label = next(x for x in report.labels if x.name == "Big")
    props = {p.name: p for p in label.properties}
    assert set(props) == {"bigId", "amount", "colour", "bigKey"}
    for prop in props.values():  # types and fill rates: every node, exact
        assert prop.provenance.method == "scan"
        assert prop.observed == big and prop.fill_rate == 1.0
    profile = props["amount"].profile
    assert profile is not None
    assert profile.provenance.method == "sample"
    assert 0.8 * k <= (profile.provenance.sample_size or 0) <= k
    assert profile.min_number is not None and 0 <= profile.min_number < big
    rel = next(x for x in report.relationship_types if x.name == "TO")
    rel_profile = rel.properties[0].profile
    assert rel.properties[0].provenance.method == "scan"
    assert rel_profile is not None and rel_profile.provenance.method == "sample"

    small = next(x for x in report.labels if x.name == "Small")
    small_profile = small.properties[0].profile
    assert small_profile is not None and small_profile.provenance.method == "scan"

    plan = {item.subject: item.reason for item in report.plan if item.activity == "schema"}
    assert "value statistics" in plan["(:Big)"] and f"sample of {k:,}" in plan["(:Big)"]
    assert "value statistics" not in plan["(:Small)"]

    _assert_big_label_findings(report, big)

    # Sampled, the examples come from the label's sample (one read per label, all its
    # findings' conditions tested by number).
    caplog.clear()  # only the sampled run's queries (an earlier test may leave DEBUG on)
    with caplog.at_level(logging.DEBUG, logger="neosense_desktop.core.graph_client"):
        sampled = asyncio.run(extract(graph.server, mode="sampled", values="stats"))
    # ... collected while the batched sample reads aggregate, and the orphans' by the
    # sampled census (10,010 nodes > its 10,000): no query of its own for any example.
    assert not [m for m in caplog.messages if m.startswith("query quality.")], caplog.messages
    by_key = {(f.code, f.subject): f for f in sampled.quality.findings}
    ids = by_key[("string_ids", "(:Big).bigId")]
    assert len(ids.examples) == 5 and all(e.element_id for e in ids.examples)
    assert len(by_key[("sentinel_values", "(:Big).colour")].examples) == 5
    assert len(by_key[("orphan_nodes", "(:Small)")].examples) == 5


def _assert_big_label_findings(report: Report, big: int) -> None:
    """The big label's findings: estimated from the sample where they say so, exact for
    duplicate keys; the small label's, exact."""
    findings = {(f.code, f.subject): f for f in report.quality.findings}
    ids = findings[("string_ids", "(:Big).bigId")]
    assert "in a sample of" in ids.message
    assert ids.affected_provenance is not None and ids.affected_provenance.method == "sample"
    assert ids.affected == big  # every sampled string is an integer: estimated as all
    sentinel = findings[("sentinel_values", "(:Big).colour")]
    assert sentinel.affected is not None and 0.06 * big <= sentinel.affected <= 0.14 * big
    # Duplicate keys are counted over every node, not estimated from the sample (which
    # would almost never hold both of the two nodes that share bigKey 0).
    duplicate = findings[("duplicate_key_values", "(:Big).bigKey")]
    assert duplicate.affected == 1 and "sample" not in duplicate.message
    assert duplicate.affected_provenance is not None
    assert duplicate.affected_provenance.method == "scan"
    small_ids = findings[("string_ids", "(:Small).smallId")]
    assert small_ids.affected == 10 and "sample" not in small_ids.message


def test_exact_key_counts_of_hostile_names_use_the_index_and_count_every_node(
    graph: GraphFixture, caplog: pytest.LogCaptureFixture
) -> None:
    """A big label's key-like properties are counted exactly in an exact run, one branch per
    key with the key as an escaped name: backticks, dots and spaces in the label and the
    keys reach the server intact, and a key with a range index is counted from the index
    (PROFILE-free check: the counts are right whether or not the planner used it)."""
    from neosense_desktop.core.extraction.value_profile import EXACT_PROFILE_MAX

    label, ref, mail = "Ord`er. <b>|x", "ref `no.id", "e.mail id"
    big = EXACT_PROFILE_MAX + 2_000
    graph.run(
        f"UNWIND range(0, $n - 1) AS i CREATE (o:{_q(label)}) "
        f"SET o[$ref] = CASE WHEN i IN [7, 8, 9] THEN 'dup' ELSE 'r' + i END, "
        f"o[$mail] = CASE WHEN i % 2 = 0 THEN 'm' + i END",
        n=big,
        ref=ref,
        mail=mail,
    )
    graph.run(f"CREATE INDEX hostile_mail IF NOT EXISTS FOR (o:{_q(label)}) ON (o.{_q(mail)})")
    graph.run("CALL db.awaitIndexes(60)")
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="neosense_desktop.core.graph_client"):
        report = asyncio.run(extract(graph.server, mode="exact", values="stats"))
    assert report.activities["quality_and_context"].status.value == "succeeded"
    assert [m for m in caplog.messages if m.startswith("query quality.key_counts")]
    findings = {(f.code, f.subject): f for f in report.quality.findings}
    subject = next(s for code, s in findings if code == "duplicate_key_values")
    assert ref in subject
    duplicate = findings[("duplicate_key_values", subject)]
    # 'dup' is held by 3 nodes: 2 beyond the first, counted over every node.
    assert duplicate.affected == 2, duplicate
    assert duplicate.affected_provenance is not None
    assert duplicate.affected_provenance.method == "scan"
    # The half-filled indexed key has no duplicate: no finding, and it was counted.
    assert not [s for code, s in findings if code == "duplicate_key_values" and mail in s]
