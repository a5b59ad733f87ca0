"""Help menu: keyboard shortcuts, the bundled user guide, and diagnostics for bug reports.

Everything here works offline: the guide ships in resources/ (build.spec bundles it), and the
shortcuts are read from the window's own actions, so the list can never go stale.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.logging_setup import REDACTOR, log_file_path
from ..core.paths import config_dir, data_dir
from ..core.resources import user_guide_path
from .about import version_rows


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(what it does, keys) for every action with a shortcut, in the window's order."""
    rows: list[tuple[str, str]] = []
    for action in actions:
        keys = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()]
        keys = [k for k in keys if k]
        if keys:
            words = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
            rows.append((words.rstrip("…").strip(), ", ".join(keys)))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None, rows: list[tuple[str, str]]) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts-dialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.model = QStandardItemModel(len(rows), 2, self)
        self.model.setHorizontalHeaderLabels(["Action", "Keys"])
        for row, (what, keys) in enumerate(rows):
            for col, text in enumerate((what, keys)):
                item = QStandardItem(text)
                item.setEditable(False)
                self.model.setItem(row, col, item)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(460, 480)


class UserGuideDialog(QDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("user-guide-dialog")
        self.setWindowTitle("NeoSense user guide")
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)  # offline: nothing leaves the machine
        path = user_guide_path()
        try:
            self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        except OSError as exc:
            self.browser.setPlainText(
                f"The user guide could not be read ({path}: {exc.strerror or exc}).\n"
                "Reinstalling NeoSense restores it."
            )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(720, 640)


def diagnostics_text(server_version: str | None, keyring: str | None) -> str:
    """Versions, platform and paths for a bug report. Never a password: it names no
    connection, and what it holds goes through the log's redactor all the same."""
    rows = [
        *version_rows(server_version, keyring),
        ("Platform", platform.platform()),
        ("Qt platform", _qt_platform()),
        ("Python executable", sys.executable),
        ("Frozen bundle", "yes" if getattr(sys, "frozen", False) else "no"),
        ("Log file", str(log_file_path())),
        ("Config folder", str(config_dir())),
        ("Data folder", str(data_dir())),
    ]
    width = max(len(k) for k, _ in rows)
    return REDACTOR.redact("\n".join(f"{k.ljust(width)}  {v}" for k, v in rows))


def _qt_platform() -> str:
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.platformName() or "unknown"


__all__ = [
    "ShortcutsDialog",
    "UserGuideDialog",
    "diagnostics_text",
    "shortcut_rows",
]
