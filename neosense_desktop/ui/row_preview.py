"""Preview rows: Run > Preview rows (Ctrl+R) on a label or relationship type selected in
Results runs one read-only `LIMIT 25` query on its connection and shows the rows in a
table, under the values policy of the Run options (core/preview.py).

It previews only from the connection the shown report came from: rows from another server
under a report's label would be a wrong answer, so it says so instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from .plain_text import plain_label

if TYPE_CHECKING:
    from ..core.preview import Kind, PreviewTable
    from ..core.report import ValuesPolicy
    from .profiles_pane import ProfilesPane
    from .results_pane import ResultsPane
    from .services import WindowServices
    from .tasks import TaskRegistry

Index = QModelIndex | QPersistentModelIndex


class PreviewModel(QAbstractTableModel):
    def __init__(self, table: PreviewTable, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.table = table

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's API)
        return 0 if parent.isValid() else len(self.table.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.table.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.table.columns[section]
        return str(section + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.table.rows[index.row()][index.column()]


class PreviewDialog(QDialog):
    def __init__(self, parent: QWidget | None, table: PreviewTable) -> None:
        super().__init__(parent)
        self.setObjectName("preview-dialog")
        self.setWindowTitle(f"Preview rows of {table.subject}")
        self.caption = plain_label(table.caption, self)
        self.caption.setWordWrap(True)
        self.model = PreviewModel(table, self)
        self.view = QTableView(self)
        self.view.setObjectName("preview-table")
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        self.view.resizeColumnsToContents()
        for col in range(self.model.columnCount()):  # a long text cell stays readable
            self.view.setColumnWidth(col, min(self.view.columnWidth(col), 320))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(900, 520)


class RowPreviewer(QObject):
    """Run > Preview rows, from the Results tree's selection."""

    def __init__(
        self,
        services: WindowServices,
        tasks: TaskRegistry,
        profiles: ProfilesPane,
        results: ResultsPane,
        values_policy: Callable[[], ValuesPolicy],
        show_message: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = tasks
        self.profiles = profiles
        self.results = results
        self.values_policy = values_policy
        self.show_message = show_message
        self.dialog: PreviewDialog | None = None

    def target(self) -> tuple[Kind, str] | None:
        """The label or type selected in Results, if one is."""
        key = self.results.current_key()
        if key is not None and len(key) == 2 and key[0] in ("label", "type"):
            return ("label" if key[0] == "label" else "type"), key[1]
        return None

    def preview_clicked(self) -> None:
        self.tasks.start("preview", self.preview())

    async def preview(self) -> PreviewTable | None:
        target, report = self.target(), self.results.report
        profile = self.profiles.current_profile()
        if target is None or report is None:
            self.show_message("Select a label or relationship type in Results to preview it.")
            return None
        if profile is None or profile.connection.address != report.server.address:
            self.show_message(
                f"The report shown is from {report.server.address}: select its connection "
                "to preview rows."
            )
            return None
        password = await self.profiles.password_for(profile)
        if password is None:
            self.show_message("Not previewed: no password was entered.")
            return None
        from ..core.preview import preview_rows

        kind, name = target
        async with self.services.clients.lease(profile.connection, password) as client:
            table = await preview_rows(
                client,
                kind,
                name,
                self.values_policy(),
                server_version=report.server.version,
                database=report.server.database,
            )
        if self.dialog is not None:
            self.dialog.close()
        parent = self.parent()
        self.dialog = PreviewDialog(parent if isinstance(parent, QWidget) else None, table)
        self.dialog.open()
        return table
