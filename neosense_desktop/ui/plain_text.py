"""Text from a database, a report or a profile, made safe for Qt.

Qt guesses whether a string is rich text (Qt::mightBeRichText) for QLabel in its default
AutoText format, for tooltips and for message boxes. A name such as `<img src='/path'>`
would then be rendered as HTML and Qt would read that local file (a FIFO hangs the GUI
thread; on Windows a UNC path can leak credentials). So labels get PlainText, and text
that can only be shown as rich text (tooltips) is escaped inside a paragraph.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as it is, line breaks included.

    Wrapped in a paragraph that Qt always takes as rich text, with the text escaped: the
    tooltip never guesses, and nothing in the text is markup.
    """
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that never interprets its text as rich text."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def set_plain_tooltip(widget: QWidget, text: str) -> None:
    widget.setToolTip(plain_tooltip(text) if text else "")
