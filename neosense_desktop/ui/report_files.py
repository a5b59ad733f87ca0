"""Reports on disk: the saved runs (Recent runs list and menu), Open, Export, drops."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QMenu, QPushButton, QWidget

from ..core.errors import ErrorCode, NeoSenseError
from .baseline_verdicts import BASELINE_TEXT
from .dialogs import ask_export_path, ask_open_path, ask_save_path
from .plain_text import plain_tooltip
from .services import Tab

if TYPE_CHECKING:
    from ..core.profiles import Profile
    from ..core.report import Report
    from ..core.runs import RunOrigin, RunSummary
    from .results_pane import ResultsPane
    from .services import ShowTab, WindowServices
    from .tasks import TaskRegistry

log = logging.getLogger(__name__)

REPORT_FILTER = "NeoSense reports (*.json);;All files (*)"
# Export As: the file type filter chooses the format (core.formats).
EXPORT_FILTERS = {
    "json": "NeoSense report, JSON (*.json)",
    "html": "Web page, HTML (*.html)",
    "markdown": "Markdown for wikis (*.md)",
    "llm": "Schema for LLM prompts (*.txt)",
    "cypher": "Cypher script of indexes and constraints (*.cypher)",
}
RECENT_SHOWN = 30


def default_report_name(profile_name: str, database: str, when: datetime) -> str:
    """profile-database-YYYYmmdd-HHMMSS.json, safe on every file system."""

    def clean(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "neo4j"

    return f"{clean(profile_name)}-{clean(database or 'default')}-{when:%Y%m%d-%H%M%S}.json"


def recent_text(entry: RunSummary, profiles: list[Profile], verdict: str) -> str:
    """A Recent runs item: where and when, then its figures and its word against the
    baseline, on lines of their own (the column is narrow)."""
    from ..core.terminal_text import printable
    from .run_entries import connection_name, nodes_text, score_text

    lines = [
        f"{printable(connection_name(entry, profiles))} · {entry.started_at:%Y-%m-%d %H:%M:%S}",
        f"{nodes_text(entry.node_count)} · {score_text(entry.score)}",
    ]
    if verdict:
        lines.append(verdict)
    return "\n".join(lines)


class ReportFiles(QObject):
    """Signals:
    saved_runs_changed(): `saved_runs` was re-read.
    compare_with_baseline(str): compare the saved run of this id with its baseline.

    Attributes:
        saved_runs: the saved runs, newest first.
        report_name: the name the shown report is exported under (its profile, or file).
    """

    saved_runs_changed = Signal()
    compare_with_baseline = Signal(str)

    def __init__(
        self,
        services: WindowServices,
        tasks: TaskRegistry,
        results: ResultsPane,
        show_tab: ShowTab,
        show_message: Callable[[str], None],
        parent: QWidget,
        *,
        profiles: Callable[[], list[Profile]] = list,
        verdict_text: Callable[[str], str] = lambda _run_id: "",
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = tasks
        self.results = results
        self._show_tab = show_tab
        self._show_message = show_message
        self._parent = parent
        self._profiles = profiles
        self._verdict_text = verdict_text
        self.saved_runs: list[RunSummary] = []
        self.report_name = ""
        self.recent_list = QListWidget(parent)
        self.recent_list.setObjectName("recent-runs")
        self.recent_list.setAccessibleName("Recent runs")
        self.recent_list.setAlternatingRowColors(True)  # an item is two or three lines
        self.recent_list.setWordWrap(True)  # a long connection name or verdict is not cut
        self.recent_list.itemActivated.connect(self._recent_activated)
        self.recent_list.currentRowChanged.connect(lambda _r: self._update_compare_button())
        self.recent_menu = QMenu("Recent &runs", parent)
        self.recent_compare = QPushButton("Co&mpare with baseline", parent)
        self.recent_compare.setObjectName("recent-compare-baseline")
        self.recent_compare.clicked.connect(self._compare_clicked)
        self._update_compare_button()

    # ------------------------------------------------------------------ saved runs
    async def save_run(self, report: Report, origin: RunOrigin | None = None) -> None:
        """Save a finished run, with the connection it ran on. Raises NeoSenseError."""
        store = self.services.runs
        if store is None:
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, store.save, report, origin)
        await self.refresh_recent_runs()

    async def refresh_recent_runs(self) -> None:
        store = self.services.runs
        if store is None:
            return
        loop = asyncio.get_running_loop()
        self.saved_runs = list(await loop.run_in_executor(None, store.list_runs))
        self.redraw_recent()
        self.saved_runs_changed.emit()

    def summary(self, run_id: str) -> RunSummary | None:
        return next((s for s in self.saved_runs if s.id == run_id), None)

    def redraw_recent(self) -> None:
        """Recent runs (list and menu) from `saved_runs`, with their verdicts as they are
        now; the selected run stays selected."""
        current = self.recent_list.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.recent_list.clear()
        self.recent_menu.clear()
        profiles = self._profiles()
        for entry in self.saved_runs[:RECENT_SHOWN]:
            text = recent_text(entry, profiles, self._verdict_text(entry.id))
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            self.recent_list.addItem(item)
            if entry.id == keep:
                self.recent_list.setCurrentItem(item)
            one_line = " · ".join(text.split("\n"))
            action = self.recent_menu.addAction(one_line.replace("&", "&&"))
            # An action's tooltip is its text, which Qt may take for rich text: escaped.
            action.setToolTip(plain_tooltip(one_line))
            action.triggered.connect(
                lambda _c=False, rid=entry.id: self.tasks.start("open", self.open_run(rid))
            )
        self._update_compare_button()

    def selected_run_id(self) -> str | None:
        item = self.recent_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _update_compare_button(self) -> None:
        run_id = self.selected_run_id()
        verdict = self._verdict_text(run_id) if run_id else ""
        self.recent_compare.setEnabled(bool(verdict) and verdict != BASELINE_TEXT)

    def _compare_clicked(self) -> None:
        run_id = self.selected_run_id()
        if run_id:
            self.compare_with_baseline.emit(run_id)

    def _recent_activated(self, item: QListWidgetItem) -> None:
        self.tasks.start("open", self.open_run(str(item.data(Qt.ItemDataRole.UserRole))))

    async def load_run(self, run_id: str) -> Report:
        store = self.services.runs
        if store is None:
            raise NeoSenseError(ErrorCode.FILE_READ_FAILED, "Runs are not saved in this window.")
        loop = asyncio.get_running_loop()
        report: Report = await loop.run_in_executor(None, store.load, run_id)
        return report

    async def open_run(self, run_id: str) -> Report:
        report = await self.load_run(run_id)
        self.report_name = ""
        await self.results.show_report(report, f"saved run {run_id}")
        return report

    # ------------------------------------------------------------------ open, export
    def export_clicked(self) -> None:
        self.tasks.start("export", self.export_interactive())

    def open_clicked(self) -> None:
        self.tasks.start("open", self.open_interactive())

    def open_dropped(self, path: Path) -> None:
        self.tasks.start("open", self.open_report(path))

    def _folder(self) -> str:
        return str(self.services.settings.value("export/folder", str(Path.home())))

    def default_export_name(self) -> str:
        report = self.results.report
        database = report.server.database if report else ""
        when = report.run.started_at if report else datetime.now()
        return default_report_name(self.report_name or "neo4j", database, when)

    async def export_interactive(self) -> Path | None:
        if self.results.report is None:
            return None
        path = await ask_save_path(
            self._parent,
            "Export report",
            str(Path(self._folder()) / self.default_export_name()),
            REPORT_FILTER,
        )
        if not path:
            return None
        return await self.export_report(Path(path))

    def export_as_clicked(self) -> None:
        self.tasks.start("export", self.export_as_interactive())

    async def export_as_interactive(self) -> Path | None:
        if self.results.report is None:
            return None
        last = str(self.services.settings.value("export/format", "html"))
        fmt = last if last in EXPORT_FILTERS else "html"
        from ..core.formats import SUFFIXES

        name = Path(self.default_export_name()).stem + SUFFIXES[fmt]
        answer = await ask_export_path(
            self._parent,
            "Export report as",
            str(Path(self._folder()) / name),
            EXPORT_FILTERS,
            fmt,
        )
        if answer is None:
            return None
        path, fmt = answer
        return await self.export_report_as(Path(path), fmt)

    async def export_report_as(self, path: Path, fmt: str) -> Path:
        """Write the report shown in a format of core.formats (atomically)."""
        report = self.results.report
        if report is None:
            raise NeoSenseError(ErrorCode.INVALID_INPUT, "There is no report to export yet.")
        from ..core.formats import save_as

        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, save_as, report, path, fmt)
        self.services.settings.setValue("export/folder", str(path.parent))
        self.services.settings.setValue("export/format", fmt)
        self._show_message(f"Exported as {fmt} to {path}")
        log.info("report exported as %s to %s", fmt, path)
        return path

    async def export_report(self, path: Path) -> Path:
        report = self.results.report
        if report is None:
            raise NeoSenseError(ErrorCode.INVALID_INPUT, "There is no report to export yet.")
        from ..core.export import save_report

        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, save_report, report, path)
        self.services.settings.setValue("export/folder", str(path.parent))
        self._show_message(f"Exported to {path}")
        log.info("report exported to %s", path)
        return path

    async def open_interactive(self) -> Report | None:
        path = await ask_open_path(self._parent, "Open report", REPORT_FILTER, self._folder())
        if not path:
            return None
        return await self.open_report(Path(path))

    async def open_report(self, path: Path) -> Report:
        """Load a saved report and show it offline."""
        from ..core.export import load_report

        loop = asyncio.get_running_loop()
        report: Report = await loop.run_in_executor(None, load_report, path)
        self.report_name = path.stem
        self.services.settings.setValue("export/folder", str(path.parent))
        await self.results.show_report(report, str(path))
        self._show_tab(Tab.RESULTS)
        log.info("opened report %s", path)
        return report
