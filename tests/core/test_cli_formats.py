"""`extract --format` / `export REPORT.json --format`: real files, real pipes, real processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from neosense_desktop.core.export import load_report, save_report
from neosense_desktop.core.formats import FORMATS, render
from tests.ui.report_factory import make_report


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "neosense_desktop", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return save_report(make_report(labels=400, properties=12, types=40), tmp_path / "r.json")


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_writes_each_format_to_a_file(saved: Path, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "out" / f"report.{fmt}"
    done = _cli("export", str(saved), "--format", fmt, "--output", str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == render(load_report(saved), fmt)
    assert f"{fmt} written to {target}" in done.stderr
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_export_to_stdout_is_the_default(saved: Path) -> None:
    done = _cli("export", str(saved), "--format", "llm")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Node properties:\nLabel0 {")


def test_export_of_a_damaged_report_says_so_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": "1.0", "run": 5}', encoding="utf-8")
    target = tmp_path / "out.html"
    done = _cli("export", str(bad), "--format", "html", "--output", str(target))
    assert done.returncode == 2
    assert "is damaged" in done.stderr and "Traceback" not in done.stderr
    assert not target.exists()


def test_unknown_format_is_refused(saved: Path) -> None:
    done = _cli("export", str(saved), "--format", "pdf")
    assert done.returncode == 2
    assert "invalid choice: 'pdf'" in done.stderr


@pytest.mark.parametrize(
    "command",
    [
        "schema",
        "export {saved} --format markdown",
        "export {saved} --format json",
        "--help",
    ],
)
def test_output_piped_into_head_ends_quietly(saved: Path, command: str) -> None:
    """A reader that stops early closes the pipe: no BrokenPipeError traceback, exit 0."""
    cli = f"{sys.executable} -m neosense_desktop {command.format(saved=saved)}"
    done = subprocess.run(
        ["bash", "-c", f'{cli} | head -1; echo "status=${{PIPESTATUS[0]}}" >&2'],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert len(done.stdout.splitlines()) == 1
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert "status=0" in done.stderr
