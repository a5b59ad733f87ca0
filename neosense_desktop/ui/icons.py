"""Icons drawn with QPainter at every device pixel ratio, readable on light and dark palettes.

Tree and toolbar glyphs are simple shapes in mid-tone colours with a contrasting outline
taken from the current palette, so they keep their contrast when the palette flips; the
cache is keyed by palette darkness and cleared on a palette change.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)

_CACHE: dict[tuple[str, str | None, bool, bool], QIcon] = {}

KIND_COLORS = {
    "section": QColor(0x78, 0x90, 0x9C),
    "group": QColor(0x90, 0xA4, 0xAE),
    "label": QColor(0x43, 0xA0, 0x47),
    "relationship_type": QColor(0x1E, 0x88, 0xE5),
    "property": QColor(0xF9, 0xA8, 0x25),
    "pattern": QColor(0x00, 0xAC, 0xC1),
    "index": QColor(0x8E, 0x24, 0xAA),
    "constraint": QColor(0x6D, 0x4C, 0x41),
    "statistic": QColor(0x54, 0x6E, 0x7A),
    "info": QColor(0x54, 0x6E, 0x7A),
}
SEVERITY_COLORS = {
    "error": QColor(0xD3, 0x2F, 0x2F),
    "warning": QColor(0xE0, 0x8A, 0x00),
    "info": QColor(0x1E, 0x88, 0xE5),
}


def palette_is_dark(palette: QPalette | None = None) -> bool:
    if palette is None:
        app = QGuiApplication.instance()
        palette = app.palette() if isinstance(app, QGuiApplication) else QPalette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def clear_cache() -> None:
    """Call on a palette change: outlines depend on the palette."""
    _CACHE.clear()


def _outline(dark: bool) -> QColor:
    return QColor(0xEC, 0xEF, 0xF1) if dark else QColor(0x26, 0x32, 0x38)


class _Glyph(NamedTuple):
    """What every kind's painter draws with: the icon's size, its margin, the kind's colour
    and the outline pen (the painter holds both, as pen and brush, when it is called)."""

    size: float
    margin: float
    color: QColor
    outline: QPen

    def inner(self) -> QRectF:
        m = self.margin
        return QRectF(m, m, self.size - 2 * m, self.size - 2 * m)


def _paint_label(p: QPainter, g: _Glyph) -> None:
    p.drawEllipse(g.inner())


def _paint_arrow(p: QPainter, g: _Glyph) -> None:
    size, m, color = g.size, g.margin, g.color
    path = QPainterPath()
    y = size / 2
    path.moveTo(m, y)
    path.lineTo(size - m * 2, y)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(color, size / 7))
    p.drawPath(path)
    p.setPen(g.outline)
    p.setBrush(QBrush(color))
    head = QPolygonF(
        [
            QPointF(size - m, y),
            QPointF(size - m * 2.6, y - size * 0.22),
            QPointF(size - m * 2.6, y + size * 0.22),
        ]
    )
    p.drawPolygon(head)


def _paint_pattern(p: QPainter, g: _Glyph) -> None:
    """An arrow with its start's disc."""
    _paint_arrow(p, g)
    p.drawEllipse(QPointF(g.margin * 1.2, g.size / 2), g.size * 0.12, g.size * 0.12)


def _paint_property(p: QPainter, g: _Glyph) -> None:
    size, m = g.size, g.margin
    diamond = QPolygonF(
        [
            QPointF(size / 2, m),
            QPointF(size - m, size / 2),
            QPointF(size / 2, size - m),
            QPointF(m, size / 2),
        ]
    )
    p.drawPolygon(diamond)


def _paint_index(p: QPainter, g: _Glyph) -> None:
    size, r = g.size, g.inner()
    p.drawRoundedRect(r, size * 0.1, size * 0.1)
    p.setPen(QPen(QColor("white"), size / 10))
    for i in (0.38, 0.62):
        p.drawLine(
            QPointF(r.left() + r.width() * 0.2, size * i),
            QPointF(r.right() - r.width() * 0.2, size * i),
        )


def _paint_constraint(p: QPainter, g: _Glyph) -> None:
    """A padlock."""
    size, m, color = g.size, g.margin, g.color
    body = QRectF(m, size * 0.45, size - 2 * m, size * 0.45)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(color, size / 9))
    p.drawArc(QRectF(size * 0.3, m, size * 0.4, size * 0.6), 0, 180 * 16)
    p.setPen(g.outline)
    p.setBrush(QBrush(color))
    p.drawRect(body)


def _paint_folder(p: QPainter, g: _Glyph) -> None:
    size, m = g.size, g.margin
    path = QPainterPath()
    path.moveTo(m, size * 0.3)
    path.lineTo(size * 0.42, size * 0.3)
    path.lineTo(size * 0.5, size * 0.2)
    path.lineTo(size - m, size * 0.2)
    path.lineTo(size - m, size - m)
    path.lineTo(m, size - m)
    path.closeSubpath()
    p.drawPath(path)


def _paint_warning(p: QPainter, g: _Glyph) -> None:
    size, m = g.size, g.margin
    tri = QPolygonF([QPointF(size / 2, m), QPointF(size - m, size - m), QPointF(m, size - m)])
    p.drawPolygon(tri)
    p.setPen(QPen(QColor("white"), size / 9))
    p.drawLine(QPointF(size / 2, size * 0.42), QPointF(size / 2, size * 0.66))
    p.drawPoint(QPointF(size / 2, size * 0.76))


def _paint_bars(p: QPainter, g: _Glyph) -> None:
    size = g.size
    bars = ((0.2, 0.55), (0.42, 0.3), (0.64, 0.45))
    for x, top in bars:
        p.drawRect(QRectF(size * x, size * top, size * 0.18, size * (0.85 - top)))


# A painter per tree item kind; any other kind (statistic, info) gets bars.
_KIND_PAINTERS: dict[str, Callable[[QPainter, _Glyph], None]] = {
    "label": _paint_label,
    "relationship_type": _paint_arrow,
    "pattern": _paint_pattern,
    "property": _paint_property,
    "index": _paint_index,
    "constraint": _paint_constraint,
    "section": _paint_folder,
    "group": _paint_folder,
    "finding": _paint_warning,
    "severity": _paint_warning,
}


def _paint_kind(p: QPainter, kind: str, severity: str | None, size: float, dark: bool) -> None:
    color = SEVERITY_COLORS.get(severity or "", KIND_COLORS.get(kind, KIND_COLORS["info"]))
    if kind in ("finding", "severity") and severity:
        color = SEVERITY_COLORS[severity]
    pen = QPen(_outline(dark), max(1.0, size / 16))
    p.setPen(pen)
    p.setBrush(QBrush(color))
    _KIND_PAINTERS.get(kind, _paint_bars)(p, _Glyph(size, size * 0.15, color, pen))


def _paint_badge(p: QPainter, severity: str, size: float, dark: bool) -> None:
    """A warning sign in the severity's colour over the icon's lower right corner: findings
    concern this row (a triangle, so it reads apart from the kind's own shape)."""
    d = size * 0.66
    left, top = size - d, size - d * 0.9
    tri = QPolygonF([QPointF(left + d / 2, top), QPointF(size, size), QPointF(left, size)])
    p.setPen(QPen(_outline(dark), max(1.2, size / 12)))
    p.setBrush(QBrush(SEVERITY_COLORS[severity]))
    p.drawPolygon(tri)
    p.setPen(QPen(QColor("white"), size / 11))
    cx = left + d / 2
    p.drawLine(QPointF(cx, top + d * 0.35), QPointF(cx, top + d * 0.62))
    p.drawPoint(QPointF(cx, top + d * 0.76))


def kind_icon(kind: str, severity: str | None = None, *, badge: bool = False) -> QIcon:
    """The icon of a tree item kind (label, property, index, finding...); with badge, the
    kind's own colour plus a mark of the severity (findings concern the row)."""
    dark = palette_is_dark()
    key = (kind, severity, dark, badge)
    icon = _CACHE.get(key)
    if icon is None:
        icon = QIcon()
        for logical in (16, 24, 32):
            for dpr in (1.0, 2.0):
                px = QPixmap(int(logical * dpr), int(logical * dpr))
                px.setDevicePixelRatio(dpr)
                px.fill(Qt.GlobalColor.transparent)
                painter = QPainter(px)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                if badge and severity:
                    _paint_kind(painter, kind, None, float(logical), dark)
                    _paint_badge(painter, severity, float(logical), dark)
                else:
                    _paint_kind(painter, kind, severity, float(logical), dark)
                painter.end()
                icon.addPixmap(px)
        _CACHE[key] = icon
    return icon


ACTION_COLORS = {
    "run": QColor(0x2E, 0x9D, 0x3A),
    "cancel": QColor(0xD3, 0x2F, 0x2F),
    "test": QColor(0x2E, 0x9D, 0x3A),
    "open": QColor(0xF2, 0xB1, 0x34),
    "save": QColor(0x1E, 0x88, 0xE5),
}


def _paint_action(p: QPainter, name: str, size: float, dark: bool) -> None:
    color = ACTION_COLORS.get(name, KIND_COLORS["info"])
    p.setPen(QPen(_outline(dark), max(1.0, size / 16)))
    p.setBrush(QBrush(color))
    m = size * 0.16
    if name == "run":
        p.drawPolygon(
            QPolygonF(
                [QPointF(m * 1.4, m), QPointF(size - m, size / 2), QPointF(m * 1.4, size - m)]
            )
        )
    elif name == "cancel":
        p.drawRoundedRect(QRectF(m, m, size - 2 * m, size - 2 * m), size * 0.1, size * 0.1)
    elif name == "test":
        path = QPainterPath()
        path.moveTo(m, size * 0.55)
        path.lineTo(size * 0.4, size - m * 1.2)
        path.lineTo(size - m, m * 1.2)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(_outline(dark), size / 5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawPath(path)
        p.setPen(QPen(color, size / 8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawPath(path)
    elif name == "open":
        _paint_kind(p, "section", None, size, dark)
        p.setPen(QPen(_outline(dark), max(1.0, size / 16)))
        p.setBrush(QBrush(color))
        p.drawPolygon(
            QPolygonF(
                [
                    QPointF(m * 1.6, size * 0.45),
                    QPointF(size - m * 0.4, size * 0.45),
                    QPointF(size - m * 1.2, size - m),
                    QPointF(m, size - m),
                ]
            )
        )
    elif name == "save":
        p.drawRoundedRect(QRectF(m, m, size - 2 * m, size - 2 * m), size * 0.08, size * 0.08)
        p.setBrush(QBrush(QColor("white")))
        p.drawRect(QRectF(size * 0.3, m, size * 0.4, size * 0.28))
        p.drawRect(QRectF(size * 0.25, size * 0.58, size * 0.5, size * 0.26))


class _ActionIconEngine(QIconEngine):
    """Paints an action icon when Qt first asks for a size, scale and mode, and keeps it.

    Painting all 16 pixmaps of every action icon up front (4 sizes, 2 scales, 2 modes) was
    15 ms of the window's cold start (issue 16) for pixmaps mostly never shown."""

    def __init__(self, name: str, dark: bool) -> None:
        super().__init__()
        self._name = name
        self._dark = dark
        self._pixmaps: dict[tuple[int, int, float, bool], QPixmap] = {}

    def clone(self) -> QIconEngine:
        return _ActionIconEngine(self._name, self._dark)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        disabled = mode == QIcon.Mode.Disabled
        key = (size.width(), size.height(), scale, disabled)
        px = self._pixmaps.get(key)
        if px is None:
            logical = float(max(1, min(size.width(), size.height())))
            px = QPixmap(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
            px.setDevicePixelRatio(scale)
            px.fill(Qt.GlobalColor.transparent)
            painter = QPainter(px)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            if disabled:
                painter.setOpacity(0.35)
            _paint_action(painter, self._name, logical, self._dark)
            painter.end()
            self._pixmaps[key] = px
        return px

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        device = painter.device()
        scale = device.devicePixelRatioF() if device is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))


def action_icon(name: str) -> QIcon:
    """Toolbar/menu icons: run, cancel, test, open, save; coloured, outlined per palette."""
    dark = palette_is_dark()
    key = (f"action:{name}", None, dark, False)
    icon = _CACHE.get(key)
    if icon is None:
        icon = QIcon(_ActionIconEngine(name, dark))
        _CACHE[key] = icon
    return icon


def app_icon() -> QIcon:
    """The application icon from resources/icons (SVG scales to any DPI), if shipped."""
    for base in (Path(__file__).resolve().parents[2], Path(__file__).resolve().parents[1]):
        for name in ("resources/icons/neosense.svg", "resources/neosense.svg"):
            path = base / name
            if path.exists():
                return QIcon(str(path))
    return kind_icon("label")


def icon_size(logical: int = 16) -> QSize:
    return QSize(logical, logical)
