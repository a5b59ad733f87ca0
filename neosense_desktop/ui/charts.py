"""Bar charts for the Overview, painted with QPainter (no QtCharts, which is in Addons).

BarChart draws horizontal bars with a title, names on the left and values on the right; a
logarithmic scale is used when values span more than three orders of magnitude, as label
sizes usually do. Colours come from the palette, so the chart reads in light and dark.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from .plain_text import set_plain_tooltip

if TYPE_CHECKING:
    from ..core.report import Report

MAX_BARS = 15


def _fmt(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.3g}"


class BarChart(QWidget):
    """A horizontal bar chart of (name, value) pairs."""

    def __init__(self, title: str, color: QColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.color = color
        self.items: list[tuple[str, float]] = []
        self.empty_text = "No data yet"
        self.log_scale = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(220, 160)
        self.setAccessibleName(title)

    def set_items(self, items: list[tuple[str, float]], empty_text: str = "No data") -> None:
        self.items = items
        self.empty_text = empty_text
        positive = [v for _, v in items if v > 0]
        self.log_scale = bool(positive) and max(positive) / min(positive) > 1000
        set_plain_tooltip(self, "\n".join(f"{n}: {v:,.6g}" for n, v in items[:40]))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, 60 + 20 * max(3, len(self.items)))

    def _scaled(self, value: float, top: float) -> float:
        if top <= 0 or value <= 0:
            return 0.0
        if self.log_scale:
            return math.log10(1 + value) / math.log10(1 + top)
        return value / top

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text_color = pal.color(QPalette.ColorRole.WindowText)
        fm = QFontMetricsF(self.font())
        w, h = float(self.width()), float(self.height())
        p.setPen(text_color)
        title = self.title + ("  (log scale)" if self.log_scale else "")
        title_font = self.font()
        title_font.setBold(True)
        p.setFont(title_font)
        p.drawText(QRectF(8, 4, w - 16, fm.height() + 4), Qt.AlignmentFlag.AlignLeft, title)
        p.setFont(self.font())
        top = fm.height() + 12
        if not self.items:
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.drawText(QRectF(0, top, w, h - top), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            p.end()
            return
        names_w = min(w * 0.38, max(fm.horizontalAdvance(n) for n, _ in self.items) + 8)
        values_w = max(fm.horizontalAdvance(_fmt(v)) for _, v in self.items) + 8
        bar_x = 8 + names_w
        bar_w = max(10.0, w - bar_x - values_w - 8)
        row_h = min(24.0, (h - top - 4) / len(self.items))
        biggest = max(v for _, v in self.items)
        grid = QPen(pal.color(QPalette.ColorRole.Mid))
        grid.setStyle(Qt.PenStyle.DotLine)
        p.setPen(grid)
        p.drawLine(int(bar_x), int(top), int(bar_x), int(top + row_h * len(self.items)))
        for i, (name, value) in enumerate(self.items):
            y = top + i * row_h
            p.setPen(text_color)
            elided = fm.elidedText(name, Qt.TextElideMode.ElideRight, names_w - 6)
            p.drawText(
                QRectF(8, y, names_w - 6, row_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                elided,
            )
            length = bar_w * self._scaled(value, biggest)
            p.fillRect(QRectF(bar_x, y + row_h * 0.15, length, row_h * 0.7), self.color)
            p.drawText(
                QRectF(bar_x + length + 4, y, values_w, row_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                _fmt(value),
            )
        p.end()


def label_size_items(report: Report | None) -> list[tuple[str, float]]:
    if report is None:
        return []
    labels = sorted(report.labels, key=lambda lb: (-lb.count, lb.name))
    return [(lb.name, float(lb.count)) for lb in labels[:MAX_BARS]]


def degree_items(report: Report | None) -> list[tuple[str, float]]:
    """Degree percentiles (min, median, p90, p99, max): the shape of the distribution."""
    if report is None:
        return []
    d = report.statistics.degree
    return [
        (name, float(value))
        for name, value in (
            ("min", d.min),
            ("median", d.median),
            ("p90", d.p90),
            ("p99", d.p99),
            ("max", d.max),
        )
        if value is not None
    ]
