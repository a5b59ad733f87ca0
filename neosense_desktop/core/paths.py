"""Where NeoSense keeps its files: per-user config, data and log folders.

The platform's usual places (via platformdirs), each overridable by an environment variable
so tests and portable installs can point them elsewhere without touching the user's home.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "neosense-desktop"

CONFIG_DIR_ENV = "NEOSENSE_CONFIG_DIR"
DATA_DIR_ENV = "NEOSENSE_DATA_DIR"
LOG_DIR_ENV = "NEOSENSE_LOG_DIR"


def _from_env_or(env_name: str, default: str) -> Path:
    override = os.environ.get(env_name, "").strip()
    return Path(override).expanduser() if override else Path(default)


def config_dir() -> Path:
    """Profiles and settings (e.g. ~/.config/neosense-desktop on Linux)."""
    return _from_env_or(CONFIG_DIR_ENV, platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """Saved runs, in runs_dir()."""
    return _from_env_or(DATA_DIR_ENV, platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """Log files."""
    return _from_env_or(LOG_DIR_ENV, platformdirs.user_log_dir(APP_NAME, appauthor=False))


def runs_dir() -> Path:
    """The one folder of saved runs, for the app and the CLI alike (see runs.RunStore)."""
    return data_dir() / "runs"
