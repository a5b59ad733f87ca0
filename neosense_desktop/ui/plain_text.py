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


# A zero-width space: a place where a line may break, invisible and never copied (the
# details pane strips it from what it hands out, see without_breaks).
BREAK = "\u200b"
_BREAK_AFTER = frozenset(".,)]}/|")
_BREAK_BEFORE = frozenset("([{")


def breakable(text: str) -> str:
    """Text with a line-break opportunity after dots, commas and closing brackets, and
    before opening ones: "(:Customer).country" may wrap as "(:Customer)." +
    "country", never inside a word (the details pane breaks lines only between words)."""
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch in _BREAK_BEFORE and i > 0 and out[-1] != BREAK:
            out.append(BREAK)
        out.append(ch)
        if ch in _BREAK_AFTER and i < len(text) - 1:
            out.append(BREAK)
    return "".join(out)


def cypher_breakable(statement: str) -> str:
    """Cypher with line-break opportunities after commas and opening parentheses, besides
    its spaces: it wraps between tokens, "toLower(" staying whole."""
    return "".join(ch + BREAK if ch in ",(" else ch for ch in statement.rstrip()).rstrip(BREAK)


def without_breaks(text: str) -> str:
    """Text as it was before breakable()."""
    return text.replace(BREAK, "")
