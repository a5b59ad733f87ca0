"""ResultsTree: the results QTreeView, laying out its rows and painting them in separate
turns of the event loop.

Expanding a section of 2,000 labels, or a filter or sort over it, makes the view lay out
every row (a call into the Python model per row, ~15 ms) and then paint the visible ones
(~10 ms). Qt handles the paint request, a posted event, before any timer or input that is
already due, so both ran as one block. Here the viewport stops repainting while the rows
are laid out and starts again on the next turn of the loop: input and timers get that turn
in between. The picture is never left stale: the repaint is the first thing after.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QTimer
from PySide6.QtWidgets import QTreeView, QWidget


class ResultsTree(QTreeView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._resume = QTimer(self)
        self._resume.setSingleShot(True)
        self._resume.setInterval(0)
        self._resume.timeout.connect(self._paint_again)
        # Emitted by expand() (and a click on an arrow) after it laid out the new rows and
        # before it asks the viewport for a repaint.
        self.expanded.connect(self._hold_paint)

    def doItemsLayout(self) -> None:
        self._hold_paint()
        super().doItemsLayout()

    def _hold_paint(self, _index: QModelIndex | QPersistentModelIndex | None = None) -> None:
        self.viewport().setUpdatesEnabled(False)
        self._resume.start()

    def _paint_again(self) -> None:
        self.viewport().setUpdatesEnabled(True)  # repaints the whole viewport
