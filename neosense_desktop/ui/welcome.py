"""What the Overview shows before any report: a welcome that says what NeoSense does and
offers the two ways in (a new connection, or a saved report), instead of empty charts.

With connections already saved it says how to run one instead of offering only "New".
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from .plain_text import plain_label

WHAT_IT_DOES = (
    "NeoSense shows what is inside a Neo4j database: every label, relationship type, "
    "property, index and constraint, how complete and consistent the data is, and how the "
    "graph is shaped. It only reads: your data is never changed."
)


class WelcomePane(QWidget):
    """Signals:
    new_connection(): the person asked to add a connection.
    open_report(): the person asked to open a saved report.
    """

    new_connection = Signal()
    open_report = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.title = plain_label("Welcome to NeoSense", self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.title.setFont(font)
        self.what = plain_label(WHAT_IT_DOES, self)
        self.what.setWordWrap(True)
        self.next_step = plain_label("", self)
        self.next_step.setObjectName("welcome-next-step")
        self.next_step.setWordWrap(True)
        self.new_button = QPushButton("New connection…", self)
        self.new_button.setObjectName("welcome-new-connection")
        self.open_button = QPushButton("Open a report…", self)
        self.open_button.setObjectName("welcome-open-report")
        self.new_button.clicked.connect(self.new_connection)
        self.open_button.clicked.connect(self.open_report)

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        column = QVBoxLayout()
        column.addWidget(self.title)
        column.addSpacing(8)
        column.addWidget(self.what)
        column.addSpacing(12)
        column.addWidget(self.next_step)
        column.addSpacing(8)
        column.addLayout(buttons)
        column.addStretch(1)
        holder = QWidget(self)
        holder.setLayout(column)
        holder.setMinimumWidth(480)
        holder.setMaximumWidth(640)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(holder, 4, Qt.AlignmentFlag.AlignTop)
        outer.addStretch(1)
        outer.setContentsMargins(24, 48, 24, 24)
        self.set_connections(0, None)

    def set_connections(self, count: int, selected: str | None) -> None:
        """Say the next step for what is saved: none yet, or a connection to run."""
        if count == 0:
            self.next_step.setText(
                "To start, add a connection to a Neo4j server, or open a report saved "
                "earlier (a .json file from NeoSense)."
            )
        elif selected is not None:
            self.next_step.setText(
                f"Press F5 to run on “{selected}”: the plan shows first on the Run tab, "
                "then the results arrive here as they are read."
            )
        else:
            self.next_step.setText("Select a connection on the left, then press F5 to run.")
        self.new_button.setDefault(count == 0)
