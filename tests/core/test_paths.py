"""The per-user folders follow the environment overrides, else the platform's places."""

from __future__ import annotations

from pathlib import Path

import pytest

from neosense_desktop.core import paths


def test_env_overrides_each_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEOSENSE_CONFIG_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("NEOSENSE_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("NEOSENSE_LOG_DIR", str(tmp_path / "l"))
    assert paths.config_dir() == tmp_path / "c"
    assert paths.data_dir() == tmp_path / "d"
    assert paths.log_dir() == tmp_path / "l"
    assert paths.runs_dir() == tmp_path / "d" / "runs"


def test_defaults_name_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEOSENSE_CONFIG_DIR", "NEOSENSE_DATA_DIR", "NEOSENSE_LOG_DIR"):
        monkeypatch.delenv(name, raising=False)
    for folder in (paths.config_dir(), paths.data_dir(), paths.log_dir()):
        assert "neosense-desktop" in folder.parts
        assert folder.is_absolute()
