"""`neosense-desktop check` against a real server: a baseline extracted from the graph, the
graph changed one way per policy rule, and the check's exit code, words and JUnit file (which
must validate against the JUnit XML schema that Jenkins reads, tests/fixtures/
junit-jenkins.xsd)."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from lxml import etree

from neosense_desktop.core.cypher import escape_name
from neosense_desktop.core.export import load_report, save_report
from neosense_desktop.core.profiles import Profile, ProfileStore, default_profiles_path
from neosense_desktop.core.report import ActivityError, ActivityResult, ActivityStatus
from neosense_desktop.core.secrets import SecretStore
from tests.integration.engine_support import settings_for
from tests.integration.test_cli_extract import _cli, _conn, _env
from tests.neo4j_support import FIXTURES, GraphFixture

JUNIT_SCHEMA = etree.XMLSchema(etree.parse(str(FIXTURES / "junit-jenkins.xsd")))

# A label and a property key a person would not choose: a terminal escape (OSC 52 writes the
# clipboard), a bell, backticks, markup, a pipe, a bidi override and non-Latin letters.
HOSTILE_LABEL = "Odd\x1b]52;c;aGk=\x07`Label` <b>|x.y \u202egnp"
HOSTILE_KEY = "weird`key ключ <i>"


def _shop(graph: GraphFixture) -> None:
    """Customers and movies, BOUGHT and RATED (two patterns), an index, a constraint, a
    label that can go and a label with a hostile name and key."""
    graph.run("CREATE CONSTRAINT movie_title FOR (m:Movie) REQUIRE m.title IS UNIQUE")
    graph.run("CREATE INDEX customer_name FOR (c:Customer) ON (c.name)")
    graph.run(
        "UNWIND range(1, 20) AS i "
        "CREATE (c:Customer {name: 'c' + i, age: i})-[:BOUGHT {at: i}]->"
        "(m:Movie {title: 't' + i}), (c)-[:RATED {stars: 3}]->(m)"
    )
    graph.run("MATCH (a:Customer {name: 'c1'}), (b:Customer {name: 'c2'}) CREATE (a)-[:RATED]->(b)")
    graph.run("CREATE (:Temp {x: 1})")
    graph.run(f"CREATE (:{escape_name(HOSTILE_LABEL)} {{{escape_name(HOSTILE_KEY)}: 1, plain: 2}})")


def _baseline(graph: GraphFixture, tmp_path: Path, env: dict[str, str]) -> Path:
    base = tmp_path / "baseline.json"
    done = _cli(
        ["extract", *_conn(graph.server), "--mode", "exact", "-o", str(base), "-q", "--no-save"],
        env,
    )
    assert done.returncode == 0, done.stderr
    return base


def _check(
    graph: GraphFixture, base: Path, env: dict[str, str], *extra: str
) -> tuple[int, str, str]:
    done = _cli(
        ["check", "--baseline", str(base), *_conn(graph.server), "-q", "--no-save", *extra], env
    )
    return done.returncode, done.stdout, done.stderr


def _junit(path: Path) -> etree._ElementTree:
    document = etree.parse(str(path))
    assert JUNIT_SCHEMA.validate(document), JUNIT_SCHEMA.error_log
    return document


def _failures(document: etree._ElementTree) -> list[tuple[str, str, str]]:
    """(test case name, failure type, failure message) of every failure."""
    return [
        (f.getparent().get("name"), f.get("type"), f.get("message"))
        for f in document.iter("failure")
    ]


@pytest.mark.neo4j
def test_unchanged_database_conforms(graph: GraphFixture, tmp_path: Path) -> None:
    _shop(graph)
    env = _env(tmp_path, NEO4J_PASSWORD=graph.server.password)
    base = _baseline(graph, tmp_path, env)
    junit = tmp_path / "out" / "check.xml"
    code, out, err = _check(graph, base, env, "--junit", str(junit))
    assert code == 0, out + err
    assert out.startswith("Schema check: conforms to baseline\n")
    assert graph.server.password not in out + err
    document = _junit(junit)
    suite = document.getroot()[0]
    cases = list(suite.iter("testcase"))
    # Every label, property, type, pattern, index, constraint and statistic is a test case.
    names = {c.get("name") for c in cases}
    assert {
        "Label :Customer",
        "Label :Temp",
        "Property age of :Customer",
        "Relationship type [:RATED]",
        "Pattern (:Customer)-[:RATED]->(:Customer)",
        "Index customer_name",
        "Constraint movie_title",
        "Nodes",
        "Quality score",
    } <= names
    assert suite.get("tests") == str(len(cases)) and suite.get("failures") == "0"
    assert _failures(document) == []
    # JSON for a program says the same.
    code, out, _err = _check(graph, base, env, "--format", "json")
    verdict = json.loads(out)
    assert code == 0 and verdict["conforms"] and verdict["violations"] == []
    assert verdict["items_checked"] == len(cases)


# (the rule, the change to the graph, a JUnit failure that must be there: case, message)
RULES = [
    (
        "fail.removed_label",
        "MATCH (t:Temp) DETACH DELETE t",
        ("Label :Temp", "Label :Temp removed (had 1 node)"),
    ),
    (
        "fail.removed_relationship_type",
        "MATCH ()-[r:RATED]->() DELETE r",
        ("Relationship type [:RATED]", "Relationship type [:RATED] removed (had 21 relationships)"),
    ),
    (
        "fail.removed_property",
        "MATCH (c:Customer) REMOVE c.age",
        ("Property age of :Customer", "Property age removed from :Customer"),
    ),
    (
        "fail.removed_pattern",
        "MATCH (:Customer)-[r:RATED]->(:Customer) DELETE r",
        (
            "Pattern (:Customer)-[:RATED]->(:Customer)",
            "Pattern (:Customer)-[:RATED]->(:Customer) removed (had 1)",
        ),
    ),
    (
        "fail.changed_value_type",
        "MATCH (c:Customer {name: 'c1'}) SET c.age = 'one'",
        (
            "Property age of :Customer",
            "Property age of :Customer changed type: INTEGER → INTEGER, STRING",
        ),
    ),
    (
        "fail.dropped_index",
        "DROP INDEX customer_name",
        ("Index customer_name", "Index customer_name dropped (range index on :Customer(name))"),
    ),
    (
        "fail.dropped_constraint",
        "DROP CONSTRAINT movie_title",
        (
            "Constraint movie_title",
            "Constraint movie_title dropped (uniqueness constraint on :Movie(title))",
        ),
    ),
    (
        "quality.new_finding_severities",
        "CREATE ({x: 1})",
        ("Findings: Nodes without a label", "New warning: Nodes without a label"),
    ),
]


@pytest.mark.neo4j
@pytest.mark.parametrize(("rule", "change", "failure"), RULES, ids=[r[0] for r in RULES])
def test_each_policy_rule_fails_the_check(
    graph: GraphFixture, tmp_path: Path, rule: str, change: str, failure: tuple[str, str]
) -> None:
    _shop(graph)
    env = _env(tmp_path, NEO4J_PASSWORD=graph.server.password)
    base = _baseline(graph, tmp_path, env)
    graph.run(change)
    junit = tmp_path / "check.xml"
    code, out, err = _check(graph, base, env, "--junit", str(junit))
    assert code == 1, out + err
    assert "break the baseline" in out.splitlines()[0] or "breaks the baseline" in out
    document = _junit(junit)
    failures = _failures(document)
    by_rule = [(case, message) for case, kind, message in failures if kind == rule]
    assert failure in by_rule, failures
    assert f"{failure[1]}  [policy {rule}]" in out
    suite = document.getroot()[0]
    assert suite.get("failures") == str(len(failures)) and len(failures) >= 1


@pytest.mark.neo4j
def test_a_policy_file_loosens_a_rule_and_a_threshold_tightens_one(
    graph: GraphFixture, tmp_path: Path
) -> None:
    _shop(graph)
    env = _env(tmp_path, NEO4J_PASSWORD=graph.server.password)
    base = _baseline(graph, tmp_path, env)
    graph.run("MATCH (c:Customer) REMOVE c.age")
    loose = tmp_path / "loose.toml"
    loose.write_text("[fail]\nremoved_property = false\n", encoding="utf-8")
    junit = tmp_path / "check.xml"
    code, out, err = _check(graph, base, env, "--policy", str(loose), "--junit", str(junit))
    assert code == 0, out + err
    assert "Reported, not failing" in out and "Property age removed from :Customer" in out
    assert _failures(_junit(junit)) == []

    # Growth is reported by default; a threshold makes 1 more customer in 20 (5 %) fail.
    graph.run("CREATE (:Customer {name: 'new'})")
    strict = tmp_path / "strict.toml"
    strict.write_text(
        "[fail]\nremoved_property = false\n[counts]\nlabel_growth_percent = 4\n", encoding="utf-8"
    )
    code, out, err = _check(graph, base, env, "--policy", str(strict), "--junit", str(junit))
    assert code == 1, out + err
    assert (
        "Label :Customer",
        "counts.label_growth_percent",
        "Nodes of :Customer 20 → 21 (+1)",
    ) in (_failures(_junit(junit)))
    # A policy file with a mistake is refused before anything is read: exit 2, in words.
    typo = tmp_path / "typo.toml"
    typo.write_text("[fail]\nremoved_propery = false\n", encoding="utf-8")
    code, out, err = _check(graph, base, env, "--policy", str(typo))
    assert code == 2 and out == ""
    assert "did you mean 'removed_property'" in err and "Traceback" not in err


@pytest.mark.neo4j
def test_hostile_names_reach_the_terminal_and_junit_as_text(
    graph: GraphFixture, tmp_path: Path
) -> None:
    _shop(graph)
    env = _env(tmp_path, NEO4J_PASSWORD=graph.server.password)
    base = _baseline(graph, tmp_path, env)
    graph.run(f"MATCH (n:{escape_name(HOSTILE_LABEL)}) REMOVE n.{escape_name(HOSTILE_KEY)}")
    junit = tmp_path / "check.xml"
    for fmt in ("text", "markdown", "json"):
        code, out, err = _check(graph, base, env, "--junit", str(junit), "--format", fmt)
        assert code == 1, out + err
        # No control or bidi character reaches the terminal: each is an escape.
        assert not any(ch in out + err for ch in "\x1b\x07\u202e"), fmt
    text = _check(graph, base, env)[1]
    assert "Property `weird``key ключ <i>` removed from :`Odd\\u001B]52;c;aGk=\\u0007" in text
    assert "\\u202Egnp`" in text  # Cypher-escaped (formats/names: upper-case hex)
    failures = _failures(_junit(junit))
    [(case, _kind, message)] = [f for f in failures if f[1] == "fail.removed_property"]
    assert case.startswith("Property `weird``key ключ <i>` of :`Odd\\u001B]52")
    assert "<i>" in message  # markup stays text in XML (the parser gave it back unescaped)


@pytest.mark.neo4j
def test_report_file_instead_of_a_connection_and_the_exit_codes(
    graph: GraphFixture, tmp_path: Path
) -> None:
    _shop(graph)
    env = _env(tmp_path, NEO4J_PASSWORD=graph.server.password)
    base = _baseline(graph, tmp_path, env)
    graph.run("DROP INDEX customer_name")
    current = tmp_path / "current.json"
    code, _out, err = _check(graph, base, env, "--save-report", str(current))
    assert code == 1 and current.exists(), err
    # The saved run is checked without a server: same verdict.
    by_file = _cli(["check", "--baseline", str(base), "--report", str(current)], _env(tmp_path))
    assert by_file.returncode == 1, by_file.stderr
    assert "Index customer_name dropped" in by_file.stdout
    assert (
        _cli(["check", "--baseline", str(base), "--report", str(base)], _env(tmp_path)).returncode
        == 0
    )
    # A report whose run did not complete: its verdict is not trusted (exit 3), and the JUnit
    # file says why with an error.
    partial = load_report(current)
    partial.activities["schema"] = ActivityResult(
        status=ActivityStatus.FAILED, error=ActivityError(code="timeout", message="timed out")
    )
    partial_path = tmp_path / "partial.json"
    save_report(partial, partial_path)
    junit = tmp_path / "partial.xml"
    done = _cli(
        ["check", "--baseline", str(base), "--report", str(partial_path), "--junit", str(junit)],
        _env(tmp_path),
    )
    assert done.returncode == 3, done.stderr
    assert "did not complete" in done.stderr
    errors = list(_junit(junit).iter("error"))
    assert len(errors) == 1 and "Properties and types failed: timed out" in (
        errors[0].get("message") or ""
    )
    # Bad input: a baseline that is not a report, or --report with connection flags: exit 2.
    junk = tmp_path / "junk.json"
    junk.write_text("{not json", encoding="utf-8")
    done = _cli(["check", "--baseline", str(junk), "--report", str(base)], _env(tmp_path))
    assert done.returncode == 2 and "baseline" in done.stderr and "Traceback" not in done.stderr
    done = _cli(
        ["check", "--baseline", str(base), "--report", str(base), "--uri", graph.server.uri],
        _env(tmp_path),
    )
    assert done.returncode == 2 and "not both" in done.stderr
    # A JUnit file that cannot be written: exit 2, the verdict still printed.
    blocked = tmp_path / "file"
    blocked.write_text("x", encoding="utf-8")
    done = _cli(
        [
            "check",
            "--baseline",
            str(base),
            "--report",
            str(base),
            "--junit",
            str(blocked / "x.xml"),
        ],
        _env(tmp_path),
    )
    assert done.returncode == 2 and "conforms to baseline" in done.stdout
    assert "Could not write" in done.stderr
    # Nothing listens: could not connect, exit 4.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    junit = tmp_path / "unreachable.xml"
    done = _cli(
        [
            *("check", "--baseline", str(base), "--junit", str(junit)),
            *("--uri", f"bolt://127.0.0.1:{port}", "--user", "neo4j"),
        ],
        _env(tmp_path, NEO4J_PASSWORD="x"),
    )
    assert done.returncode == 4, done.stderr
    # The CI server still gets a file that says why there is no verdict.
    [error] = _junit(junit).iter("error")
    assert error.getparent().get("name") == "Connected to the database"
    assert error.get("message") and "Traceback" not in done.stderr


@pytest.mark.neo4j
@pytest.mark.keyring
def test_check_a_saved_connection_against_a_run_from_the_history(
    graph: GraphFixture, tmp_path: Path
) -> None:
    """The way a person on their own machine uses it: --profile with the password in the OS
    keyring, and a run the history kept as the baseline; the check's run joins the history."""
    _shop(graph)
    env = _env(tmp_path)
    os.environ["NEOSENSE_CONFIG_DIR"] = env["NEOSENSE_CONFIG_DIR"]
    try:
        store = ProfileStore(default_profiles_path(), include_environment=False)
        profile = Profile(name="Shop", connection=settings_for(graph.server))
        store.add(profile)
    finally:
        del os.environ["NEOSENSE_CONFIG_DIR"]
    secrets = SecretStore()
    secrets.set_password(profile.id, graph.server.password)
    try:
        done = _cli(["extract", "--profile", "Shop", "--mode", "exact", "-q", "-o", "-"], env)
        assert done.returncode == 0, done.stderr
        runs = tmp_path / "data" / "runs"
        [first] = [p for p in runs.glob("*.json") if not p.name.endswith(".summary.json")]
        done = _cli(["check", "--profile", "Shop", "--baseline", str(first), "-q"], env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.startswith("Schema check: conforms to baseline")
        kept = [p for p in runs.glob("*.json") if not p.name.endswith(".summary.json")]
        assert len(kept) == 2
        assert graph.server.password not in done.stdout + done.stderr
    finally:
        secrets.delete_password(profile.id)
