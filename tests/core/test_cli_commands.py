from __future__ import annotations

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
