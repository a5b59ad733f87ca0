"""scripts/demo fails loudly when the desktop app cannot import, and names the fix."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.neo4j_support import REPO, free_port

DEMO = REPO / "scripts" / "demo"
MISSING = "libEGL.so.1: cannot open shared object file: No such file or directory"


def _env(tmp_path: Path, broken: bool) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["NEOSENSE_DEMO_PORT"] = str(free_port())  # never touch a real demo server
    if broken:
        # A PySide6 that fails as it does on a desktop without Qt's libraries.
        fake = tmp_path / "fake" / "PySide6"
        fake.mkdir(parents=True)
        (fake / "__init__.py").write_text(f"raise ImportError({MISSING!r})\n")
        env["PYTHONPATH"] = str(fake.parent)
    return env


def _demo(tmp_path: Path, *args: str, broken: bool) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(DEMO), *args],
        env=_env(tmp_path, broken),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_import_check_passes_with_a_working_app(tmp_path: Path) -> None:
    done = _demo(tmp_path, "--check-app", broken=False)
    assert done.returncode == 0, done.stderr


def test_a_broken_qt_stops_the_demo_with_the_import_error(tmp_path: Path) -> None:
    done = _demo(tmp_path, "--check-app", broken=True)
    assert done.returncode == 1
    assert MISSING in done.stderr
    assert "The desktop app cannot start" in done.stderr
    assert "sudo apt-get install libegl1" in done.stderr


def test_the_whole_demo_stops_before_the_server_and_never_runs_the_cli(tmp_path: Path) -> None:
    done = _demo(tmp_path, broken=True)
    assert done.returncode == 1
    assert MISSING in done.stderr
    assert "[neo4j-local]" not in done.stderr  # no server was started
    assert done.stdout == ""  # and no `probe` output in its place


def test_the_stop_hint_carries_a_moved_port(tmp_path: Path) -> None:
    """After `NEOSENSE_DEMO_PORT=N make demo`, a bare `make demo-stop` stops nothing."""
    env = _env(tmp_path, False)
    moved = subprocess.run(
        ["bash", str(DEMO), "--stop-hint"], env=env, capture_output=True, text=True, timeout=60
    )
    assert moved.stdout.strip() == f"NEOSENSE_DEMO_PORT={env['NEOSENSE_DEMO_PORT']} make demo-stop"
    env["NEOSENSE_DEMO_PORT"] = "7687"
    default = subprocess.run(
        ["bash", str(DEMO), "--stop-hint"], env=env, capture_output=True, text=True, timeout=60
    )
    assert default.stdout.strip() == "make demo-stop"
    # The Makefile's demo-stop reads the same variable, so the hint stops that server.
    makefile = (REPO / "Makefile").read_text()
    assert "stop --port $${NEOSENSE_DEMO_PORT:-7687}" in makefile


def test_the_qt_libraries_are_the_same_in_the_demo_the_readme_and_ci() -> None:
    demo = DEMO.read_text()
    listed = re.search(r'QT_DEBIAN_PACKAGES="([^"]+)"', demo)
    assert listed is not None
    packages = listed.group(1).replace("\\\n", " ").split()
    assert "libxcb-cursor0" in packages and len(packages) > 10
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    for name in packages:
        assert re.search(rf"\b{re.escape(name)}\b", readme), f"{name} not in README.md"
        assert re.search(rf"\b{re.escape(name)}\b", ci), f"{name} not in .ci/run"
