"""The Schema tab: the picture (schema_view.SchemaView) with a bar above it (a label filter
and the Save picture button, which so never covers the legend when zoomed) and, beside it,
the properties of the label or arrow clicked, as the Results details pane shows them.

Discs can be dragged; where each label was put is kept per report (its run id), so the
picture reopens as the person arranged it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from ..core.schema_layout import LaidOutNode

if TYPE_CHECKING:
    from ..core.report import Report
    from .report_nodes import NodeKey
    from .schema_view import SchemaView

POSITIONS_KEY = "schema/positions"
POSITIONS_KEPT = 50  # reports whose arrangement is remembered, the most recent


class SchemaPositions:
    """Where the person dragged each label, per report run id (QSettings, JSON)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or QSettings()

    def _all(self) -> dict[str, dict[str, list[float]]]:
        raw = self.settings.value(POSITIONS_KEY)
        try:
            data = json.loads(str(raw)) if raw else {}
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def load(self, run_id: str) -> dict[str, tuple[float, float]]:
        entry = self._all().get(run_id, {})
        out: dict[str, tuple[float, float]] = {}
        if isinstance(entry, dict):
            for name, xy in entry.items():
                if isinstance(xy, list) and len(xy) == 2:
                    try:
                        out[str(name)] = (float(xy[0]), float(xy[1]))
                    except (TypeError, ValueError):
                        continue
        return out

    def save(self, run_id: str, positions: dict[str, tuple[float, float]]) -> None:
        data = self._all()
        data.pop(run_id, None)
        data[run_id] = {name: [x, y] for name, (x, y) in positions.items()}
        for old in list(data)[:-POSITIONS_KEPT]:
            del data[old]
        self.settings.setValue(POSITIONS_KEY, json.dumps(data))


def with_positions(
    layout: dict[str, LaidOutNode], saved: dict[str, tuple[float, float]]
) -> dict[str, LaidOutNode]:
    """The computed layout with the saved places of the labels that still exist."""
    return {
        name: LaidOutNode(name, *saved[name], node.radius) if name in saved else node
        for name, node in layout.items()
    }


class SchemaPane(QWidget):
    def __init__(
        self,
        view: SchemaView,
        details_for: Callable[[NodeKey], str | None],
        parent: QWidget | None = None,
        positions: SchemaPositions | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("schema-pane")
        self.view = view
        self.details_for = details_for
        self.positions = positions or SchemaPositions()
        self.run_id: str | None = None
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("schema-filter")
        self.filter_edit.setPlaceholderText("Filter labels in the picture…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter labels")
        self.filter_edit.textChanged.connect(self.view.set_label_filter)
        self.details = QTextBrowser(self)
        self.details.setObjectName("schema-details")
        self.details.setOpenLinks(False)
        self.details.setPlainText("Click a label or an arrow to see its properties here.")
        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(view.save_button)  # out of the picture: never over the legend
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("schema-splitter")
        self.splitter.addWidget(view)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        # The picture first: the details take about a third (Qt scales these to the
        # width it gets; a width the person dragged is restored over it).
        self.splitter.setSizes([650, 350])
        self.details.setMinimumWidth(160)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(300)  # a drag moves a disc many times; save once
        self._save_timer.timeout.connect(self._save_positions)
        view.positions_changed.connect(self._save_timer.start)
        view.item_activated.connect(self.show_details)

    def arranged(self, report: Report, layout: dict[str, LaidOutNode]) -> dict[str, LaidOutNode]:
        """The layout to draw for a report: as the person last arranged it, if they did."""
        self.run_id = report.run.id
        self.details.setPlainText("Click a label or an arrow to see its properties here.")
        return with_positions(layout, self.positions.load(report.run.id))

    def show_details(self, key: object) -> None:
        html = self.details_for(key) if isinstance(key, tuple) else None
        if html is not None:
            self.details.setHtml(html)  # details_html escapes every name and value

    def _save_positions(self) -> None:
        if self.run_id is not None and self.view.labels:
            self.positions.save(self.run_id, self.view.positions())
