"""Errors in the user's words: a headline for a label or status bar, the raw text apart.

The driver's own text (`ResolvedIPv4Address(('127.0.0.1', 7688)) (reason [Errno 111]…)`)
helps whoever debugs the connection, not whoever reads the window first: it goes behind a
"Details" expander (ErrorView) and into the log, never into the headline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton, QVBoxLayout, QWidget

from ..core.errors import ErrorCode
from .plain_text import plain_label

if TYPE_CHECKING:
    from ..core.errors import NeoSenseError

# What went wrong, short enough for a status bar ("Connection failed: …").
WORDS: dict[ErrorCode, str] = {
    ErrorCode.AUTH_FAILED: "the user name or password was refused",
    ErrorCode.UNREACHABLE: "no Neo4j server answered",
    ErrorCode.TLS_MISMATCH: "the encryption settings do not match the server's",
    ErrorCode.BAD_URI: "the address is not a valid Neo4j URI",
    ErrorCode.DATABASE_MISSING: "the database does not exist",
    ErrorCode.TIMEOUT: "the server did not answer in time",
    ErrorCode.PERMISSION_DENIED: "the user lacks a privilege",
    ErrorCode.QUERY_FAILED: "a query failed",
    ErrorCode.CONNECTION_LOST: "the connection dropped",
    ErrorCode.CANCELLED: "cancelled",
    ErrorCode.KEYRING_UNAVAILABLE: "no OS keyring is available",
    ErrorCode.KEYRING_FAILED: "the OS keyring refused",
}


def in_words(error: NeoSenseError) -> str:
    return WORDS.get(error.code, error.message)


def _where(error: NeoSenseError) -> str:
    for key in ("address", "uri"):
        value = error.context.get(key)
        if value:
            return str(value)
    return "that address"


def headline(error: NeoSenseError) -> str:
    """One sentence saying what happened; for UNREACHABLE without the driver's text."""
    if error.code is ErrorCode.UNREACHABLE:
        return f"Nothing answered at {_where(error)}: no Neo4j server is listening there."
    return error.message


def details(error: NeoSenseError) -> str:
    lines = [error.message, f"code: {error.code.value}"]
    lines += [f"{k}: {v}" for k, v in error.context.items()]
    return "\n".join(lines)


def wrapped_label(text: str, parent: QWidget | None) -> QLabel:
    """A word-wrapped, selectable plain-text label: error texts are long and get copied."""
    label = plain_label(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ErrorView(QWidget):
    """A message with, when there is more to say, a "Details" expander with the raw text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = wrapped_label("", self)
        self.toggle = QToolButton(self)
        self.toggle.setText("Details")
        self.toggle.setCheckable(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.toggled.connect(self._toggled)
        self.toggle.hide()
        self.details = wrapped_label("", self)
        self.details.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.toggle)
        layout.addWidget(self.details)

    def _toggled(self, on: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.details.setVisible(on)

    def text(self) -> str:
        return self.message.text()

    def set_text(self, text: str) -> None:
        self.message.setText(text)
        self.toggle.setChecked(False)
        self.toggle.hide()

    def show_error(self, error: NeoSenseError) -> None:
        lines = [f"✗ {headline(error)}", *(f"• {s}" for s in error.suggestions)]
        self.message.setText("\n".join(lines))
        self.details.setText(details(error))
        self.toggle.setChecked(False)
        self.toggle.show()
