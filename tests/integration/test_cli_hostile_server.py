"""The CLI against a server whose names are hostile: database names that are paths (through
a Bolt proxy that lists the names a lying server would), and a label that would write the
terminal's clipboard. Files stay in --output; no control byte reaches the terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from neosense_desktop.core.export import load_report
from neosense_desktop.core.output_names import file_stem
from tests.bolt_rename_proxy import BoltRenameProxy
from tests.neo4j_support import GraphFixture

OSC52 = "\x1b]52;c;cHduZWQ=\x07"  # writes "pwned" to the clipboard of a terminal that obeys


def _env(tmp_path: Path, password: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(
        NEOSENSE_DATA_DIR=str(tmp_path / "data"),
        NEOSENSE_CONFIG_DIR=str(tmp_path / "config"),
        NEOSENSE_LOG_DIR=str(tmp_path / "logs"),
        NEO4J_PASSWORD=password,
    )
    return env


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    # Bytes, not text: the test looks for raw control bytes in what the terminal receives.
    return subprocess.run(
        [sys.executable, "-m", "neosense_desktop", *args],
        capture_output=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def _port(graph: GraphFixture) -> int:
    return int(graph.server.uri.rsplit(":", 1)[1])


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.neo4j
def test_all_databases_writes_path_like_names_inside_the_output_folder(
    graph: GraphFixture, tmp_path: Path
) -> None:
    graph.run("CREATE (:Person {name: 'Ada'})")
    # `../../x` from work/out would land in tmp_path itself; the absolute name points into
    # tmp_path too, so a regression litters this test's folder, never the machine.
    absolute = str(tmp_path / "abs" / "x")
    output = tmp_path / "work" / "out"
    env = _env(tmp_path, graph.server.password)
    before = _files_under(tmp_path)
    with BoltRenameProxy(_port(graph), ["../../x", absolute]) as proxy:
        done = _cli(
            [
                "extract",
                "--uri",
                proxy.uri,
                "--user",
                graph.server.user,
                "--all-databases",
                "--no-save",
                "-q",
                "--output",
                str(output),
            ],
            env,
        )
        assert proxy.listings >= 1  # the CLI did see the lying server's list
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    written = _files_under(tmp_path) - before
    logs = {p for p in written if (tmp_path / "logs") in p.parents}
    expected = {output / "%2E.%2F..%2Fx.json", output / (file_stem(absolute) + ".json")}
    assert written - logs == expected
    assert not (tmp_path / "x.json").exists() and not (tmp_path / "abs").exists()
    for name in ("../../x", absolute):
        report = load_report(output / (file_stem(name) + ".json"))
        assert report.server.database == name
        assert [label.name for label in report.labels] == ["Person"]


@pytest.mark.neo4j
def test_all_databases_refuses_names_that_collide_and_writes_nothing(
    graph: GraphFixture, tmp_path: Path
) -> None:
    output = tmp_path / "out"
    env = _env(tmp_path, graph.server.password)
    with BoltRenameProxy(_port(graph), ["Sales", "sales"]) as proxy:
        done = _cli(
            [
                "extract",
                "--uri",
                proxy.uri,
                "--user",
                graph.server.user,
                "--all-databases",
                "--no-save",
                "-q",
                "--output",
                str(output),
            ],
            env,
        )
    assert done.returncode == 2, done.stderr
    stderr = done.stderr.decode()
    assert "'Sales' and 'sales' would be written to the same file" in stderr
    assert "Traceback" not in stderr
    assert not output.exists()


@pytest.mark.neo4j
def test_extract_progress_shows_a_hostile_label_escaped(
    graph: GraphFixture, tmp_path: Path
) -> None:
    graph.run(f"CREATE (:`{OSC52}` {{`key{OSC52}`: 1}})")
    output = tmp_path / "r.json"
    done = _cli(
        [
            "extract",
            "--uri",
            graph.server.uri,
            "--user",
            graph.server.user,
            "--no-save",
            "--mode",
            "exact",
            "--output",
            str(output),
        ],
        _env(tmp_path, graph.server.password),
    )
    assert done.returncode == 0, done.stderr
    # The progress lines name the label (the sampled activities say what they read).
    assert b"\\x1b]52;c;cHduZWQ=\\x07" in done.stderr, done.stderr.decode(errors="replace")
    for raw in (b"\x1b", b"\x07"):
        assert raw not in done.stderr + done.stdout
    assert [label.name for label in load_report(output).labels] == [OSC52]


@pytest.mark.neo4j
def test_probe_and_all_databases_show_hostile_database_names_escaped(
    graph: GraphFixture, tmp_path: Path
) -> None:
    # C1 CSI and a bidi override: JSON writers leave both raw; OSC 52 and a line break.
    names = ["evil\x9b31m\u202egnp.exe", f"clip{OSC52}\nfake: report written to /etc"]
    env = _env(tmp_path, graph.server.password)
    with BoltRenameProxy(_port(graph), names) as proxy:
        conn = ["--uri", proxy.uri, "--user", graph.server.user]
        probe = _cli(["probe", *conn], env)
        extract = _cli(
            [
                "extract",
                *conn,
                "--all-databases",
                "--no-save",
                "--activities",
                "node_labels",
                "--output",
                str(tmp_path / "out"),
            ],
            env,
        )
    assert probe.returncode == 0, probe.stderr
    listed = [d["name"] for d in json.loads(probe.stdout)["databases"]]
    assert set(names) <= set(listed)  # the same names, as JSON escapes
    assert extract.returncode == 0, extract.stderr
    for done in (probe, extract):
        printed = done.stdout + done.stderr
        for raw in (b"\x1b", b"\x07", b"\xc2\x9b", "\u202e".encode()):
            assert raw not in printed, (raw, printed[-600:])
    assert not any(line.startswith(b"fake: ") for line in extract.stderr.splitlines()), (
        extract.stderr.decode()
    )
    assert b"clip\\x1b]52;c;cHduZWQ=\\x07\\x0afake: report written to /etc: " in extract.stderr
