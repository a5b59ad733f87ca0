from __future__ import annotations

from neosense_desktop.__main__ import CLI_COMMANDS
from neosense_desktop.core.cli import COMMANDS


def test_entry_point_knows_every_cli_command() -> None:
    assert set(CLI_COMMANDS) == set(COMMANDS)
