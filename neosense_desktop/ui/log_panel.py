"""The log panel: the live application log, filtered by level, already redacted.

QtLogHandler is a logging.Handler whose records reach the GUI through a queued signal, so
threads (keyring, executor work) may log safely. It uses the redacting formatter, so the
panel shows what the log file holds, and never a password.
"""

from __future__ import annotations

import logging
from collections import deque

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.logging_setup import RedactingFormatter

LEVELS = (
    ("Debug", logging.DEBUG),
    ("Info", logging.INFO),
    ("Warning", logging.WARNING),
    ("Error", logging.ERROR),
)
KEEP_RECORDS = 5000


class _Emitter(QObject):
    record = Signal(int, str)


class QtLogHandler(logging.Handler):
    """Forwards formatted, redacted records to a Qt signal (thread-safe)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.emitter = _Emitter()
        self.setFormatter(RedactingFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            # Tracebacks are for the log file; the panel says what happened in one line.
            if record.exc_info:
                record = logging.makeLogRecord(record.__dict__)
                exc = record.exc_info[1] if record.exc_info else None
                record.msg = f"{record.getMessage()}: {exc} (details in the log file)"
                record.args = None
                record.exc_info = None
                record.exc_text = None
            text = self.format(record)
            self.emitter.record.emit(record.levelno, text)
        except RuntimeError:
            pass  # the panel is gone (app closing)
        except Exception:
            self.handleError(record)


class LogPanel(QWidget):
    """Signals:
    error_logged(str): a record at ERROR or above arrived (its text), shown or not.

    Attach with attach(handler); detach on close.
    """

    error_logged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records: deque[tuple[int, str]] = deque(maxlen=KEEP_RECORDS)
        self.level_box = QComboBox(self)
        for name, level in LEVELS:
            self.level_box.addItem(name, level)
        self.level_box.setCurrentIndex(1)
        self.level_box.setAccessibleName("Log level")
        self.level_box.currentIndexChanged.connect(self._refilter)
        self.clear_button = QPushButton("C&lear", self)
        self.clear_button.clicked.connect(self.clear)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(KEEP_RECORDS)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setAccessibleName("Log")
        self.file_label = QLabel(self)
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)  # a path can hold anything
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = QHBoxLayout()
        label = QLabel("&Level:", self)
        label.setBuddy(self.level_box)
        bar.addWidget(label)
        bar.addWidget(self.level_box)
        bar.addWidget(self.file_label, 1)
        bar.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.text)
        self._handler: QtLogHandler | None = None

    @property
    def level(self) -> int:
        return int(self.level_box.currentData())

    def set_level(self, level: int) -> None:
        index = self.level_box.findData(level)
        if index >= 0:
            self.level_box.setCurrentIndex(index)

    def attach(self, handler: QtLogHandler) -> None:
        self._handler = handler
        handler.emitter.record.connect(self.append, Qt.ConnectionType.QueuedConnection)

    def detach(self) -> None:
        if self._handler is not None:
            logging.getLogger().removeHandler(self._handler)
            self._handler.emitter.record.disconnect(self.append)
            self._handler = None

    def append(self, level: int, text: str) -> None:
        self.records.append((level, text))
        if level >= self.level:
            self.text.appendPlainText(text)
        if level >= logging.ERROR:
            self.error_logged.emit(text)

    def visible_text(self) -> str:
        return self.text.toPlainText()

    def clear(self) -> None:
        self.records.clear()
        self.text.clear()

    def _refilter(self) -> None:
        level = self.level
        self.text.setPlainText("\n".join(t for lv, t in self.records if lv >= level))
        self.text.moveCursor(self.text.textCursor().MoveOperation.End)
