"""SchemaView: the schema as a picture. Labels are discs sized by count, patterns are arrows.

The layout (core/schema_layout.py, plain Python, shared with the HTML export) is computed by
the caller, in slices on the event loop (compute_layout_steps); this view only places items.
Each label has its colour from core/label_palette.py (the exports use the same), and a
legend names them. Hovering a disc lists its properties; selecting a label dims everything
but its relationships and neighbours. Pan by dragging, zoom with the wheel or +/-, 0 fits.
Clicking a label or an arrow emits `item_activated` with the tree key of that item. Discs
can be dragged; their arrows are routed again (core/schema_routing.py keeps every arrow and
its name off the discs and names). The picture saves as PNG or SVG (the Save picture button,
which schema_pane.SchemaPane puts in its bar above the picture, the context menu, or the
window's File > Save Schema Picture As…, which picks the format from the file name).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QMainWindow,
    QMenu,
    QStyle,
    QStyleOptionGraphicsItem,
    QToolButton,
    QWidget,
)

from ..core.errors import ErrorCode, NeoSenseError
from ..core.files import atomic_write_bytes
from ..core.label_palette import text_colour_on
from ..core.schema_layout import layout_schema, layout_steps, picture_name
from ..core.schema_routing import (
    Box,
    Disc,
    curve_between,
    label_spots,
    place_text,
    route_bend,
)
from .dialogs import run_dialog
from .plain_text import plain_tooltip
from .report_nodes import label_key, pattern_key
from .slices import drain

if TYPE_CHECKING:  # pydantic and the report models load after the first paint
    from ..core.report import Label, Report
    from ..core.schema_layout import LaidOutNode
    from .report_nodes import NodeKey
    from .slices import Steps
    from .tasks import TaskRegistry

MAX_LABELS_DRAWN = 80
MAX_TOOLTIP_PROPERTIES = 25
EDGE_COLOUR = QColor(0x70, 0x70, 0x70)
DIMMED_OPACITY = 0.15
# Self-loops grow by this much per further type on the same label.
LOOP_STEP = 30.0
LEGEND_ROW = 20.0
PictureFormat = Literal["png", "svg"]
# The PNG is rendered at twice the scene's size, but never beyond this many pixels a side.
PNG_SCALE = 2.0
PNG_MAX_SIDE = 8000


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


def label_tooltip_text(name: str, count: int, label: Label | None) -> str:
    """A label's hover text: its count and its properties with types and fill rates."""
    lines = [f":{name}", f"{count:,} {'node' if count == 1 else 'nodes'}"]
    properties = sorted(label.properties, key=lambda p: p.name) if label else []
    if not properties:
        lines.append("No properties")
    else:
        lines.append(f"{len(properties)} {'property' if len(properties) == 1 else 'properties'}:")
        for prop in properties[:MAX_TOOLTIP_PROPERTIES]:
            types = " | ".join(prop.types) or "?"
            lines.append(f"  {prop.name}: {types} · {prop.fill_rate:.0%} filled")
        if len(properties) > MAX_TOOLTIP_PROPERTIES:
            lines.append(f"  … and {len(properties) - MAX_TOOLTIP_PROPERTIES} more (in the tree)")
    return "\n".join(lines)


def drawn_name(name: str) -> str:
    """A name as the picture draws it, as the HTML export does: cut at MAX_NAME_CHARS (the
    tooltip has it whole) and with hidden or reordering characters shown as ⟨U+XXXX⟩."""
    # Here, not at the top: core.formats loads the report models (pydantic), which the
    # window imports only after its first paint (tests/ui/test_startup_imports.py).
    from ..core.formats.shown import visible

    return visible(picture_name(name))


def _unselected(option: QStyleOptionGraphicsItem) -> QStyleOptionGraphicsItem:
    """The option without the Selected state: Qt's dashed selection box would cover the
    picture (and end up in a saved file); selection shows as a thicker outline instead."""
    plain = QStyleOptionGraphicsItem(option)
    plain.state &= ~QStyle.StateFlag.State_Selected
    return plain


class LabelItem(QGraphicsEllipseItem):
    def __init__(
        self, node: LaidOutNode, count: int, colour: str, tooltip: str, palette: QPalette
    ) -> None:
        r = node.radius
        super().__init__(-r, -r, 2 * r, 2 * r)
        self.name = node.name
        self.colour = QColor(colour)
        self.setPos(node.x, node.y)
        self.setBrush(QBrush(self.colour))
        self._pen = QPen(palette.color(QPalette.ColorRole.WindowText), 1.2)
        self.setPen(self._pen)
        self.radius = r
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        # Discs can be dragged; their arrows follow (SchemaView.label_moved).
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.moved: Callable[[str], None] | None = None
        self.key: NodeKey = label_key(node.name)
        self.tooltip_text = tooltip
        self.setToolTip(plain_tooltip(tooltip))
        self.setZValue(2)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        text = QGraphicsSimpleTextItem(drawn_name(node.name), self)
        font = QFont()
        font.setBold(True)
        text.setFont(font)
        text.setBrush(QBrush(palette.color(QPalette.ColorRole.WindowText)))
        br = text.boundingRect()
        text.setPos(-br.width() / 2, r + 2)
        self.name_text = text
        count_text = QGraphicsSimpleTextItem(f"{count:,}", self)
        count_text.setBrush(QBrush(QColor(text_colour_on(colour))))
        cr = count_text.boundingRect()
        if cr.width() < 2 * r - 4:
            count_text.setPos(-cr.width() / 2, -cr.height() / 2)
        else:
            count_text.setVisible(False)

    def disc(self) -> Disc:
        return Disc(self.name, self.pos().x(), self.pos().y(), self.radius)

    def name_box(self) -> Box:
        r = self.name_text.sceneBoundingRect()
        return Box(r.left(), r.top(), r.width(), r.height())

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            pen = QPen(self._pen)
            pen.setWidthF(3.5 if value else 1.2)
            self.setPen(pen)
        elif (
            change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged
            and self.moved is not None
        ):
            self.moved(self.name)
        return super().itemChange(change, value)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        super().paint(painter, _unselected(option), widget)


class EdgeItem(QGraphicsPathItem):
    """One pattern's arrow. `nth` counts earlier arrows between the same two labels (or on
    the same label, for a self-loop): each bends further out, so none is drawn over another.
    Its route and its name's place come from core/schema_routing.py (set_route), so that
    neither crosses a disc or a label's name; dragging a disc routes its arrows again."""

    def __init__(
        self,
        a: LaidOutNode,
        b: LaidOutNode,
        rel_type: str,
        count: int,
        bend: float,
        nth: int,
        palette: QPalette,
    ) -> None:
        super().__init__()
        self.start_name, self.end_name = a.name, b.name
        self.rel_type = rel_type
        self.nth = nth
        self.bend = bend  # as asked (parallel arrows fan out); the route may bend further
        self._pen = QPen(EDGE_COLOUR, 1.6)
        self.setPen(self._pen)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.key: NodeKey = pattern_key(a.name, rel_type, b.name)
        self.setToolTip(
            plain_tooltip(f"(:{a.name})-[:{rel_type}]->(:{b.name})\n{count:,} relationships")
        )
        self.setZValue(1)
        # Where along the curve the type's name may go, best first (see place_label).
        self.label_spots: list[QPointF] = []
        self.head = QGraphicsPathItem(self)
        self.head.setBrush(QBrush(EDGE_COLOUR))
        self.head.setPen(QPen(EDGE_COLOUR, 1))
        text = QGraphicsSimpleTextItem(f"{drawn_name(rel_type)} ({count:,})", self)
        text.setBrush(QBrush(palette.color(QPalette.ColorRole.WindowText)))
        small = QFont()
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.85))
        text.setFont(small)
        self.text = text
        self.set_route(_disc(a), _disc(b), bend)
        self.place_label([])

    def set_route(self, a: Disc, b: Disc, bend: float) -> None:
        """The curve from a to b bent `bend` steps (a loop when a is b), with its head."""
        path = QPainterPath()
        if a.name == b.name:
            # A loop above the disc, each further loop taller and wider.
            top = QPointF(a.x, a.y - a.radius)
            h = 36 + self.nth * LOOP_STEP
            start = QPointF(a.x - a.radius * 0.5, a.y - a.radius * 0.85)
            end = QPointF(a.x + a.radius * 0.5, a.y - a.radius * 0.85)
            c1 = QPointF(a.x - a.radius - h / 2, top.y() - h)
            c2 = QPointF(a.x + a.radius + h / 2, top.y() - h)
            path.moveTo(start)
            path.cubicTo(c1, c2, end)
            self.label_spots = [path.pointAtPercent(0.5)]
            tip, direction = end, QPointF(end.x() - c2.x(), end.y() - c2.y())
        else:
            curve = curve_between(a, b, bend)
            start, ctrl, end = (QPointF(*p) for p in (curve.start, curve.control, curve.end))
            path.moveTo(start)
            path.quadTo(ctrl, end)
            text = self.text.boundingRect()
            # Beside the line by half the name's diagonal, so a slanted arrow's name clears it.
            beside = math.hypot(text.width(), text.height()) / 2 + 4
            self.label_spots = [QPointF(x, y) for x, y in label_spots(curve, beside)]
            tip, direction = end, QPointF(end.x() - ctrl.x(), end.y() - ctrl.y())
        self.setPath(path)
        dl = math.hypot(direction.x(), direction.y()) or 1.0
        dx, dy = direction.x() / dl, direction.y() / dl
        head = QPolygonF(
            [
                tip,
                QPointF(tip.x() - dx * 10 - dy * 5, tip.y() - dy * 10 + dx * 5),
                QPointF(tip.x() - dx * 10 + dy * 5, tip.y() - dy * 10 - dx * 5),
            ]
        )
        head_path = QPainterPath()
        head_path.addPolygon(head)
        head_path.closeSubpath()
        self.head.setPath(head_path)

    def place_label(self, taken: list[QRectF]) -> QRectF:
        """Put the type's name at the first spot along the curve where it overlaps none of
        the `taken` rectangles (discs, label names and the other arrows' names)."""
        br = self.text.boundingRect()
        box = place_text(
            [(p.x(), p.y()) for p in self.label_spots],
            br.width(),
            br.height(),
            [Box(r.left(), r.top(), r.width(), r.height()) for r in taken],
        )
        rect = QRectF(box.left, box.top, box.width, box.height)
        self.text.setPos(rect.topLeft())
        return rect

    def set_emphasis(self, strong: bool) -> None:
        pen = QPen(self._pen)
        pen.setWidthF(3.0 if strong else 1.6)
        self.setPen(pen)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        super().paint(painter, _unselected(option), widget)

    def shape(self) -> QPainterPath:
        # A wider hit area than the 1.6 px line, so clicks land.
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.path())


def _disc(node: LaidOutNode) -> Disc:
    return Disc(node.name, node.x, node.y, node.radius)


class LegendItem(QGraphicsRectItem):
    """The colour key: a swatch and the name of each label drawn, in columns."""

    def __init__(self, entries: list[tuple[str, int, str]], rows: int, palette: QPalette) -> None:
        super().__init__()
        self.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        self.setBrush(QBrush(palette.color(QPalette.ColorRole.Base)))
        self.setZValue(3)
        self.entries: dict[str, tuple[QGraphicsRectItem, QGraphicsSimpleTextItem]] = {}
        title = QGraphicsSimpleTextItem("Labels", self)
        bold = QFont()
        bold.setBold(True)
        title.setFont(bold)
        title.setBrush(QBrush(palette.color(QPalette.ColorRole.WindowText)))
        title.setPos(8, 6)
        x, y0 = 8.0, 6 + LEGEND_ROW + 4
        column_width = 0.0
        bottom = y0
        for i, (name, count, colour) in enumerate(entries):
            if i and i % rows == 0:
                x += column_width + 16
                column_width = 0.0
            y = y0 + (i % rows) * LEGEND_ROW
            swatch = QGraphicsRectItem(x, y + 3, 12, 12, self)
            swatch.setBrush(QBrush(QColor(colour)))
            swatch.setPen(QPen(palette.color(QPalette.ColorRole.WindowText), 0.8))
            text = QGraphicsSimpleTextItem(f"{drawn_name(name)}  {count:,}", self)
            text.setBrush(QBrush(palette.color(QPalette.ColorRole.WindowText)))
            text.setPos(x + 18, y)
            column_width = max(column_width, 18 + text.boundingRect().width())
            bottom = max(bottom, y + LEGEND_ROW)
            self.entries[name] = (swatch, text)
        self.setRect(0, 0, x + column_width + 8, bottom + 6)


class SchemaView(QGraphicsView):
    """Signals:
    item_activated(tuple): the tree key (report_nodes.NodeKey) of a clicked label or pattern.
    savable_changed(bool): whether a picture is drawn that can be saved.
    positions_changed(): a disc was dragged (positions() has where each label is now).
    """

    item_activated = Signal(object)
    picture_saved = Signal(str)
    positions_changed = Signal()
    savable_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None, tasks: TaskRegistry | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
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
        self.legend: LegendItem | None = None
        self.colours: dict[str, str] = {}
        self.hidden_labels = 0
        self.label_filter = ""
        # The label or arrow whose neighbourhood is highlighted (None: nothing dimmed).
        self.focus: NodeKey | None = None
        self.database = ""
        self.act_save_png = QAction("Save picture as &PNG…", self)
        self.act_save_png.triggered.connect(lambda: self.save_clicked("png"))
        self.act_save_svg = QAction("Save picture as &SVG…", self)
        self.act_save_svg.triggered.connect(lambda: self.save_clicked("svg"))
        for action in (self.act_save_png, self.act_save_svg):
            action.setEnabled(False)
            self.addAction(action)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.save_button = QToolButton(self)
        self.save_button.setObjectName("save-picture-button")
        self.save_button.setText("Save picture")
        self.save_button.setAccessibleName("Save picture")
        self.save_button.setToolTip("Save the schema picture as PNG or SVG")
        self.save_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.save_button)
        menu.addAction(self.act_save_png)
        menu.addAction(self.act_save_svg)
        self.save_button.setMenu(menu)
        self.save_button.setEnabled(False)
        self._savable = False
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
        self.legend = None
        self.colours = {}
        self.focus = None
        self.hidden_labels = 0
        self._set_savable(False)

    def _set_savable(self, savable: bool) -> None:
        self._savable = savable
        for action in (self.act_save_png, self.act_save_svg):
            action.setEnabled(savable)
        self.save_button.setEnabled(savable)
        self.savable_changed.emit(savable)

    @property
    def savable(self) -> bool:
        return self._savable

    def show_waiting(self, text: str) -> None:
        """No picture yet, and why (e.g. a run still going)."""
        self.clear()
        self._placeholder(text)

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
        from ..core.formats.picture import report_label_colours

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
        self.database = report.server.database
        palette = self.palette()
        self.colours = report_label_colours(report)
        made = yield from self._label_steps(report, nodes, layout, palette, chunk)
        yield from self._edge_steps(edges, layout, palette, chunk, made)
        yield from self.route_steps()
        self._add_legend(nodes, layout, palette)
        self._note_hidden_labels(len(report.labels) - len(layout), len(layout))
        if self.label_filter:
            self.set_label_filter(self.label_filter)
        self._set_savable(True)
        self.fit()

    def _label_steps(
        self,
        report: Report,
        nodes: list[tuple[str, int]],
        layout: dict[str, LaidOutNode],
        palette: QPalette,
        chunk: int,
    ) -> Generator[None, None, int]:
        """Draw the discs of the laid-out labels; returns how many items were made."""
        counts = dict(nodes)
        by_name = {lb.name: lb for lb in report.labels}
        scene = self.scene()
        made = 0
        for name, laid in layout.items():
            count = counts.get(name, 0)
            tooltip = label_tooltip_text(name, count, by_name.get(name))
            item = LabelItem(laid, count, self.colours[name], tooltip, palette)
            item.moved = self.label_moved
            scene.addItem(item)
            self.labels[name] = item
            made += 1
            if made % chunk == 0:
                yield
        return made

    def _edge_steps(
        self,
        edges: list[tuple[str, str, str, int]],
        layout: dict[str, LaidOutNode],
        palette: QPalette,
        chunk: int,
        made: int,
    ) -> Iterator[None]:
        """Draw the arrows between laid-out labels, yielding on from `made` items made."""
        scene = self.scene()
        bends: dict[tuple[str, str], int] = defaultdict(int)
        for start, end, rel_type, count in edges:
            if start not in layout or end not in layout:
                continue
            pair = (min(start, end), max(start, end))
            n = bends[pair]
            bends[pair] += 1
            # Parallel edges fan out: 0, +1, -1, +2, -2... (in the pair's own direction,
            # so A->B and B->A bend to opposite sides rather than onto each other).
            bend = 0.0 if n == 0 else float(((n + 1) // 2) * (1 if n % 2 else -1))
            if start > end:
                bend = -bend
            edge = EdgeItem(layout[start], layout[end], rel_type, count, bend, n, palette)
            scene.addItem(edge)
            self.edges.append(edge)
            made += 1
            if made % chunk == 0:
                yield

    def _note_hidden_labels(self, hidden: int, shown: int) -> None:
        """Above the picture: how many labels it leaves out (the smallest)."""
        self.hidden_labels = max(0, hidden)
        if self.hidden_labels:
            scene = self.scene()
            note = scene.addSimpleText(
                f"Showing the {shown} largest labels; {self.hidden_labels} more are in the tree."
            )
            rect = scene.itemsBoundingRect()
            note.setPos(rect.left(), rect.top() - 30)

    def route_edges(self, only: set[str] | None = None) -> None:
        """Route every arrow (or those touching the labels `only`) and place their names."""
        for _ in self.route_steps(only):
            pass

    def route_steps(self, only: set[str] | None = None, chunk: int = 24) -> Iterator[None]:
        """route_edges() in steps (the window's event loop turns between them): each arrow
        runs around the discs and the names of labels, then each arrow's name goes where it
        overlaps no disc, label name or other arrow's name. With `only`, the arrows of those
        labels move and the others stay as they are (a drag)."""
        discs = {name: item.disc() for name, item in self.labels.items()}
        names = {name: item.name_box() for name, item in self.labels.items()}
        moving = [e for e in self.edges if only is None or {e.start_name, e.end_name} & only]
        for i, edge in enumerate(moving, 1):
            a, b = discs[edge.start_name], discs[edge.end_name]
            if a.name == b.name:
                edge.set_route(a, b, edge.bend)
            else:
                # A label's own name hangs below its disc, where its arrows leave from.
                blocking = [box for n, box in names.items() if n not in (a.name, b.name)]
                edge.set_route(a, b, route_bend(a, b, edge.bend, list(discs.values()), blocking))
            if i % chunk == 0:
                yield
        taken = [
            *(
                QRectF(d.x - d.radius, d.y - d.radius, 2 * d.radius, 2 * d.radius)
                for d in discs.values()
            ),
            *(QRectF(box.left, box.top, box.width, box.height) for box in names.values()),
        ]
        if only is not None:
            kept = set(map(id, moving))
            taken += [e.text.sceneBoundingRect() for e in self.edges if id(e) not in kept]
        for i, edge in enumerate(moving, 1):
            taken.append(edge.place_label(taken))
            if i % chunk == 0:
                yield

    def set_label_filter(self, text: str) -> None:
        """Show only the labels whose name holds `text` (any case), their arrows between
        shown labels, and dim the legend entries of the others."""
        needle = text.casefold().strip()
        shown = {n for n in self.labels if not needle or needle in n.casefold()}
        self.label_filter = needle
        for name, item in self.labels.items():
            item.setVisible(name in shown)
        for edge in self.edges:
            edge.setVisible(edge.start_name in shown and edge.end_name in shown)
        if self.legend is not None:
            for name, (swatch, entry) in self.legend.entries.items():
                opacity = 1.0 if name in shown else DIMMED_OPACITY
                swatch.setOpacity(opacity)
                entry.setOpacity(opacity)

    def shown_labels(self) -> list[str]:
        return [name for name, item in self.labels.items() if item.isVisible()]

    def label_moved(self, name: str) -> None:
        """A disc was dragged: its arrows follow it."""
        self.route_edges({name})
        self.positions_changed.emit()

    def positions(self) -> dict[str, tuple[float, float]]:
        return {name: (item.pos().x(), item.pos().y()) for name, item in self.labels.items()}

    def _add_legend(
        self, nodes: list[tuple[str, int]], layout: dict[str, LaidOutNode], palette: QPalette
    ) -> None:
        """The colour key to the right of the picture, about as tall as the picture."""
        drawn = [(name, count, self.colours[name]) for name, count in nodes if name in layout]
        if not drawn:
            return
        top = min(n.y - n.radius for n in layout.values())
        bottom = max(n.y + n.radius for n in layout.values()) + 24
        right = max(n.x + n.radius for n in layout.values())
        rows = max(8, min(25, int((bottom - top) // LEGEND_ROW) - 2))
        legend = LegendItem(drawn, rows, palette)
        # Right of the discs and of their names (a name can be wider than its disc).
        text_right = (
            max(item.sceneBoundingRect().right() for item in self.labels.values())
            if self.labels
            else right
        )
        legend.setPos(max(right, text_right) + 40, top)
        self.scene().addItem(legend)
        self.legend = legend

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
        key = getattr(selected[0], "key", None) if selected else None
        self.highlight(key if isinstance(key, tuple) else None)
        if isinstance(key, tuple):
            self.item_activated.emit(key)

    def highlight(self, key: NodeKey | None) -> None:
        """Dim all but the label (or arrow) of `key`, its arrows and its neighbours."""
        self.focus = key
        keep_labels, keep_edges = self.neighbourhood(key)
        for name, item in self.labels.items():
            item.setOpacity(1.0 if key is None or name in keep_labels else DIMMED_OPACITY)
        for edge in self.edges:
            on = key is not None and edge in keep_edges
            edge.setOpacity(1.0 if key is None or on else DIMMED_OPACITY)
            edge.set_emphasis(on)

    def neighbourhood(self, key: NodeKey | None) -> tuple[set[str], list[EdgeItem]]:
        """The labels and arrows that stay lit when `key` is selected."""
        if key is None:
            return set(self.labels), list(self.edges)
        if key[0] == "label":
            name = key[1]
            edges = [e for e in self.edges if name in (e.start_name, e.end_name)]
            return {name} | {e.start_name for e in edges} | {e.end_name for e in edges}, edges
        edges = [e for e in self.edges if e.key == key]
        return {e.start_name for e in edges} | {e.end_name for e in edges}, edges

    # ------------------------------------------------------------------ saving
    def save_clicked(self, fmt: PictureFormat | None = None) -> None:
        """Save as PNG or SVG; None (File > Save Schema Picture As…): the name decides."""
        if self.tasks is not None:
            self.tasks.start("save-picture", self.save_interactive(fmt))

    async def save_interactive(self, fmt: PictureFormat | None) -> Path | None:
        """Ask where to save, then save. With fmt None the dialog offers both formats and
        the file's suffix chooses (.png or .svg); another suffix gets the chosen filter's."""
        filters = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}
        title = f"Save the schema picture as {fmt.upper()}" if fmt else "Save the schema picture"
        dialog = QFileDialog(self, title)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters([filters[fmt]] if fmt else list(filters.values()))
        dialog.setDefaultSuffix(fmt or "png")
        dialog.selectFile(f"{self.database or 'neo4j'} schema.{fmt or 'png'}")
        dialog.setObjectName("save-picture-dialog")
        if fmt is None:
            # A name typed without a suffix takes the format of the filter chosen.
            dialog.filterSelected.connect(
                lambda chosen: dialog.setDefaultSuffix("svg" if chosen == filters["svg"] else "png")
            )
        code = await run_dialog(dialog)
        files = dialog.selectedFiles()
        chosen_filter = dialog.selectedNameFilter()
        dialog.deleteLater()
        if code != QDialog.DialogCode.Accepted or not files:
            return None
        path = Path(files[0])
        if fmt is None:
            path, fmt = _format_for(path, "svg" if chosen_filter == filters["svg"] else "png")
        path = self.save_picture(path, fmt)
        top = self.window()
        if isinstance(top, QMainWindow):
            top.statusBar().showMessage(f"Saved the schema picture to {path}", 10_000)
        self.picture_saved.emit(str(path))
        return path

    def picture_rect(self) -> QRectF:
        return self.scene().itemsBoundingRect().adjusted(-20, -20, 20, 20)

    def save_picture(self, path: Path, fmt: PictureFormat) -> Path:
        """Write the whole picture (legend included) to path, atomically.

        Raises NeoSenseError: INVALID_INPUT when there is nothing to save, FILE_WRITE_FAILED
        when the file cannot be written (the old file, if any, is kept).
        """
        if not self.labels:
            raise NeoSenseError(
                ErrorCode.INVALID_INPUT,
                "There is no schema picture to save yet.",
                suggestions=["Run an extraction or open a report first."],
            )
        data = self.png_bytes() if fmt == "png" else self.svg_bytes()
        atomic_write_bytes(path, data)
        return path

    def _render(self, painter: QPainter, target: QRectF) -> None:
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        self.scene().render(painter, target, self.picture_rect())

    def png_bytes(self) -> bytes:
        rect = self.picture_rect()
        scale = min(PNG_SCALE, PNG_MAX_SIDE / max(rect.width(), rect.height(), 1.0))
        size = QSize(max(1, round(rect.width() * scale)), max(1, round(rect.height() * scale)))
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(self.palette().color(QPalette.ColorRole.Base))
        painter = QPainter(image)
        try:
            self._render(painter, QRectF(0, 0, size.width(), size.height()))
        finally:
            painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # PySide takes str
            raise NeoSenseError(ErrorCode.INTERNAL, "Qt could not encode the picture as PNG.")
        buffer.close()
        return bytes(data.data())

    def svg_bytes(self) -> bytes:
        rect = self.picture_rect()
        size = QSize(max(1, round(rect.width())), max(1, round(rect.height())))
        # Here, not at the top: QtSvg loads libQt6Svg, 20 ms of the window's cold start.
        from PySide6.QtSvg import QSvgGenerator

        generator = QSvgGenerator()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        generator.setOutputDevice(buffer)
        generator.setSize(size)
        generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
        generator.setTitle(f"Schema of {self.database or 'the database'}")
        # Qt writes a name in several <text> runs where its script changes (Cyrillic, Han...);
        # the description keeps every name whole, so the file can be searched for them.
        generator.setDescription(
            "Schema picture drawn by NeoSense Desktop. Labels: " + ", ".join(self.labels)
        )
        painter = QPainter(generator)
        try:
            painter.fillRect(
                QRectF(0, 0, size.width(), size.height()),
                self.palette().color(QPalette.ColorRole.Base),
            )
            self._render(painter, QRectF(0, 0, size.width(), size.height()))
        finally:
            painter.end()
        buffer.close()
        return bytes(buffer.data().data())


def _format_for(path: Path, filter_format: PictureFormat) -> tuple[Path, PictureFormat]:
    """The picture format a file name asks for; a name without .png or .svg gets the
    dialog's chosen format as a suffix, so the file's content never contradicts its name."""
    suffix = path.suffix.lower()
    if suffix == ".png":
        return path, "png"
    if suffix == ".svg":
        return path, "svg"
    return path.with_name(f"{path.name}.{filter_format}"), filter_format
