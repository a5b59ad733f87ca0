"""TimelineChart: a connection's runs as small line charts, one per figure (nodes,
relationships, labels, types, properties, score), sharing one axis of runs, oldest left.

Painted with QPainter (QtCharts is not in PySide6-Essentials), colours from the palette. The
current run is marked across every chart; a click on a run (anywhere in its column) or
Enter on the current one emits `run_activated(row)`; Left and Right move the current run.
The baseline run is drawn as a diamond. Each chart has its own scale: its title says the
latest value, and its lowest and highest are written at the left, so no figure hides in
another's scale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from .history_model import METRICS, metric_text

if TYPE_CHECKING:
    from .history_model import HistoryModel

COLUMNS = 3
MARGIN = 8.0
POINT_RADIUS = 3.5
INSET = 10.0  # between the plot's frame and its first and last points


class TimelineChart(QWidget):
    """Signals:
    run_activated(int): the run of this row was clicked (or Enter pressed on it).
    current_changed(int): the current run moved to this row.
    """

    run_activated = Signal(int)
    current_changed = Signal(int)

    def __init__(self, model: HistoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.current = -1
        self.baseline_row = -1
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(480, 260)
        self.setAccessibleName("Timeline of the connection's runs")
        model.modelReset.connect(self._reset)
        self._reset()

    def _reset(self) -> None:
        self.current = len(self.model.runs) - 1
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(900, 360)

    def set_current(self, row: int) -> None:
        if 0 <= row < len(self.model.runs) and row != self.current:
            self.current = row
            self.current_changed.emit(row)
            self.update()

    # ------------------------------------------------------------------ geometry
    def _panels(self) -> list[QRectF]:
        rows = (len(METRICS) + COLUMNS - 1) // COLUMNS
        w = (self.width() - MARGIN) / COLUMNS
        h = (self.height() - MARGIN) / rows
        return [
            QRectF(MARGIN + (i % COLUMNS) * w, MARGIN + (i // COLUMNS) * h, w - MARGIN, h - MARGIN)
            for i in range(len(METRICS))
        ]

    def _plot_area(self, panel: QRectF) -> QRectF:
        fm = QFontMetricsF(self.font())
        widest = max(
            (
                fm.horizontalAdvance(metric_text(m.value(s)))
                for m in METRICS
                for s in self.model.runs
            ),
            default=0.0,
        )
        left = max(widest, fm.horizontalAdvance("8,888")) + 8
        top = fm.height() + 6
        return panel.adjusted(left, top, -2, -fm.height() - 4)

    def _x(self, plot: QRectF, row: int) -> float:
        count = len(self.model.runs)
        if count == 1:
            return plot.center().x()
        inner = plot.width() - 2 * INSET
        return plot.left() + INSET + inner * row / (count - 1)

    def row_at(self, x: float) -> int:
        """The run whose column holds x (the nearest point of the first chart's axis)."""
        count = len(self.model.runs)
        if not count:
            return -1
        plot = self._plot_area(self._panels()[0])
        if count == 1:
            return 0
        step = (plot.width() - 2 * INSET) / (count - 1)
        panel_w = (self.width() - MARGIN) / COLUMNS
        local = (x - MARGIN) % panel_w + MARGIN  # the same column in any chart of a row
        return max(0, min(count - 1, round((local - plot.left() - INSET) / step)))

    def point(self, metric: int, row: int) -> QPointF | None:
        """Where the chart of this metric draws this run (None if the run has no value)."""
        values = [METRICS[metric].value(s) for s in self.model.runs]
        value = values[row]
        if value is None:
            return None
        known = [v for v in values if v is not None]
        low, high = min(known), max(known)
        plot = self._plot_area(self._panels()[metric])
        share = 0.5 if high == low else (value - low) / (high - low)
        inner = plot.height() - 2 * INSET
        return QPointF(self._x(plot, row), plot.bottom() - INSET - share * inner)

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        accent = pal.color(QPalette.ColorRole.Highlight)
        if not self.model.runs:
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.drawText(
                QRectF(self.rect()),
                Qt.AlignmentFlag.AlignCenter,
                "No saved runs on this connection yet: press F5 to run one.",
            )
            p.end()
            return
        for i, panel in enumerate(self._panels()):
            plot = self._plot_area(panel)
            self._paint_frame(p, i, panel, plot)
            self._paint_points(p, i, plot)
        if self.hasFocus():
            p.setPen(QPen(accent, 1, Qt.PenStyle.DotLine))
            p.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        p.end()

    def _paint_frame(self, p: QPainter, metric_index: int, panel: QRectF, plot: QRectF) -> None:
        """A chart's title (its latest value), frame, highest and lowest, and dates."""
        pal = self.palette()
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        fm = QFontMetricsF(self.font())
        runs = self.model.runs
        metric = METRICS[metric_index]
        values = [metric.value(s) for s in runs]
        known = [v for v in values if v is not None]
        latest = next((v for v in reversed(values) if v is not None), None)
        bold = self.font()
        bold.setBold(True)
        p.setFont(bold)
        p.setPen(pal.color(QPalette.ColorRole.WindowText))
        title = fm.elidedText(
            f"{metric.title}: {metric_text(latest)}", Qt.TextElideMode.ElideRight, panel.width()
        )
        p.drawText(QRectF(panel.left(), panel.top(), panel.width(), fm.height() + 2), title)
        p.setFont(self.font())
        grid = QPen(pal.color(QPalette.ColorRole.Mid))
        grid.setStyle(Qt.PenStyle.DotLine)
        p.setPen(grid)
        p.drawRect(plot)
        p.setPen(muted)
        if known:
            label_w = plot.left() - panel.left() - 4
            right = Qt.AlignmentFlag.AlignRight
            # The highest inside the top of the plot's height, the lowest inside its bottom:
            # neither meets the title above nor the dates below.
            p.drawText(
                QRectF(panel.left(), plot.top(), label_w, fm.height()),
                right | Qt.AlignmentFlag.AlignTop,
                metric_text(max(known)),
            )
            if min(known) != max(known):
                p.drawText(
                    QRectF(panel.left(), plot.bottom() - fm.height(), label_w, fm.height()),
                    right | Qt.AlignmentFlag.AlignBottom,
                    metric_text(min(known)),
                )
        axis = QRectF(plot.left(), plot.bottom() + 2, plot.width(), fm.height())
        p.drawText(axis, Qt.AlignmentFlag.AlignLeft, f"{runs[0].started_at:%m-%d %H:%M}")
        if len(runs) > 1:
            p.drawText(axis, Qt.AlignmentFlag.AlignRight, f"{runs[-1].started_at:%m-%d %H:%M}")

    def _paint_points(self, p: QPainter, metric_index: int, plot: QRectF) -> None:
        """The current run's line, the runs' line and points; the baseline a diamond."""
        pal = self.palette()
        accent = pal.color(QPalette.ColorRole.Highlight)
        runs = self.model.runs
        if 0 <= self.current < len(runs):
            x = self._x(plot, self.current)
            p.setPen(QPen(accent, 1))
            p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        points = [(row, self.point(metric_index, row)) for row in range(len(runs))]
        p.setPen(QPen(accent, 2))
        p.drawPolyline(QPolygonF([pt for _, pt in points if pt is not None]))
        for row, pt in points:
            if pt is None:
                continue
            fill = accent if row == self.current else pal.color(QPalette.ColorRole.Base)
            p.setBrush(fill)
            p.setPen(QPen(accent, 1.5))
            if row == self.baseline_row:
                r = POINT_RADIUS + 2
                diamond = [
                    QPointF(pt.x(), pt.y() - r),
                    QPointF(pt.x() + r, pt.y()),
                    QPointF(pt.x(), pt.y() + r),
                    QPointF(pt.x() - r, pt.y()),
                ]
                p.drawPolygon(QPolygonF(diamond))
            else:
                p.drawEllipse(pt, POINT_RADIUS, POINT_RADIUS)
        p.setBrush(QColor(0, 0, 0, 0))

    # ------------------------------------------------------------------ input
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        row = self.row_at(event.position().x())
        if row >= 0:
            self.set_current(row)
            self.run_activated.emit(row)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Left:
            self.set_current(self.current - 1)
        elif key == Qt.Key.Key_Right:
            self.set_current(self.current + 1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            if 0 <= self.current < len(self.model.runs):
                self.run_activated.emit(self.current)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)
