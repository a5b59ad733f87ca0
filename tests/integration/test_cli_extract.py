"""The headless CLI end to end: extract / diff / schema and their exit codes."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from neosense_desktop.core import cli
from neosense_desktop.core.export import load_report
from neosense_desktop.core.extraction import runner
from neosense_desktop.core.profiles import Profile, ProfileStore, default_profiles_path
from neosense_desktop.core.secrets import SecretStore
from tests.fault_clients import FailingSchemaClient, client_factory
from tests.integration.engine_support import builtin_schema, report_schema, settings_for
from tests.neo4j_support import TEST_VERSION, GraphFixture, Neo4jServer


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_DATABASE", "NEO4J_PASSWORD")
    }
    env.update(
        NEOSENSE_DATA_DIR=str(tmp_path / "data"),
        NEOSENSE_CONFIG_DIR=str(tmp_path / "config"),
        NEOSENSE_LOG_DIR=str(tmp_path / "logs"),
    )
    env.update(extra)
    return env


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "neosense_desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def _conn(server: Neo4jServer) -> list[str]:
    return ["--uri", server.uri, "--user", server.user]


@pytest.mark.neo4j
def test_extract_exact_and_sampled_then_diff(graph: GraphFixture, tmp_path: Path) -> None:
    graph.load_fixture("engine_mixed.cypher")
    env = _env(tmp_path, NEO4J_PASSWORD=graph.server.password)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    done = _cli(["extract", *_conn(graph.server), "--mode", "exact", "--output", str(a)], env)
    assert done.returncode == 0, done.stderr
    assert "Properties and types: done" in done.stderr  # progress on stderr, in words
    assert graph.server.password not in done.stderr + done.stdout
    report = load_report(a)
    assert report.run.mode == "exact" and len(report.labels) == 8
    saved = sorted(p.name for p in (tmp_path / "data" / "runs").iterdir())
    assert saved == [f"{report.run.id}.json", f"{report.run.id}.summary.json"]

    # Environment variables fill in the missing flags.
    env2 = dict(env, NEO4J_URI=graph.server.uri, NEO4J_USERNAME=graph.server.user)
    done = _cli(["extract", "--mode", "sampled", "--sample-size", "2", "-o", str(b), "-q"], env2)
    assert done.returncode == 0, done.stderr
    assert load_report(b).run.mode == "sampled"

    same = _cli(["diff", str(a), str(a)], env)
    assert same.returncode == 0 and "No differences" in same.stdout
    graph.run("CREATE (:Brand {new: 1})")
    c = tmp_path / "c.json"
    assert (
        _cli(["extract", *_conn(graph.server), "--mode", "exact", "-o", str(c)], env).returncode
        == 0
    )
    differ = _cli(["diff", str(a), str(c)], env)
    assert differ.returncode == 1
    assert "+ Label :Brand added (1 node)" in differ.stdout
    as_json = _cli(["diff", str(a), str(c), "--json"], env)
    changes = json.loads(as_json.stdout)
    assert any(
        ch["category"] == "label" and ch["kind"] == "added" and ch["path"] == ["labels", "Brand"]
        for ch in changes
    )


@pytest.mark.neo4j
def test_all_databases_writes_one_report_each(graph: GraphFixture, tmp_path: Path) -> None:
    graph.run("CREATE (:X)")
    env = _env(tmp_path, NEO4J_PASSWORD=graph.server.password)
    out = tmp_path / "reports"
    done = _cli(["extract", *_conn(graph.server), "--all-databases", "-o", str(out), "-q"], env)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["neo4j.json"]
    assert load_report(out / "neo4j.json").labels[0].name == "X"


@pytest.mark.neo4j
def test_routing_uri_probes_and_extracts(graph: GraphFixture, tmp_path: Path) -> None:
    """neo4j:// against the single test server: probe, then an exact run, from the CLI."""
    graph.load_fixture("engine_mixed.cypher")
    env = _env(tmp_path, NEO4J_PASSWORD=graph.server.password)
    conn = ["--uri", graph.server.uri.replace("bolt://", "neo4j://"), "--user", graph.server.user]
    probed = _cli(["probe", *conn], env)
    assert probed.returncode == 0, probed.stderr
    result = json.loads(probed.stdout)
    assert result["version"] == TEST_VERSION and result["default_language"] == "CYPHER 5"
    out = tmp_path / "routed.json"
    done = _cli(["extract", *conn, "--mode", "exact", "-o", str(out), "-q"], env)
    assert done.returncode == 0, done.stderr
    report = load_report(out)
    assert report.server.version == TEST_VERSION and report.server.default_language
    assert report_schema(report) == builtin_schema(graph)


@pytest.mark.neo4j
def test_connection_failures_exit_4(neo4j_server: Neo4jServer, tmp_path: Path) -> None:
    env = _env(tmp_path, NEO4J_PASSWORD="wrong-password")
    done = _cli(["extract", *_conn(neo4j_server), "-o", str(tmp_path / "r.json")], env)
    assert done.returncode == 4
    assert "auth_failed" in done.stderr and "wrong-password" not in done.stderr
    env = _env(tmp_path, NEO4J_PASSWORD=neo4j_server.password)
    done = _cli(
        ["extract", "--uri", "bolt://127.0.0.1:1", "--user", "neo4j", "-o", str(tmp_path / "r")],
        env,
    )
    assert done.returncode == 4 and "unreachable" in done.stderr
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--mode", "fast"], "mode"),
        (["--sample-size", "-5"], "sample_size"),
        (["--timeout", "0"], "query_timeout_s"),
        (["--uri", "http://x:1"], "uri"),
        (["--user", ""], "user"),
        (["--activities", "schema,everything"], "unknown activity everything"),
        (["--parallel", "0"], "--parallel must be auto or a whole number from 1 to 64"),
        (["--parallel", "65"], "--parallel must be auto or a whole number from 1 to 64"),
        (["--parallel", "many"], "not 'many'"),
        (["--parallel", "-2"], "--parallel must be auto"),
    ],
)
def test_bad_input_exits_2_naming_the_field(tmp_path: Path, args: list[str], words: str) -> None:
    # A later flag overrides an earlier one, so `args` replaces the valid defaults.
    base = ["extract", "--uri", "bolt://127.0.0.1:7687", "--user", "neo4j", "-o", "r.json"]
    done = _cli([*base, *args], _env(tmp_path, NEO4J_PASSWORD="x" * 8))
    assert done.returncode == 2, done.stderr
    assert words in done.stderr


def test_missing_password_without_terminal_exits_2(tmp_path: Path) -> None:
    done = _cli(["extract", "--uri", "bolt://h:1", "--user", "u", "-o", "r.json"], _env(tmp_path))
    assert done.returncode == 2 and "NEO4J_PASSWORD" in done.stderr


def test_password_is_never_a_flag(tmp_path: Path) -> None:
    done = _cli(["extract", "--password", "secret", "-o", "r.json"], _env(tmp_path))
    assert done.returncode == 2


def test_schema_prints_configuration_and_report(tmp_path: Path) -> None:
    done = _cli(["schema"], _env(tmp_path))
    assert done.returncode == 0
    schemas = json.loads(done.stdout)
    assert set(schemas["configuration"]) == {"connection", "run_options"}
    assert "mode" in schemas["configuration"]["run_options"]["properties"]
    assert schemas["report"]["title"] == "Report"


def test_diff_of_unreadable_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    done = _cli(["diff", str(bad), str(bad)], _env(tmp_path))
    assert done.returncode == 2 and "file_corrupt" in done.stderr


@pytest.mark.neo4j
def test_failed_activity_exits_3_with_the_report_written(
    graph: GraphFixture,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    graph.load_fixture("engine_mixed.cypher")
    # In process, to inject the fault: every schema query fails.
    monkeypatch.setattr(runner, "default_client_factory", client_factory(FailingSchemaClient))
    monkeypatch.setenv("NEOSENSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEO4J_PASSWORD", graph.server.password)
    out = tmp_path / "r.json"
    code = cli.main(["extract", *_conn(graph.server), "-q", "-o", str(out)])
    assert code == 3
    assert "activity schema failed" in capsys.readouterr().err
    assert load_report(out).activities["schema"].status.value == "failed"


@pytest.mark.neo4j
@pytest.mark.keyring
def test_profile_password_from_the_keyring(graph: GraphFixture, tmp_path: Path) -> None:
    env = _env(tmp_path)
    os.environ["NEOSENSE_CONFIG_DIR"] = env["NEOSENSE_CONFIG_DIR"]
    try:
        store = ProfileStore(default_profiles_path(), include_environment=False)
        profile = Profile(name="Local test", connection=settings_for(graph.server))
        store.add(profile)
    finally:
        del os.environ["NEOSENSE_CONFIG_DIR"]
    secrets = SecretStore()
    assert secrets.available
    secrets.set_password(profile.id, graph.server.password)
    try:
        done = _cli(
            ["extract", "--profile", "Local test", "-q", "-o", str(tmp_path / "p.json")], env
        )
        assert done.returncode == 0, done.stderr
        assert load_report(tmp_path / "p.json").server.address == graph.server.uri.split("//")[1]
        missing = _cli(["extract", "--profile", "Nope", "-o", str(tmp_path / "n.json")], env)
        assert missing.returncode == 2 and "Nope" in missing.stderr
    finally:
        secrets.delete_password(profile.id)


@pytest.mark.neo4j
def test_extract_runs_only_the_chosen_activities(graph: GraphFixture, tmp_path: Path) -> None:
    """--activities (what the benchmark uses to measure one activity's added time)."""
    graph.run("CREATE (:Only {name: 'x'})-[:TO]->(:Only {name: 'y'})")
    out = tmp_path / "r.json"
    done = _cli(
        [
            "extract",
            *_conn(graph.server),
            "--activities",
            "node_labels, schema",
            "--no-save",
            "-o",
            str(out),
        ],
        _env(tmp_path, NEO4J_PASSWORD=graph.server.password),
    )
    assert done.returncode == 0, done.stderr
    report = load_report(out)
    ran = {name for name, a in report.activities.items() if a.status.value == "succeeded"}
    assert ran == {"node_labels", "schema"}
    assert {a.status.value for n, a in report.activities.items() if n not in ran} <= {"skipped"}
    assert [p.name for p in report.labels[0].properties] == ["name"]
    assert report.quality is None or not report.quality.findings


@pytest.mark.neo4j
def test_parallel_sets_the_queries_in_flight(graph: GraphFixture, tmp_path: Path) -> None:
    graph.run("CREATE (:Only {name: 'x'})-[:TO]->(:Only {name: 'y'})")
    env = _env(tmp_path, NEO4J_PASSWORD=graph.server.password)
    one, auto = tmp_path / "one.json", tmp_path / "auto.json"
    base = ["extract", *_conn(graph.server), "--no-save", "--mode", "sampled"]
    done = _cli([*base, "--parallel", "1", "-o", str(one)], env)
    assert done.returncode == 0, done.stderr
    assert "Plan: 1 query at a time (set by the run options; server reports" in done.stderr
    report = load_report(one)
    assert report.run.concurrent_queries == 1 and report.run.concurrent_queries_requested == 1
    done = _cli([*base, "--parallel", "auto", "-o", str(auto)], env)
    assert done.returncode == 0, done.stderr
    report = load_report(auto)
    assert report.run.concurrent_queries_requested == "auto"
    assert report.server.processors is not None
    assert f"Plan: {report.run.concurrent_queries} queries at a time (auto; " in done.stderr


@pytest.mark.neo4j
def test_extract_progress_in_a_log_never_goes_back(graph: GraphFixture, tmp_path: Path) -> None:
    graph.load_fixture("engine_mixed.cypher")
    env = _env(tmp_path, NEO4J_PASSWORD=graph.server.password)
    out = tmp_path / "r.json"
    done = _cli(["extract", *_conn(graph.server), "--output", str(out)], env)
    assert done.returncode == 0, done.stderr
    shares = [int(m) for m in re.findall(r"^\[\s*(\d+)%\]", done.stderr, flags=re.M)]
    assert len(shares) > 5 and shares == sorted(shares) and shares[-1] == 100, done.stderr
    for title in ("Node labels", "Relationship types", "Properties and types"):
        assert f"{title}: done" in done.stderr
    assert not re.search(r"\b[a-z]+_[a-z_]+:", done.stderr), done.stderr  # no snake_case
    assert "\x1b" not in done.stderr  # not a terminal: no redraws


@pytest.mark.neo4j
def test_extract_on_a_terminal_draws_a_bar_per_activity(
    graph: GraphFixture, tmp_path: Path
) -> None:
    """stderr a real pseudo-terminal, as in a person's shell: the bars are redrawn in place
    and the last frame shows every activity done."""
    graph.load_fixture("engine_mixed.cypher")
    env = _env(tmp_path, NEO4J_PASSWORD=graph.server.password, COLUMNS="120")
    controller, terminal = pty.openpty()
    out = tmp_path / "r.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "neosense_desktop",
            "extract",
            *_conn(graph.server),
            "--output",
            str(out),
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=terminal,
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            data = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process ended
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=300) == 0
    os.close(controller)
    screen = b"".join(chunks).decode("utf-8", errors="replace")
    assert "\x1b[1A" in screen and "\x1b[2K" in screen  # redrawn in place
    last = screen.rsplit("\x1b[2K\r", 1)[-1]
    lines = [line for line in last.splitlines() if line.strip()]
    assert lines[0].startswith("Overall") and "[####################] 100%" in lines[0]
    for title in ("Node labels", "Relationship types", "Properties and types"):
        line = next(x for x in lines if x.startswith(title))
        assert "100%  done" in line and "so far" not in line, line
