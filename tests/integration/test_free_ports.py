"""The suite's servers take free ports (tests/neo4j_support.py): another process on a port
never makes a test error at setup, and the homes of throwaway ports do not pile up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from tests import neo4j_support
from tests.neo4j_support import (
    OWNER_FILE,
    REPO,
    free_port,
    instance_home,
    is_free_port,
    server_port,
    start_own_server,
    stop_own_server,
    sweep_orphan_instances,
)


@pytest.fixture
def own_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """scripts/neo4j-local's homes in a temporary folder, sharing the repo's jar cache."""
    base = tmp_path / "neo4j-home"
    base.mkdir()
    (REPO / ".neo4j" / "dist").mkdir(parents=True, exist_ok=True)
    (base / "dist").symlink_to(REPO / ".neo4j" / "dist")
    monkeypatch.setenv("NEOSENSE_NEO4J_HOME", str(base))
    yield base
    for pid_file in base.glob("instances/*/run/neosense-neo4j.pid"):
        neo4j_support.run_local("stop", "--port", pid_file.parent.parent.name)


def test_free_ports_can_be_bound_and_are_never_handed_out_twice() -> None:
    ports = [free_port() for _ in range(30)]
    assert len(set(ports)) == len(ports)
    for port in ports:
        assert is_free_port(port)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # raises if anything holds it


def test_an_env_var_pins_the_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEOSENSE_SOME_TEST_PORT", "7881")
    assert server_port("NEOSENSE_SOME_TEST_PORT") == 7881
    assert not is_free_port(7881)  # pinned: its home is kept
    monkeypatch.delenv("NEOSENSE_SOME_TEST_PORT")
    assert server_port("NEOSENSE_SOME_TEST_PORT") != 7881


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_homes_a_dead_run_left_are_swept(own_base: Path) -> None:
    orphan, mine, pinned = instance_home(40001), instance_home(40002), instance_home(40003)
    for home in (orphan, mine, pinned):
        (home / "data").mkdir(parents=True)
    (orphan / OWNER_FILE).write_text(f"{_dead_pid()}\n")
    (mine / OWNER_FILE).write_text(f"{os.getpid()}\n")
    assert sweep_orphan_instances() == [40001]
    assert not orphan.exists()
    assert mine.is_dir() and pinned.is_dir()  # a live run's, and a pinned port's (no owner)


@pytest.mark.neo4j
def test_a_port_taken_before_the_server_binds_it_gives_way_to_another(
    own_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race free_port cannot close: the port is free when picked, then another program
    takes it. start_own_server tries another, and the server's home goes when it stops."""
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = int(squatter.getsockname()[1])
        picks = iter([taken])
        real_free_port = neo4j_support.free_port

        def racing_free_port() -> int:
            port = next(picks, None)
            if port is None:
                return real_free_port()
            neo4j_support._picked_ports.add(port)
            return port

        monkeypatch.setattr(neo4j_support, "free_port", racing_free_port)
        monkeypatch.delenv("NEOSENSE_RACE_TEST_PORT", raising=False)
        port, uri = start_own_server("NEOSENSE_RACE_TEST_PORT")
    try:
        assert port != taken
        assert not instance_home(taken).exists()  # the failed try left nothing behind
        assert (instance_home(port) / OWNER_FILE).read_text().strip() == str(os.getpid())
        password = os.environ.get("NEOSENSE_NEO4J_PASSWORD", "neosense-test")
        with neo4j.GraphDatabase.driver(uri, auth=("neo4j", password)) as driver:
            driver.verify_connectivity()
    finally:
        stop_own_server(port)
    assert not instance_home(port).exists()
