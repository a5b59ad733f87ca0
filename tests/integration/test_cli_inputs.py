"""CLI input: fuzzed arguments never crash, and the password never rides on the command line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neosense_desktop.core import cli, cli_command
from tests.neo4j_support import GraphFixture, Neo4jServer

OPTIONS = [
    "--uri",
    "--user",
    "--database",
    "--mode",
    "--sample-size",
    "--timeout",
    "--connection-timeout",
    "--output",
    "--profile",
    "--all-databases",
    "--password",
]


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    args=st.lists(
        st.one_of(
            st.sampled_from(OPTIONS),
            st.text(max_size=12),
            st.sampled_from(["-1", "0", "1e9", "nan", "exact", "bolt://", "http://x", ""]),
        ),
        max_size=8,
    )
)
def test_fuzzed_extract_arguments_exit_cleanly(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")  # nothing listens: never a real run
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # noqa: SIM115 (not a tty: no prompt)
    try:
        code = cli.main(["extract", *args])
    except SystemExit as exc:  # argparse's own refusal
        code = exc.code if isinstance(exc.code, int) else 2
    out = capsys.readouterr()
    assert code in (cli_command.EXIT_BAD_INPUT, cli_command.EXIT_CONNECT), (args, code, out.err)
    assert "Traceback" not in out.err
    assert out.err.strip(), "a refusal must say why"


def test_there_is_no_password_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(
        ["extract", "--uri", "bolt://h", "--user", "u", "--password", "x", "--output", "o.json"]
    )
    assert code == cli_command.EXIT_BAD_INPUT
    assert "unrecognized arguments: --password" in capsys.readouterr().err


@pytest.mark.neo4j
def test_password_is_not_in_the_process_arguments(
    graph: GraphFixture, neo4j_server: Neo4jServer, tmp_path: Path
) -> None:
    graph.run("UNWIND range(1, 3000) AS i CREATE (:N {i: i})")
    out = tmp_path / "r.json"
    env = dict(os.environ, NEO4J_PASSWORD=neo4j_server.password)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "neosense_desktop",
            "extract",
            "--uri",
            neo4j_server.uri,
            "--user",
            neo4j_server.user,
            "--mode",
            "exact",
            "--output",
            str(out),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    seen: list[bytes] = []
    while proc.poll() is None:
        try:
            seen.append(Path(f"/proc/{proc.pid}/cmdline").read_bytes())
        except OSError:
            break
        time.sleep(0.05)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr.decode()
    assert seen, "the process was never observed"
    assert all(neo4j_server.password.encode() not in c for c in seen)
    assert neo4j_server.password.encode() not in stdout + stderr
    assert neo4j_server.password not in out.read_text()
