"""Qt fixtures for the GUI tests: one QApplication, a qasync loop per async test, and
per-test config/data/log folders and QSettings, so no test touches the user's files.

Async tests run on qasync's QEventLoop through pytest-asyncio's loop-factory hook
(qasync-notes.md, pattern 2). They await the window's coroutines directly; they never
call qtbot.waitSignal/waitUntil, which would spin a second event loop inside the first.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import PySide6  # noqa: F401  (imported before qasync, which binds to it)
import pytest
import qasync
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _app() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QCoreApplication.setOrganizationName("neosense-desktop-tests")
    QCoreApplication.setApplicationName("NeoSense-tests")
    app = QApplication([])
    # As in the app (app._prepare): the window closes itself after its tasks end, and
    # Qt quitting on the last window would stop the loop under the running test.
    app.setQuitOnLastWindowClosed(False)
    return app


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, object]:
    return {"qasync": lambda: qasync.QEventLoop(_app())}


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test gets its own config, data and log folders and its own QSettings file."""
    for name in ("NEOSENSE_CONFIG_DIR", "NEOSENSE_DATA_DIR", "NEOSENSE_LOG_DIR"):
        folder = tmp_path / name.split("_")[1].lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    for name in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    _app()
    gc.collect()  # collect the last test's Qt wrappers here, not inside a Qt callback
    settings_dir = tmp_path / "qsettings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    yield tmp_path
