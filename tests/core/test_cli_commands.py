from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from neosense_desktop.__main__ import CLI_COMMANDS
from neosense_desktop.core.cli import COMMANDS


def test_entry_point_knows_every_cli_command() -> None:
    assert set(CLI_COMMANDS) == set(COMMANDS)


def test_options_before_the_command_still_reach_the_cli(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from neosense_desktop.__main__ import main

    assert main(["-v", "schema"]) == 0
    assert '"title": "Report"' in capsys.readouterr().out


def _bare_env(tmp_path: Path) -> dict[str, str]:
    """No display at all, as on a CI runner: a window could not start."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="", NEOSENSE_DATA_DIR=str(tmp_path / "data"))
    return env


def _main_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "neosense_desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_unknown_command_is_refused_with_the_list_of_commands(tmp_path: Path) -> None:
    done = _main_cli(["frobnicate"], _bare_env(tmp_path))
    assert done.returncode == 2
    assert "unknown command 'frobnicate'" in done.stderr
    assert "probe, extract, export, diff, check, schema" in done.stderr
    # A name that would drive the terminal is shown escaped.
    done = _main_cli(["\x1b[2Jfrob"], _bare_env(tmp_path))
    assert done.returncode == 2 and "\x1b" not in done.stderr and "\\x1b[2Jfrob" in done.stderr


@pytest.mark.parametrize(
    ("args", "opens_window"),
    [
        ([], True),
        (["--debug"], True),
        (["-platform", "offscreen"], True),  # Qt's option and its value
        (["report.json"], True),
        (["./saved/run"], True),
        (["REPORT.JSON", "--debug"], True),
        (["frobnicate"], False),
        (["-platform", "offscreen", "frobnicate"], False),
        (["--debug", "extrct"], False),
    ],
)
def test_only_no_argument_or_a_report_opens_the_window(args: list[str], opens_window: bool) -> None:
    from neosense_desktop.__main__ import _first_word, _names_a_report

    word = _first_word(args)
    assert (word is None or _names_a_report(word)) is opens_window
