"""Sampled runs on multi-label graphs of issue 23's shape, repeated with several seeds: a key
any read saw is never missing from any of its node's labels, label combinations agree with
the count store, every sample states its limit, and no finding names an unused key."""

from __future__ import annotations

import pytest

from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.extraction.sample_limits import missable_below
from neosense_desktop.core.extraction.value_types import normalise_value_type
from neosense_desktop.core.report import Label, RelationshipType, Report
from tests.integration.engine_support import settings_for
from tests.neo4j_support import GraphFixture

pytestmark = pytest.mark.neo4j

SEEDS = ("seed-a", "seed-b", "seed-c", "seed-d", "seed-e")
BIG = 12_000  # above the census's 10,000-node sample, so the census is a sample too


def _load_issue_shape(graph: GraphFixture) -> None:
    """The issue's shape, and more of it: small labels shared with big ones, each minority
    combination holding keys (and a type) the big label's other nodes lack."""
    graph.run(
        "UNWIND range(1, 3) AS i CREATE (:Software:OS {name: 'os' + i, versions: ['1', '2']})"
    )
    graph.run("UNWIND range(1, 40) AS i CREATE (:Software {name: 'sw' + i, vendor: 'v'})")
    graph.run(f"UNWIND range(1, {BIG}) AS i CREATE (:OS:Process {{pid: i, name: 'p' + i}})")
    # A 5-node label whose nodes carry a big label, a key and a second type of pid.
    graph.run("UNWIND range(1, 5) AS i CREATE (:Rare:Process {pid: 'x' + i, rare: true})")
    # A 1-node label on a three-label node.
    graph.run("CREATE (:Lone:OS:Process {pid: 0, lone: date('2024-01-01')})")


def _truth(graph: GraphFixture) -> dict[str, dict[str, set[str]]]:
    """Per label, every key its nodes hold with the value types, by scanning."""
    out: dict[str, dict[str, set[str]]] = {}
    rows = graph.run(
        "MATCH (n) UNWIND labels(n) AS l UNWIND keys(n) AS k "
        "RETURN l, k, collect(DISTINCT valueType(n[k])) AS t"
    )
    for row in rows:
        out.setdefault(str(row["l"]), {})[str(row["k"])] = {
            normalise_value_type(str(t))
            for t in row["t"]  # type: ignore[attr-defined]
        }
    return out


def _true_combinations(graph: GraphFixture) -> dict[tuple[str, ...], int]:
    rows = graph.run("MATCH (n) RETURN labels(n) AS l, count(*) AS c")
    return {
        tuple(sorted(r["l"])): int(r["c"])  # type: ignore[call-overload]
        for r in rows
        if r["l"]
    }


async def _sampled(graph: GraphFixture, seed: str, **options: object) -> Report:
    run = ExtractionRun(
        settings_for(graph.server),
        graph.server.password,
        RunOptions.model_validate({"mode": "sampled", **options}),
    )
    run.run_id = seed  # seeds the samplers (RunContext.marker)
    async with run:
        report = await run.run()
    bad = {k: v.error for k, v in report.activities.items() if v.status.value != "succeeded"}
    assert not bad, bad
    return report


@pytest.mark.parametrize("seed", SEEDS)
async def test_no_key_a_read_saw_is_missing_from_any_of_its_labels(
    graph: GraphFixture, seed: str
) -> None:
    _load_issue_shape(graph)
    truth = _truth(graph)
    report = await _sampled(graph, seed)
    labels = {x.name: x for x in report.labels}
    # Every minority combination holds a label read whole (Software, Rare, Lone), so a
    # key any read saw is every key: OS and Process (sampled) get what those reads saw.
    for name, keys in truth.items():
        got = {p.name: set(p.types) for p in labels[name].properties}
        assert got == keys, (seed, name)
    os_versions = next(p for p in labels["OS"].properties if p.name == "versions")
    # Software's whole read saw 3 holders: the estimate is never below them.
    assert os_versions.observed is not None and os_versions.observed >= 1
    assert os_versions.fill_rate * labels["OS"].count >= 3
    if os_versions.seen_in:  # OS's own sample missed the 3 nodes
        assert os_versions.seen_in == ["Software"]


@pytest.mark.parametrize("seed", SEEDS[:3])
async def test_label_combinations_agree_with_the_count_store(
    graph: GraphFixture, seed: str
) -> None:
    _load_issue_shape(graph)
    true = _true_combinations(graph)
    report = await _sampled(graph, seed)
    counts = {x.name: x.count for x in report.labels}  # the count store's
    combos = {tuple(c.labels): c for c in report.label_combinations}
    for labels, combo in combos.items():
        assert combo.count <= min(counts[x] for x in labels), (seed, labels)
        assert combo.provenance is not None
        if combo.provenance.method == "scan":
            assert combo.count == true[labels], (seed, labels)
        else:
            assert combo.lower_bound is not None and combo.upper_bound is not None
            assert combo.lower_bound <= combo.count <= combo.upper_bound
    # Each combination of a label read whole is listed, exactly, and they add up to the
    # label's count-store count: no second count for the same label.
    for label in ("Software", "Rare", "Lone"):
        mine = {k: v for k, v in true.items() if label in k}
        assert {k: combos[k].count for k in mine} == mine, (seed, label)
        assert sum(mine.values()) == counts[label]
        assert all(combos[k].provenance.method == "scan" for k in mine)  # type: ignore[union-attr]
    segments = {
        f.subject: f.message for f in report.quality.findings if f.code == "multi_label_segment"
    }
    assert segments["OS:Software"].startswith("3 node(s)")
    assert segments["Lone:OS:Process"].startswith("1 node(s)")


@pytest.mark.parametrize("seed", SEEDS[:2])
async def test_every_sample_states_what_it_can_miss(graph: GraphFixture, seed: str) -> None:
    _load_issue_shape(graph)
    graph.run(
        f"MATCH (a:OS:Process) WITH a LIMIT {BIG // 2} "
        "MATCH (b:Software) WITH a, b LIMIT 2000 CREATE (a)-[:RUNS {since: 1}]->(b)"
    )
    graph.run("MATCH (a:Process) WITH a LIMIT 3000 CREATE (a)-[:CALLS {depth: 1}]->(a)")
    report = await _sampled(graph, seed, sample_size=500)
    entries: list[Label | RelationshipType] = [*report.labels, *report.relationship_types]
    for entry in entries:
        read = {p.provenance.sample_size for p in entry.properties if not p.seen_in}
        if entry.count <= 500:
            assert entry.sample_limit is None, entry.name
            continue
        limit = entry.sample_limit
        assert limit is not None, entry.name
        assert read == {limit.read}, entry.name  # the read its properties came from
        assert limit.population == entry.count
        assert limit.missable_below == missable_below(limit.read, entry.count)
        # About the rule of three: 3 / n of the population.
        assert limit.missable_share == pytest.approx(3 / limit.read, rel=0.25)
    plan = {(p.activity, p.subject): p for p in report.plan}
    for label in ("OS", "Process"):
        item = plan[("schema", f"(:{label})")]
        assert item.sample_limit is not None and "may be unseen" in item.reason
    assert plan[("schema", "(:Software)")].sample_limit is None


@pytest.mark.parametrize("mode", ["sampled", "exact"])
async def test_no_finding_names_an_unused_key(graph: GraphFixture, mode: str) -> None:
    # The names sort first among the database's unused tokens (earlier tests leave theirs),
    # so the token finding, which lists 50, names it.
    graph.run("UNWIND range(1, 30) AS i CREATE (:Event {AAstartTime: i, kind: 'k'})")
    # AAstarttime is left only as a token: its data is deleted.
    graph.run("CREATE (:Event {AAstarttime: 1})")
    graph.run("MATCH (n:Event) WHERE n.AAstarttime IS NOT NULL REMOVE n.AAstarttime")
    graph.run("CREATE (:Other {postCode: 'a', post_code: 'b'})")  # two names, both held
    tokens = {r["k"] for r in graph.run("CALL db.propertyKeys() YIELD propertyKey AS k")}
    assert "AAstarttime" in tokens  # the test's premise: the token outlived its data
    report = await _sampled(graph, "seed-unused", mode=mode, sample_size=10)
    token_codes = {"property_keys_not_seen", "unused_property_key_token"}
    for f in report.quality.findings:
        named = [f.subject, f.message, *(s.name or "" for s in f.subjects)]
        named += [p for s in f.subjects for p in s.properties]
        if f.code in token_codes:
            continue
        assert not any("AAstarttime" in text for text in named), f
    # The token keeps its own info finding.
    assert any(
        f.code in token_codes and "AAstarttime" in f.message for f in report.quality.findings
    )
    variants = [f for f in report.quality.findings if f.code == "property_name_variants"]
    assert [f.subject for f in variants] == ["property keys postCode, post_code"]
