"""The drift check's words and policy: each kind of change from a baseline, what it says and
whether the default policy (or a policy file) fails it. Reports are built in memory; the
real-server check is tests/integration/test_cli_check.py."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from neosense_desktop.core.diff import Change, diff_reports
from neosense_desktop.core.drift_policy import (
    POLICY_TABLES,
    DriftPolicy,
    PolicyError,
    check_drift,
    checked_items,
)
from neosense_desktop.core.formats.names import schema_name
from neosense_desktop.core.report import (
    Constraint,
    Finding,
    Index,
    Label,
    Pattern,
    Property,
    Provenance,
    Quality,
    RelationshipType,
    Report,
    RunInfo,
    ServerInfo,
    Severity,
    Statistics,
)

SCAN = Provenance(method="scan")


def baseline_report(run_id: str = "20261207T080903Z-aaaaaa") -> Report:
    """A small graph: Customer and Movie, ACTED_IN, an index, a constraint, two findings."""
    return Report(
        run=RunInfo(
            id=run_id,
            started_at=datetime(2026, 12, 7, 8, 9, 3, tzinfo=UTC),
            mode="exact",
            sample_size=1000,
            app_version="0.1.0",
        ),
        server=ServerInfo(
            address="db:7687", version="5.26.0", edition="community", database="neo4j"
        ),
        labels=[
            Label(
                name="Customer",
                count=1035,
                properties=[
                    Property(name="name", types=["STRING"], fill_rate=1.0, provenance=SCAN),
                    Property(name="age", types=["INTEGER"], fill_rate=0.9, provenance=SCAN),
                ],
            ),
            Label(name="Movie", count=38),
        ],
        relationship_types=[
            RelationshipType(
                name="ACTED_IN",
                count=172,
                patterns=[Pattern(start="Customer", end="Movie", count=172)],
                properties=[
                    Property(name="roles", types=["LIST<STRING>"], fill_rate=1.0, provenance=SCAN)
                ],
            )
        ],
        indexes=[
            Index(
                name="customer_name",
                type="RANGE",
                entity_type="NODE",
                labels_or_types=["Customer"],
                properties=["name"],
                state="ONLINE",
            )
        ],
        constraints=[
            Constraint(
                name="movie_title",
                type="UNIQUENESS",
                entity_type="NODE",
                labels_or_types=["Movie"],
                properties=["title"],
            )
        ],
        statistics=Statistics(node_count=1073, relationship_count=172, label_count=2),
        quality=Quality(
            score=61.7,
            findings=[
                Finding(
                    code="numeric_strings",
                    severity=Severity.WARNING,
                    subject="(:Customer).zip",
                    message="zip holds numbers as strings",
                ),
                Finding(
                    code="orphan_nodes",
                    severity=Severity.INFO,
                    subject="graph",
                    message="3 nodes have no relationships",
                ),
            ],
        ),
    )


def _customer(r: Report) -> Label:
    return r.labels[0]


def _add_property(r: Report) -> None:
    _customer(r).properties.append(
        Property(name="vip", types=["BOOLEAN"], fill_rate=0.1, provenance=SCAN)
    )


def _remove_property(r: Report) -> None:
    _customer(r).properties.pop()  # age


def _retype_property(r: Report) -> None:
    _customer(r).properties[1].types = ["INTEGER", "STRING"]


def _node_count(r: Report) -> None:
    r.statistics.node_count = 1075
    _customer(r).count = 1037


def _drop_constraint(r: Report) -> None:
    r.constraints = []


def _drop_index(r: Report) -> None:
    r.indexes = []


def _remove_label(r: Report) -> None:
    r.labels.pop()  # Movie


def _remove_type(r: Report) -> None:
    r.relationship_types = []


def _remove_pattern(r: Report) -> None:
    r.relationship_types[0].patterns = [Pattern(start="Customer", end=None, count=172)]


def _new_warning(r: Report) -> None:
    r.quality.findings.append(
        Finding(
            code="empty_strings",
            severity=Severity.WARNING,
            subject="(:Customer).name",
            message="4 empty names",
        )
    )
    r.quality.score = 60.9


def _new_info(r: Report) -> None:
    r.quality.findings.append(
        Finding(
            code="sparse_property", severity=Severity.INFO, subject="(:Customer).vip", message=""
        )
    )


def _resolved_warning(r: Report) -> None:
    r.quality.findings.pop(0)


def _added_label(r: Report) -> None:
    r.labels.append(Label(name="Order", count=12))


def _index_failed(r: Report) -> None:
    r.indexes[0].state = "FAILED"


# (what changes, the message the change reads as, the rule it breaks under the default policy)
CASES: list[tuple[Callable[[Report], None], str, str | None]] = [
    (_add_property, "Property vip added to :Customer (BOOLEAN)", None),
    (_remove_property, "Property age removed from :Customer", "fail.removed_property"),
    (
        _retype_property,
        "Property age of :Customer changed type: INTEGER → INTEGER, STRING",
        "fail.changed_value_type",
    ),
    (_node_count, "Nodes 1,073 → 1,075 (+2)", None),
    (_node_count, "Nodes of :Customer 1,035 → 1,037 (+2)", None),
    (
        _drop_constraint,
        "Constraint movie_title dropped (uniqueness constraint on :Movie(title))",
        "fail.dropped_constraint",
    ),
    (
        _drop_index,
        "Index customer_name dropped (range index on :Customer(name))",
        "fail.dropped_index",
    ),
    (_remove_label, "Label :Movie removed (had 38 nodes)", "fail.removed_label"),
    (
        _remove_type,
        "Relationship type [:ACTED_IN] removed (had 172 relationships)",
        "fail.removed_relationship_type",
    ),
    (
        _remove_pattern,
        "Pattern (:Customer)-[:ACTED_IN]->(:Movie) removed (had 172)",
        "fail.removed_pattern",
    ),
    (_remove_pattern, "Pattern (:Customer)-[:ACTED_IN]->() added (172 relationships)", None),
    (
        _new_warning,
        "New warning: Empty strings on (:Customer).name",
        "quality.new_finding_severities",
    ),
    (_new_warning, "Quality score 61.7 → 60.9 (-0.8)", None),
    (_new_warning, "Findings 2 → 3 (+1)", None),
    (_new_info, "New info: Sparsely filled property on (:Customer).vip", None),
    (_resolved_warning, "Resolved warning: Numbers stored as strings on (:Customer).zip", None),
    (_added_label, "Label :Order added (12 nodes)", None),
    (_index_failed, "Index customer_name ONLINE → FAILED", None),
]


@pytest.mark.parametrize(("change", "message", "rule"), CASES)
def test_each_change_in_words_and_its_default_verdict(
    change: Callable[[Report], None], message: str, rule: str | None
) -> None:
    baseline = baseline_report()
    current = baseline_report("20261208T080903Z-bbbbbb")
    change(current)
    verdict = check_drift(baseline, current)
    found = [c for c in [*verdict.violations, *verdict.reported] if c.message == message]
    messages = [c.message for c in [*verdict.violations, *verdict.reported]]
    assert len(found) == 1, messages
    if rule is None:
        assert found[0] in verdict.reported
    else:
        assert verdict.rules[verdict.violations.index(found[0])] == rule
        assert not verdict.conforms


INTERNAL = re.compile(r"\w+ / \w+|_count\b|statistics|relationship_types|fill_rate|_")


@pytest.mark.parametrize(("change", "message", "rule"), CASES)
def test_no_internal_names_in_messages_or_subjects(
    change: Callable[[Report], None], message: str, rule: str | None
) -> None:
    baseline = baseline_report()
    current = baseline_report("b")
    change(current)
    for c in diff_reports(baseline, current).changes:
        # The only underscores in these words are names from the graph.
        words = c.message.replace("ACTED_IN", "").replace("customer_name", "")
        words = words.replace("movie_title", "")
        assert not INTERNAL.search(words), c.message
        assert not INTERNAL.search(
            c.subject.replace("ACTED_IN", "")
            .replace("customer_name", "")
            .replace("movie_title", "")
        )
        assert c.subject, c.message


def test_unchanged_conforms() -> None:
    verdict = check_drift(baseline_report(), baseline_report("other"))
    assert verdict.conforms and verdict.violations == [] and verdict.reported == []
    assert verdict.summary() == "conforms to baseline"


def test_summary_counts_the_breaking_changes() -> None:
    current = baseline_report("b")
    _drop_index(current)
    assert check_drift(baseline_report(), current).summary() == "1 change breaks the baseline"
    for change in (_remove_label, _drop_constraint):
        change(current)
    assert check_drift(baseline_report(), current).summary() == "3 changes break the baseline"


# (policy table and key, value, what changes, rule that no longer fails or now fails)
POLICY_CASES: list[tuple[str, object, Callable[[Report], None], bool]] = [
    ("fail.removed_property", False, _remove_property, True),
    ("fail.changed_value_type", False, _retype_property, True),
    ("fail.dropped_constraint", False, _drop_constraint, True),
    ("fail.dropped_index", False, _drop_index, True),
    ("fail.removed_label", False, _remove_label, True),
    ("fail.removed_pattern", False, _remove_pattern, True),
    ("quality.new_finding_severities", ["error"], _new_warning, True),
    ("fail.added_property", True, _add_property, False),
    ("fail.added_label", True, _added_label, False),
    ("fail.changed_index", True, _index_failed, False),
    ("quality.new_finding_severities", ["error", "warning", "info"], _new_info, False),
]


@pytest.mark.parametrize(("key", "value", "change", "conforms"), POLICY_CASES)
def test_a_policy_loosens_or_tightens_a_rule(
    key: str, value: object, change: Callable[[Report], None], conforms: bool, tmp_path: Path
) -> None:
    table, name = key.split(".")
    rendered = str(value).lower() if isinstance(value, bool) else str(value).replace("'", '"')
    path = tmp_path / "policy.toml"
    path.write_text(f"[{table}]\n{name} = {rendered}\n", encoding="utf-8")
    policy = DriftPolicy.from_toml(path)
    current = baseline_report("b")
    change(current)
    assert check_drift(baseline_report(), current).conforms is not conforms  # default
    verdict = check_drift(baseline_report(), current, policy)
    assert verdict.conforms is conforms
    if not conforms:
        assert key in verdict.rules


# (policy text, what changes, conforms)
THRESHOLD_CASES: list[tuple[str, Callable[[Report], None], bool]] = [
    ("[counts]\nnodes_growth_percent = 0.1\n", _node_count, False),  # +0.19 %
    ("[counts]\nnodes_growth_percent = 1\n", _node_count, True),
    ("[counts]\nnodes_drop_percent = 0.1\n", _node_count, True),  # it grew
    ("[counts]\nlabel_growth_percent = 0.1\n", _node_count, False),
    ("[quality]\nscore_drop_points = 0.5\n", _new_warning, False),
    ("[quality]\nscore_drop_points = 1\nnew_finding_severities = []\n", _new_warning, True),
]


@pytest.mark.parametrize(("text", "change", "conforms"), THRESHOLD_CASES)
def test_count_thresholds(
    text: str, change: Callable[[Report], None], conforms: bool, tmp_path: Path
) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    current = baseline_report("b")
    change(current)
    verdict = check_drift(baseline_report(), current, DriftPolicy.from_toml(path))
    assert verdict.conforms is conforms, [c.message for c in verdict.violations]


def test_fill_rate_threshold_in_points() -> None:
    current = baseline_report("b")
    _customer(current).properties[1].fill_rate = 0.79
    loose = check_drift(baseline_report(), current)
    assert loose.conforms
    assert [c.message for c in loose.reported] == [
        "Property age of :Customer on 90.0 % → 79.0 % of the nodes"
    ]
    strict = check_drift(baseline_report(), current, DriftPolicy(fill_rate_drop_points=10))
    assert strict.rules == ["counts.fill_rate_drop_points"]
    assert check_drift(baseline_report(), current, DriftPolicy(fill_rate_drop_points=12)).conforms


def test_a_property_a_sample_could_have_missed_is_reported_not_failed() -> None:
    sample = Provenance(method="sample", sample_size=1000)
    baseline = baseline_report()
    _customer(baseline).properties.append(
        Property(name="rare", types=["STRING"], fill_rate=0.001, provenance=sample)
    )
    _customer(baseline).properties.append(
        Property(name="common", types=["STRING"], fill_rate=0.2, provenance=sample)
    )
    current = baseline_report("b")
    for p in _customer(current).properties:
        p.provenance = sample
    verdict = check_drift(baseline, current)
    [rare] = [c for c in verdict.reported if c.subject == "Property rare of :Customer"]
    assert rare.miss_chance is not None and 0.3 < rare.miss_chance < 0.4
    assert rare.message == (
        "Property rare not seen on :Customer in a sample of 1,000 nodes (it was on 0.1 % of "
        "them; a sample that size misses it 36.8 % of the time)"
    )
    # 80 % ** 1000 is about 1e-97: it is gone, not missed.
    [common] = [c for c in verdict.violations if c.subject == "Property common of :Customer"]
    assert common.miss_chance is not None and common.miss_chance < 1e-90
    assert verdict.rules == ["fail.removed_property"]
    # A policy that tolerates no chance of a miss reports both; one that tolerates any fails both.
    assert len(check_drift(baseline, current, DriftPolicy(max_miss_chance=0.0)).violations) == 0
    assert len(check_drift(baseline, current, DriftPolicy(max_miss_chance=1.0)).violations) == 2


# (policy file text, words the refusal must hold)
BAD_POLICIES = [
    ("[fail]\nremoved_lable = false\n", "did you mean 'removed_label'"),
    ("[fial]\nremoved_label = false\n", "unknown table [fial]"),
    ("[counts]\nremoved_label = false\n", "it belongs in [fail]"),
    ("removed_label = false\n", "put it under [fail]"),
    ("fail = 1\n", "must be a table"),
    ("[fail]\nremoved_label = 'no'\n", "must be true or false"),
    ("[counts]\nnodes_drop_percent = -1\n", "must be 0 or more"),
    ("[counts]\nnodes_drop_percent = 'ten'\n", "must be a number"),
    ("[counts]\nnodes_drop_percent = nan\n", "must be a number"),
    ("[quality]\nnew_finding_severities = ['fatal']\n", "severities are error, warning, info"),
    ("[sampling]\nmax_miss_chance = 2\n", "a chance from 0 to 1"),
    ("[fail\n", "not valid TOML"),
]


@pytest.mark.parametrize(("text", "words"), BAD_POLICIES)
def test_a_bad_policy_file_is_refused_clearly(text: str, words: str, tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        DriftPolicy.from_toml(path)
    assert words in caught.value.message
    assert str(path) in caught.value.message


def test_a_missing_or_binary_policy_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot be used"):
        DriftPolicy.from_toml(tmp_path / "absent.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00[fail]")
    with pytest.raises(PolicyError, match="not valid TOML"):
        DriftPolicy.from_toml(binary)


def test_the_default_policy_written_out_reads_back_the_same(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(DriftPolicy().as_toml(), encoding="utf-8")
    assert DriftPolicy.from_toml(path) == DriftPolicy()
    tuned = DriftPolicy(nodes_drop_percent=5.0, removed_pattern=False)
    path.write_text(tuned.as_toml(), encoding="utf-8")
    assert DriftPolicy.from_toml(path) == tuned
    assert sum(len(keys) for keys in POLICY_TABLES.values()) == len(
        DriftPolicy.__dataclass_fields__
    )


@pytest.mark.parametrize(("change", "message", "rule"), CASES)
def test_checked_items_cover_both_reports_and_every_change_subject(
    change: Callable[[Report], None], message: str, rule: str | None
) -> None:
    baseline = baseline_report()
    current = baseline_report("b")
    change(current)
    items = checked_items(baseline, current)
    subjects = {i.subject for i in items}
    assert len(subjects) == len(items)
    for c in diff_reports(baseline, current).changes:
        assert c.subject in subjects, c.subject
    assert {"Label :Customer", "Nodes", "Quality score", "Findings"} <= subjects


HOSTILE = ["Odd `Label` <b>|x.y", "a\x1b]52;c;aGk=\x07b", "\u202egnp.exe", "名 前;DROP"]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_stay_one_quoted_name_in_messages(name: str) -> None:
    baseline = baseline_report()
    current = baseline_report("b")
    current.labels.append(Label(name=name, count=1))
    _customer(current).properties.append(
        Property(name=name, types=["STRING"], fill_rate=1.0, provenance=SCAN)
    )
    changes: list[Change] = diff_reports(baseline, current).changes
    # Quoted as Cypher writes a name (core.formats.names): backticks doubled, control
    # characters as \\uXXXX, so one name reads as one name and cannot drive a terminal.
    quoted = schema_name(name)
    assert quoted.startswith("`") and "\x1b" not in quoted and "\x07" not in quoted
    assert f"Label :{quoted} added (1 node)" in [c.message for c in changes]
    assert f"Property {quoted} added to :Customer (STRING)" in [c.message for c in changes]


def test_the_readme_documents_every_policy_key_with_its_default() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### The policy") :]
    block = section[section.index("```toml\n") + 8 : section.index("```\n", 8)]
    assert DriftPolicy.from_mapping(tomllib.loads(block)) == DriftPolicy()
    for table, keys in POLICY_TABLES.items():
        assert f"[{table}]" in block
        for key in keys:
            assert re.search(rf"^(# )?{key} = ", block, re.MULTILINE), key
    # The commented examples are valid too, in their tables.
    examples = re.sub(r"^# (\w+ = )", r"\1", block, flags=re.MULTILINE)
    tuned = DriftPolicy.from_mapping(tomllib.loads(examples))
    assert tuned.nodes_drop_percent == 10 and tuned.score_drop_points == 5


# (current run's mode, exact threshold, label count, the removal fails)
LONE_PROPERTY_CASES = [
    ("sampled", None, 5000, False),  # a sample of 1,000 of 5,000: could have missed it
    ("auto", 2000, 5000, False),  # auto over the threshold samples
    ("auto", 10000, 5000, True),  # auto under the threshold reads all: it is gone
    ("exact", None, 5000, True),
    ("sampled", None, 800, True),  # fewer nodes than the sample: all were read
]


@pytest.mark.parametrize(("mode", "threshold", "count", "fails"), LONE_PROPERTY_CASES)
def test_a_lone_rare_property_gone_from_a_sampled_label(
    mode: str, threshold: int | None, count: int, fails: bool
) -> None:
    """The label's only property vanished, so no property left tells how it was read: the
    run's options and the label's count do."""
    baseline = baseline_report()
    baseline.labels.append(
        Label(
            name="Rare",
            count=count,
            properties=[Property(name="note", types=["STRING"], fill_rate=0.001, provenance=SCAN)],
        )
    )
    current = baseline_report("b")
    current.run.mode = mode  # type: ignore[assignment]
    current.run.exact_threshold = threshold
    current.labels.append(Label(name="Rare", count=count))
    verdict = check_drift(baseline, current)
    assert (verdict.rules == ["fail.removed_property"]) is fails
    [change] = [c for c in [*verdict.violations, *verdict.reported] if c.category == "property"]
    assert ("in a sample of 1,000 nodes" in change.message) is not fails


# (type as 5.x says it, as 2025+ says it, the words)
CONSTRAINT_TYPES = [
    ("UNIQUENESS", "NODE_PROPERTY_UNIQUENESS", "uniqueness constraint on :Movie(title)"),
    ("NODE_KEY", "NODE_KEY", "key constraint on :Movie(title)"),
    ("NODE_PROPERTY_EXISTENCE", "NODE_PROPERTY_EXISTENCE", "existence constraint on :Movie(title)"),
]


@pytest.mark.parametrize(("old", "new", "words"), CONSTRAINT_TYPES)
def test_a_server_upgrade_alone_changes_no_constraint(old: str, new: str, words: str) -> None:
    baseline = baseline_report()
    baseline.constraints[0].type = old
    current = baseline_report("b")
    current.constraints[0].type = new
    assert diff_reports(baseline, current).is_empty
    current.constraints = []
    [dropped] = diff_reports(baseline, current).changes
    assert dropped.message == f"Constraint movie_title dropped ({words})"
