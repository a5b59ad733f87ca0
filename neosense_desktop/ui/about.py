"""The About dialog: app, Qt, PySide6, driver, Python and server versions, keyring backend."""

from __future__ import annotations

import platform
from html import escape

import neo4j
import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from .. import APP_NAME, __version__


def version_rows(server_version: str | None, keyring: str | None) -> list[tuple[str, str]]:
    return [
        (APP_NAME, __version__),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("Neo4j Python driver", neo4j.__version__),
        ("Python", platform.python_version()),
        ("Neo4j server", server_version or "not connected yet"),
        ("Keyring", keyring or "unknown"),
    ]


class AboutDialog(QDialog):
    def __init__(
        self, parent: QWidget | None, *, server_version: str | None, keyring: str | None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("about-dialog")
        self.setWindowTitle(f"About {APP_NAME}")
        self.rows = version_rows(server_version, keyring)
        table = "".join(
            f"<tr><td><b>{escape(k)}</b>&nbsp;&nbsp;</td><td>{escape(v)}</td></tr>"
            for k, v in self.rows
        )
        text = QLabel(
            f"<h3>{APP_NAME}</h3><p>See what is inside a Neo4j database.</p><table>{table}</table>",
            self,
        )
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setObjectName("about-text")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
