"""The Overview as a dashboard a data steward reads in ten seconds: the score with its top
findings, label and relationship type sizes, a completeness heat map (label x property fill
rate), the degree distribution and the indexes never read. Every part leads to its place in
Results: `open_key` carries the tree key of what was clicked.

Everything is painted or listed from the report alone (no query), with names as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from .charts import MAX_BARS, BarChart, degree_items, label_size_items
from .icons import KIND_COLORS
from .plain_text import set_plain_tooltip
from .score_explained import SCORE_KEY, deduction_points
from .wording import finding_title

if TYPE_CHECKING:
    from ..core.report import Finding, Report
    from .report_nodes import NodeKey

TOP_FINDINGS = 5
HEAT_ROWS = 12  # the largest labels
HEAT_COLUMNS = 16  # the property names most labels share
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
MIN_CELL_H = 20.0


def finding_key(f: Finding) -> NodeKey:
    return ("finding", f.code, f.subject)


def top_findings(report: Report, limit: int = TOP_FINDINGS) -> list[tuple[Finding, float]]:
    """The findings that cost the score most (points each), then by severity: what to fix
    first. Points are the finding's share of the score's loss, from the report's own
    deductions, as the score's explanation gives them (score_explained.deduction_points);
    a finding without one (an older report) counts 0 and sorts by severity."""
    points_of: dict[tuple[str, str], float] = {}
    for _i, d, points in deduction_points(report.quality):
        key = (d.code, d.subject)
        points_of[key] = points_of.get(key, 0.0) + points
    scored = [(f, points_of.get((f.code, f.subject), 0.0)) for f in report.quality.findings]
    scored.sort(key=lambda fp: (-fp[1], SEVERITY_ORDER.get(fp[0].severity.value, 3)))
    return scored[:limit]


def never_read_indexes(report: Report) -> list[str]:
    """Indexes the server says were never read since it started: the index_never_read
    finding's rule (read count 0; a constraint's own index and lookup indexes aside, as
    they serve writes). An unknown read count (None) is not "never read"."""
    return sorted(
        ix.name
        for ix in report.indexes
        if ix.read_count == 0 and ix.owning_constraint is None and ix.type != "LOOKUP"
    )


def relationship_type_items(report: Report | None) -> list[tuple[str, float]]:
    if report is None:
        return []
    types = sorted(report.relationship_types, key=lambda t: (-t.count, t.name))
    return [(t.name, float(t.count)) for t in types[:MAX_BARS]]


@dataclass(frozen=True)
class HeatCell:
    label: str
    prop: str
    fill_rate: float | None  # None: no node of the label holds it (seen)


def heat_map(report: Report | None) -> tuple[list[str], list[str], list[list[HeatCell]]]:
    """(labels, property names, cells[label][property]) for the largest labels and the
    property names most of them share."""
    if report is None or not report.labels:
        return [], [], []
    labels = sorted(report.labels, key=lambda lb: (-lb.count, lb.name))[:HEAT_ROWS]
    holders: dict[str, int] = {}
    for lb in labels:
        for p in lb.properties:
            holders[p.name] = holders.get(p.name, 0) + 1
    names = sorted(holders, key=lambda n: (-holders[n], n))[:HEAT_COLUMNS]
    cells = []
    for lb in labels:
        rates = {p.name: p.fill_rate for p in lb.properties}
        cells.append([HeatCell(lb.name, n, rates.get(n)) for n in names])
    return [lb.name for lb in labels], names, cells


def _plain_tip(text: str) -> str:
    """A tooltip that stays text: Qt guesses rich text in tooltips, and names are data."""
    from html import escape

    return "<p style='white-space:pre'>" + escape(text) + "</p>"


class ClickableBarChart(BarChart):
    """A bar chart whose rows can be clicked (a label or type name leads to Results)."""

    row_clicked = Signal(str)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        fm = QFontMetricsF(self.font())
        top = fm.height() + 12
        if self.items:
            row_h = min(24.0, (self.height() - top - 4) / len(self.items))
            row = int((event.position().y() - top) // row_h) if row_h > 0 else -1
            if 0 <= row < len(self.items):
                self.row_clicked.emit(self.items[row][0])
                return
        super().mousePressEvent(event)


class HeatMap(QWidget):
    """Label x property fill rates as coloured cells; a click leads to that property."""

    cell_clicked = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels: list[str] = []
        self.names: list[str] = []
        self.cells: list[list[HeatCell]] = []
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(140)
        self.setAccessibleName("Completeness: share of each label's nodes holding a property")

    def show_report(self, report: Report | None) -> None:
        self.labels, self.names, self.cells = heat_map(report)
        fm = QFontMetricsF(self.font())
        # Every label's row readable: never squeezed below a line of text.
        self.setMinimumHeight(int(fm.height() * 5.2 + max(3, len(self.labels)) * MIN_CELL_H + 8))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(560, 90 + 22 * max(3, len(self.labels)))

    def _geometry(self) -> tuple[float, float, float, float]:
        """(left, top, cell width, cell height)."""
        fm = QFontMetricsF(self.font())
        left = min(
            self.width() * 0.3,
            max((fm.horizontalAdvance(n) for n in self.labels), default=0.0) + 12,
        )
        top = fm.height() * 5.2  # room for the slanted property names
        cols = max(1, len(self.names))
        # The slanted names lean right: the last one needs room past its column.
        cell_w = max(8.0, (self.width() - left - 8 - top * 0.9) / cols)
        rows = max(1, len(self.labels))
        cell_h = max(MIN_CELL_H, min(24.0, (self.height() - top - 4) / rows))
        return left, top, cell_w, cell_h

    def cell_at(self, x: float, y: float) -> HeatCell | None:
        left, top, cell_w, cell_h = self._geometry()
        col, row = int((x - left) // cell_w), int((y - top) // cell_h)
        if x < left or y < top or not (0 <= row < len(self.cells)):
            return None
        if not 0 <= col < len(self.names):
            return None
        return self.cells[row][col]

    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position().x(), event.position().y())
        if cell is not None and cell.fill_rate is not None:
            self.cell_clicked.emit(cell.label, cell.prop)
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position().x(), event.position().y())
        if cell is None:
            QToolTip.hideText()
            return
        filled = "no node holds it" if cell.fill_rate is None else f"{cell.fill_rate:.0%} filled"
        tip = f"(:{cell.label}).{cell.prop}: {filled}"
        QToolTip.showText(event.globalPosition().toPoint(), _plain_tip(tip), self)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        fm = QFontMetricsF(self.font())
        if not self.cells:
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, "No properties")
            p.end()
            return
        left, top, cell_w, cell_h = self._geometry()
        p.setPen(text)
        for row, name in enumerate(self.labels):
            elided = fm.elidedText(name, Qt.TextElideMode.ElideRight, left - 10)
            p.drawText(
                QRectF(0, top + row * cell_h, left - 6, cell_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                elided,
            )
        for col, name in enumerate(self.names):
            p.save()
            p.translate(QPointF(left + (col + 0.5) * cell_w, top - 4))
            p.rotate(-40)
            p.drawText(QPointF(0, 0), fm.elidedText(name, Qt.TextElideMode.ElideRight, top * 1.2))
            p.restore()
        base = QColor(KIND_COLORS["property"])
        empty = pal.color(QPalette.ColorRole.AlternateBase)
        for row, cells in enumerate(self.cells):
            for col, cell in enumerate(cells):
                rect = QRectF(
                    left + col * cell_w + 1, top + row * cell_h + 1, cell_w - 2, cell_h - 2
                )
                if cell.fill_rate is None:
                    p.fillRect(rect, empty)
                    continue
                color = QColor(base)
                color.setAlphaF(0.15 + 0.85 * cell.fill_rate)
                p.fillRect(rect, color)
        p.end()


class DashboardList(QTableView):
    """A short clickable list (top findings, indexes never read) over a QStandardItemModel."""

    key_activated = Signal(tuple)

    def __init__(self, headers: list[str], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.list_model = QStandardItemModel(0, len(headers), self)
        self.list_model.setHorizontalHeaderLabels(headers)
        self.setModel(self.list_model)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.horizontalHeader()
        # The first column (the names) takes the room left; the others fit their content.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        rows = TOP_FINDINGS
        self.setMinimumHeight(
            header.sizeHint().height() + rows * self.verticalHeader().defaultSectionSize() + 4
        )
        self.clicked.connect(self._clicked)
        self.activated.connect(self._clicked)

    def set_rows(self, rows: list[tuple[list[str], NodeKey]], empty: str) -> None:
        self.list_model.removeRows(0, self.list_model.rowCount())
        if not rows:
            item = QStandardItem(empty)
            item.setEnabled(False)
            self.list_model.appendRow([item])
            return
        for texts, key in rows:
            items = [QStandardItem(t) for t in texts]
            items[0].setData(key, KEY_ROLE)
            items[0].setToolTip(_plain_tip(texts[0]))  # the whole name, when elided
            self.list_model.appendRow(items)

    def _clicked(self, index: QModelIndex) -> None:
        key = self.list_model.index(index.row(), 0).data(KEY_ROLE)
        if key:
            self.key_activated.emit(tuple(key))


class ScoreLabel(QLabel):
    """The score, plain text; a click (or Enter once focused) opens its explanation."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        set_plain_tooltip(
            self, "How is the score computed? Click to see what each finding took off."
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


class OverviewDashboard(QWidget):
    """Signals:
    open_key(tuple): a part was clicked; the Results tree should show this key.
    """

    open_key = Signal(tuple)

    def __init__(self, facts: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.score_label = ScoreLabel(self)
        self.score_label.setObjectName("dashboard-score")
        font = self.score_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.score_label.setFont(font)
        self.findings = DashboardList(["Finding", "Severity", "Points off"], "top-findings", self)
        self.label_sizes = ClickableBarChart("Label sizes (nodes)", KIND_COLORS["label"], self)
        self.type_sizes = ClickableBarChart(
            "Relationship types (relationships)", KIND_COLORS["relationship_type"], self
        )
        self.degrees = BarChart(
            "Degree distribution (relationships per node)", KIND_COLORS["relationship_type"], self
        )
        self.heat = HeatMap(self)
        self.unread = DashboardList(["Index never read"], "indexes-never-read", self)

        quality = QGroupBox("Quality", self)
        q_layout = QVBoxLayout(quality)
        q_layout.addWidget(self.score_label)
        q_layout.addWidget(self.findings, 1)
        completeness = QGroupBox(
            "Completeness: the share of each label's nodes that hold a property "
            "(darker is fuller, grey is none; click a cell for the property)",
            self,
        )
        QVBoxLayout(completeness).addWidget(self.heat)
        indexes = QGroupBox("Indexes", self)
        QVBoxLayout(indexes).addWidget(self.unread)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(facts, 0, 0)
        grid.addWidget(quality, 0, 1)
        grid.addWidget(self.label_sizes, 1, 0)
        grid.addWidget(self.type_sizes, 1, 1)
        grid.addWidget(completeness, 2, 0, 1, 2)
        grid.addWidget(self.degrees, 3, 0)
        grid.addWidget(indexes, 3, 1)
        for col in (0, 1):
            grid.setColumnStretch(col, 1)
        for row, stretch in ((1, 2), (2, 3), (3, 2)):
            grid.setRowStretch(row, stretch)

        self.findings.key_activated.connect(self.open_key)
        self.score_label.clicked.connect(lambda: self.open_key.emit(SCORE_KEY))
        self.unread.key_activated.connect(self.open_key)
        self.label_sizes.row_clicked.connect(lambda name: self.open_key.emit(("label", name)))
        self.type_sizes.row_clicked.connect(lambda name: self.open_key.emit(("type", name)))
        self.heat.cell_clicked.connect(
            lambda label, prop: self.open_key.emit(("label", label, "property", prop))
        )

    def show_report(self, report: Report | None) -> None:
        self.label_sizes.set_items(label_size_items(report), "No labels")
        hidden = max(0, len(report.labels) - MAX_BARS) if report is not None else 0
        self.label_sizes.title = "Label sizes (nodes)" + (
            f", largest {MAX_BARS} of {MAX_BARS + hidden:,}" if hidden else ""
        )
        self.type_sizes.set_items(relationship_type_items(report), "No relationship types")
        self.degrees.set_items(degree_items(report), "No degree statistics")
        self.heat.show_report(report)
        if report is None:
            self.score_label.setText("")
            self.findings.set_rows([], "No report yet")
            self.unread.set_rows([], "No report yet")
            return
        score = report.quality.score
        count = len(report.quality.findings)
        self.score_label.setText(
            (f"Score {score:.0f} / 100" if score is not None else "No score")
            + f" · {count:,} finding{'s' if count != 1 else ''}"
        )
        self.findings.set_rows(
            [
                (
                    [f"{finding_title(f.code)}: {f.subject}", f.severity.value, f"{points:.1f}"],
                    finding_key(f),
                )
                for f, points in top_findings(report)
            ],
            "No findings",
        )
        unread = never_read_indexes(report)
        self.unread.set_rows(
            [([name], ("index", name)) for name in unread],
            "Every index was read" if report.indexes else "No indexes",
        )
