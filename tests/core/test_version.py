"""__version__ is a literal (cold start, issue 16): it must say what pyproject.toml and the
installed package's metadata say, or the About box, the CLI and reports would lie."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import neosense_desktop

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_version_is_pyprojects() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    assert neosense_desktop.__version__ == project["version"]


def test_version_is_the_installed_metadatas() -> None:
    assert neosense_desktop.__version__ == metadata.version("neosense-desktop")
