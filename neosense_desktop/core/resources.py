"""Where the shipped resources (icons, desktop entry, report JSON Schema) live.

From a source tree they sit beside the package; in a PyInstaller bundle they are unpacked
under sys._MEIPASS (build.spec collects resources/ there).
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def report_schema_path() -> Path:
    return resources_dir() / "report.schema.json"


def user_guide_path() -> Path:
    return resources_dir() / "user-guide.md"
