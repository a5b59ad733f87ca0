"""SchemaView: the schema as a picture. Labels are discs sized by count, patterns are arrows.

The layout (schema_layout.py, plain Python) is computed by the caller, in slices on the event
loop (compute_layout_steps); this view only places items. Pan by dragging, zoom with the
wheel or +/-, 0 fits. Clicking a label or an arrow emits `item_activated` with the tree
key of that item.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from ..core.report import Report
from .icons import KIND_COLORS
from .plain_text import plain_tooltip
from .report_nodes import NodeKey, label_key, pattern_key
from .schema_layout import LaidOutNode, layout_schema, layout_steps
from .slices import Steps, drain

MAX_LABELS_DRAWN = 80


def schema_graph(
    report: Report, limit: int = MAX_LABELS_DRAWN
) -> tuple[list[tuple[str, int]], list[tuple[str, str, str, int]]]:
    """The largest `limit` labels and the patterns between them, as plain tuples."""
    labels = sorted(report.labels, key=lambda lb: (-lb.count, lb.name))[:limit]
    shown = {lb.name for lb in labels}
    edges = [
        (p.start, p.end, rel.name, p.count)
        for rel in report.relationship_types
        for p in rel.patterns
        if p.start in shown and p.end in shown
    ]
    return [(lb.name, lb.count) for lb in labels], edges


def compute_layout(report: Report) -> dict[str, LaidOutNode]:
    """Layout for a report (~0.2-0.4 s at 50 labels: the window uses compute_layout_steps)."""
    return drain(compute_layout_steps(report))


def compute_layout_steps(report: Report) -> Steps[dict[str, LaidOutNode]]:
    """compute_layout() in small steps, for run_sliced()."""
    nodes, edges = schema_graph(report)
    return (yield from layout_steps(nodes, [(a, b, c) for a, b, _t, c in edges]))


class LabelItem(QGraphicsEllipseItem):
    def __init__(self, node: LaidOutNode, count: int, palette: QPalette) -> None:
        r = node.radius
        super().__init__(-r, -r, 2 * r, 2 * r)
        self.setPos(node.x, node.y)
        color = KIND_COLORS["label"]
        self.setBrush(QBrush(color.lighter(115)))
        self.setPen(QPen(palette.color(QPalette.ColorRole.WindowText), 1.2))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.key: NodeKey = label_key(node.name)
        self.setToolTip(plain_tooltip(f":{node.name}\n{count:,} nodes"))
        self.setZValue(2)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        text = QGraphicsSimpleTextItem(node.name, self)
        font = QFont()
        font.setBold(True)
        text.setFont(font)
        text.setBrush(QBrush(palette.color(QPalette.ColorRole.WindowText)))
        br = text.boundingRect()
        text.setPos(-br.width() / 2, r + 2)
        count_text = QGraphicsSimpleTextItem(f"{count:,}", self)
        count_text.setBrush(QBrush(QColor(0x10, 0x10, 0x10)))
        cr = count_text.boundingRect()
        if cr.width() < 2 * r - 4:
            count_text.setPos(-cr.width() / 2, -cr.height() / 2)
        else:
            count_text.setVisible(False)


class EdgeItem(QGraphicsPathItem):
    def __init__(
        self,
        a: LaidOutNode,
        b: LaidOutNode,
        rel_type: str,
        count: int,
        bend: float,
        palette: QPalette,
    ) -> None:
        super().__init__()
        color = KIND_COLORS["relationship_type"]
        self.setPen(QPen(color, 1.6))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.key: NodeKey = pattern_key(a.name, rel_type, b.name)
        self.setToolTip(
            plain_tooltip(f"(:{a.name})-[:{rel_type}]->(:{b.name})\n{count:,} relationships")
        )
        self.setZValue(1)
        path = QPainterPath()
        if a.name == b.name:
            # A loop above the disc.
            top = QPointF(a.x, a.y - a.radius)
            h = 40 + bend * 24
            start = QPointF(a.x - a.radius * 0.5, a.y - a.radius * 0.85)
            end = QPointF(a.x + a.radius * 0.5, a.y - a.radius * 0.85)
            path.moveTo(start)
            path.cubicTo(
                QPointF(a.x - a.radius - h / 2, top.y() - h),
                QPointF(a.x + a.radius + h / 2, top.y() - h),
                end,
            )
            label_at = QPointF(a.x, top.y() - h * 0.8)
            tip, direction = end, QPointF(0.3, 1.0)
        else:
            p1, p2 = QPointF(a.x, a.y), QPointF(b.x, b.y)
            line = QLineF(p1, p2)
            length = max(line.length(), 1.0)
            ux, uy = (p2.x() - p1.x()) / length, (p2.y() - p1.y()) / length
            start = QPointF(p1.x() + ux * a.radius, p1.y() + uy * a.radius)
            end = QPointF(p2.x() - ux * b.radius, p2.y() - uy * b.radius)
            mid = QPointF((start.x() + end.x()) / 2, (start.y() + end.y()) / 2)
            ctrl = QPointF(mid.x() - uy * bend * 40, mid.y() + ux * bend * 40)
            path.moveTo(start)
            path.quadTo(ctrl, end)
            label_at = QPointF(
                0.25 * start.x() + 0.5 * ctrl.x() + 0.25 * end.x(),
                0.25 * start.y() + 0.5 * ctrl.y() + 0.25 * end.y(),
            )
            tip, direction = end, QPointF(end.x() - ctrl.x(), end.y() - ctrl.y())
        self.setPath(path)
        # Arrow head.
        dl = math.hypot(direction.x(), direction.y()) or 1.0
        dx, dy = direction.x() / dl, direction.y() / dl
        head = QPolygonF(
            [
                tip,
                QPointF(tip.x() - dx * 10 - dy * 5, tip.y() - dy * 10 + dx * 5),
                QPointF(tip.x() - dx * 10 + dy * 5, tip.y() - dy * 10 - dx * 5),
            ]
        )
        head_item = QGraphicsPathItem(self)
        head_path = QPainterPath()
        head_path.addPolygon(head)
        head_path.closeSubpath()
        head_item.setPath(head_path)
        head_item.setBrush(QBrush(color))
        head_item.setPen(QPen(color, 1))
        text = QGraphicsSimpleTextItem(f"{rel_type} ({count:,})", self)
        text.setBrush(QBrush(palette.color(QPalette.ColorRole.WindowText)))
        small = QFont()
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.85))
        text.setFont(small)
        br = text.boundingRect()
        text.setPos(label_at.x() - br.width() / 2, label_at.y() - br.height() / 2)

    def shape(self) -> QPainterPath:
        # A wider hit area than the 1.6 px line, so clicks land.
        from PySide6.QtGui import QPainterPathStroker

        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.path())


class SchemaView(QGraphicsView):
    """Signals:
    item_activated(tuple): the tree key (report_nodes.NodeKey) of a clicked label or pattern.
    """

    item_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Schema picture")
        self.setToolTip("Drag to pan, wheel or +/- to zoom, 0 to fit; ←/→ step through the labels.")
        self.labels: dict[str, LabelItem] = {}
        self.edges: list[EdgeItem] = []
        self.hidden_labels = 0
        self._needs_fit = True
        # PySide's first viewport() resolves the widget's Python type, making ~40 enum
        # classes on the way (~10 ms): done here, not when the tab is first shown.
        self.viewport()
        self.scene().selectionChanged.connect(self._selection_changed)
        self._placeholder("Run an extraction or open a report to see the schema.")

    def _placeholder(self, text: str) -> None:
        item = self.scene().addSimpleText(text)
        item.setBrush(QBrush(self.palette().color(QPalette.ColorRole.PlaceholderText)))

    def clear(self) -> None:
        # clear() deselects items as it deletes them; a selectionChanged slot reading
        # selectedItems() then would touch half-deleted items.
        self.scene().blockSignals(True)
        try:
            self.scene().clear()
        finally:
            self.scene().blockSignals(False)
        self.labels.clear()
        self.edges.clear()
        self.hidden_labels = 0

    def show_report(self, report: Report | None, layout: dict[str, LaidOutNode] | None) -> None:
        """Draw a report with a layout from compute_layout() (None: compute it here)."""
        for _ in self.draw_steps(report, layout):
            pass

    def draw_steps(
        self, report: Report | None, layout: dict[str, LaidOutNode] | None, chunk: int = 12
    ) -> Iterator[None]:
        """show_report() a few items at a time: yields after every `chunk` labels or arrows.

        The window runs the steps with the event loop turning in between, so an 80-label
        picture never holds the loop for the whole ~30 ms it takes to make. Stop iterating
        (and call draw_steps again) to abandon a picture half-way.
        """
        self.clear()
        if report is None:
            self._placeholder("Run an extraction or open a report to see the schema.")
            return
        if not report.labels:
            self._placeholder("This database has no labels.")
            return
        nodes, edges = schema_graph(report)
        if layout is None:
            layout = layout_schema(nodes, [(a, b, c) for a, b, _t, c in edges])
        palette = self.palette()
        counts = dict(nodes)
        scene = self.scene()
        made = 0
        for name, laid in layout.items():
            item = LabelItem(laid, counts.get(name, 0), palette)
            scene.addItem(item)
            self.labels[name] = item
            made += 1
            if made % chunk == 0:
                yield
        bends: dict[tuple[str, str], int] = defaultdict(int)
        for start, end, rel_type, count in edges:
            if start not in layout or end not in layout:
                continue
            pair = (min(start, end), max(start, end))
            n = bends[pair]
            bends[pair] += 1
            # Parallel edges fan out: 0, +1, -1, +2, -2...
            bend = 0.0 if n == 0 else ((n + 1) // 2) * (1 if n % 2 else -1)
            if start == end:
                bend = float(n)
            elif start > end:
                bend = -bend
            edge = EdgeItem(layout[start], layout[end], rel_type, count, bend, palette)
            scene.addItem(edge)
            self.edges.append(edge)
            made += 1
            if made % chunk == 0:
                yield
        self.hidden_labels = max(0, len(report.labels) - len(layout))
        if self.hidden_labels:
            note = scene.addSimpleText(
                f"Showing the {len(layout)} largest labels; {self.hidden_labels} more are in "
                "the tree."
            )
            rect = scene.itemsBoundingRect()
            note.setPos(rect.left(), rect.top() - 30)
        self.fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._needs_fit:
            self.fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._needs_fit:
            self.fit()

    def fit(self) -> None:
        # A hidden view has no real size yet: fit again once it is shown.
        self._needs_fit = not self.isVisible() or self.viewport().width() < 50
        rect = self.scene().itemsBoundingRect().adjusted(-20, -20, 20, 20)
        if rect.isValid():
            self.setSceneRect(rect)
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
            # Never blow a tiny schema up beyond 1.5x.
            if self.transform().m11() > 1.5:
                self.resetTransform()
                self.scale(1.5, 1.5)

    def zoom(self, factor: float) -> None:
        current = self.transform().m11()
        if 0.05 < current * factor < 8:
            self.scale(factor, factor)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y()
        if delta:
            self.zoom(1.15 if delta > 0 else 1 / 1.15)
            event.accept()
        else:
            super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom(0.8)
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Left) and self.labels:
            self.step_label(1 if key == Qt.Key.Key_Right else -1)
        else:
            super().keyPressEvent(event)

    def step_label(self, step: int) -> str:
        """Select the next (or previous) label, largest first: the picture by keyboard."""
        order = list(self.labels)  # inserted largest first (schema_graph sorts by count)
        selected = [i for i, n in enumerate(order) if self.labels[n].isSelected()]
        index = (selected[0] + step) % len(order) if selected else (0 if step > 0 else -1)
        name = order[index]
        self.scene().clearSelection()
        self.labels[name].setSelected(True)  # emits item_activated via selectionChanged
        self.ensureVisible(self.labels[name], 40, 40)
        return name

    def select_key(self, key: NodeKey) -> None:
        """Highlight the item for a tree key, without emitting item_activated."""
        self.scene().blockSignals(True)
        try:
            self.scene().clearSelection()
            for item in self._keyed_items():
                if item.key == key:
                    item.setSelected(True)
                    self.ensureVisible(item, 40, 40)
        finally:
            self.scene().blockSignals(False)

    def _keyed_items(self) -> list[LabelItem | EdgeItem]:
        return [*self.labels.values(), *self.edges]

    def _selection_changed(self) -> None:
        selected = self.scene().selectedItems()
        if selected:
            key = getattr(selected[0], "key", None)
            if isinstance(key, tuple):
                self.item_activated.emit(key)

    def scene_rect_of(self, key: NodeKey) -> QRectF:
        for item in self._keyed_items():
            if item.key == key:
                return item.sceneBoundingRect()
        return QRectF()
