"""MainWindow: the shell around the panes. It owns the menus and shortcuts, the tabs, the
status bar, the saved window state and closing; each pane owns one job:

- ProfilesPane (profiles_pane.py): connections, Test connection, passwords;
- RunController (run_controller.py): run options, Run/Cancel, the Run tab, retries;
- ResultsPane (results_pane.py): the Overview, Results and Schema tabs for one report;
- ReportFiles (report_files.py): Recent runs, Open, Export, drag-and-drop;
- ComparePane (compare_pane.py): the Compare tab;
- HistoryPane (history_pane.py): the History tab, a connection's runs over time;
- BaselineVerdicts (baseline_verdicts.py): each connection's baseline, each run's verdict.

Slots are one line: they hand a coroutine to the TaskRegistry (`self.tasks`), whose
`changed` signal recomputes every action's state (update_actions), whatever ended a task.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from ..core.errors import NeoSenseError
from .baseline_verdicts import BaselineVerdicts
from .compare_pane import ComparePane
from .connection_status import ConnectionStatus
from .dialogs import error_box
from .history_pane import HistoryPane
from .icons import action_icon, app_icon, clear_cache
from .last_session import LastSession
from .log_panel import LogPanel
from .profiles_pane import ProfilesPane
from .query_preparer import QueryPreparer
from .report_files import ReportFiles
from .results_pane import ResultsPane
from .row_preview import RowPreviewer
from .run_controller import RunController
from .services import Tab
from .tasks import TaskRegistry
from .welcome import WelcomePane

if TYPE_CHECKING:
    from ..core.runs import RunSummary
    from .services import WindowServices

log = logging.getLogger(__name__)

Shortcut = QKeySequence | QKeySequence.StandardKey | str
# An action of the window: (attribute, text, slot, shortcut, icon name).
ActionRow = tuple[str, str, Callable[[], object], Shortcut | None, str | None]
# Long enough for the first paint to reach the screen (ui/preload.py waits as long).
KEYRING_CHECK_DELAY_S = 0.1


class MainWindow(QMainWindow):
    """Signals:
    closed(): the window finished closing (tasks cancelled, drivers closed).
    """

    closed = Signal()

    # Made by _build_actions, one per row of _action_rows().
    act_new: QAction
    act_open: QAction
    act_save: QAction
    act_quit: QAction
    act_copy: QAction
    act_copy_details: QAction
    act_copy_llm: QAction
    act_export_as: QAction
    act_save_picture: QAction
    act_reopen: QAction
    act_prepare: QAction
    act_log: QAction
    act_find: QAction
    act_edit: QAction
    act_duplicate: QAction
    act_delete: QAction
    act_test: QAction
    act_plan: QAction
    act_run: QAction
    act_cancel: QAction
    act_preview: QAction
    act_baseline: QAction
    act_fit: QAction
    act_about: QAction
    act_shortcuts: QAction
    act_guide: QAction
    act_diagnostics: QAction

    def __init__(self, services: WindowServices) -> None:
        super().__init__()
        self.setObjectName("main-window")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.services = services
        self.tasks = TaskRegistry(on_error=self.report_error)
        self.error_dialogs: list[QMessageBox] = []
        self._closing = False
        self._closed_done = False
        self._shutdown_task: asyncio.Task[None] | None = None

        # A temporary message ("Exported as …") no longer holds once the state it was
        # shown in changed: a run started or ended, another profile was selected.
        self.connection_status = ConnectionStatus(self.statusBar().clearMessage, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs")
        self.log_panel = LogPanel(self)
        self.log_panel.setObjectName("log-panel")

        self.profiles = ProfilesPane(
            services,
            self.tasks,
            show_error=self.show_error,
            set_connection_state=self.connection_status.set_state,
            show_message=self.show_message,
            parent=self,
        )
        self.results = ResultsPane(self.tasks, self.show_tab, self)
        self.verdicts = BaselineVerdicts(
            services.baselines, services.runs, self, shown=self.results.shown_report
        )
        self.files = ReportFiles(
            services,
            self.tasks,
            self.results,
            self.show_tab,
            self.show_message,
            self,
            profiles=lambda: self.profiles.profiles,
            verdict_text=self.verdicts.text,
        )
        self.runs = RunController(
            services,
            self.tasks,
            self.profiles,
            self.results,
            self.files,
            show_tab=self.show_tab,
            set_connection_state=self.connection_status.set_state,
            show_error=self.show_error,
            parent=self,
        )
        self.compare = ComparePane(
            self.tasks,
            self.results,
            self.files,
            self.show_tab,
            lambda: self.profiles.profiles,
            self,
            baseline_of=self.baseline_run_of,
        )
        self.preparer = QueryPreparer(
            services,
            self.tasks,
            self.profiles,
            self.runs.run_options,
            self.connection_status.set_state,
            self,
        )
        self.runs.options_changed.connect(self.preparer.schedule)
        self.previewer = RowPreviewer(
            services,
            self.tasks,
            self.profiles,
            self.results,
            self.runs.values_policy,
            self.show_message,
            self,
        )
        self.history = HistoryPane(self.verdicts, lambda: self.files.saved_runs, self)
        self._connect_baselines()
        self.last_session = LastSession(
            services.settings, self.profiles, self.results, self.files, self.show_message, self
        )

        self._build_tabs()
        self._build_layout()
        self._build_actions()
        self.statusBar().addWidget(self.connection_status, 1)
        self.statusBar().addPermanentWidget(self.results.report_status)
        self.resize(1280, 820)
        self.restore_state()
        self.log_panel.error_logged.connect(self._error_logged)
        self.tasks.changed.connect(lambda _name: self.update_actions())
        self.profiles.selection_changed.connect(self.update_actions)
        self.profiles.selection_changed.connect(self._show_profile_state)
        self.results.history_changed.connect(self.update_actions)
        self.results.partial_changed.connect(self.update_actions)
        self.results.schema_view.savable_changed.connect(lambda _savable: self.update_actions())
        self.update_actions()

    # ================================================================ construction
    def _build_tabs(self) -> None:
        # The Overview tab: a welcome until there is a report to show.
        self.welcome = WelcomePane(self.tabs)
        self.welcome.new_connection.connect(lambda: self.act_new.trigger())
        self.welcome.open_report.connect(lambda: self.act_open.trigger())
        self.overview_stack = QStackedWidget(self.tabs)
        self.overview_stack.addWidget(self.welcome)
        self.overview_stack.addWidget(self.results.overview)
        self.tabs.addTab(self.overview_stack, "&Overview")
        self.tabs.addTab(self.results.results, "Re&sults")
        self.tabs.addTab(self.results.schema_pane, "Sc&hema")
        # Scrolls rather than squeezing activity rows and their error messages.
        run_scroll = QScrollArea(self.tabs)
        run_scroll.setWidgetResizable(True)
        run_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        run_scroll.setWidget(self.runs.panel)
        self.tabs.addTab(run_scroll, "Ru&n")
        self.tabs.addTab(self.compare, "Com&pare")
        self.tabs.addTab(self.history, "Histor&y")

    def _build_layout(self) -> None:
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.addWidget(self.profiles, 2)
        column.addWidget(self.runs.controls)
        recent_title = QLabel("Recent r&uns", left)
        recent_title.setBuddy(self.files.recent_list)
        column.addWidget(recent_title)
        column.addWidget(self.files.recent_list, 2)  # runs are two or three lines each
        column.addWidget(self.files.recent_compare)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 900])
        self.vertical = QSplitter(Qt.Orientation.Vertical, self)
        self.vertical.setObjectName("vertical-splitter")
        self.vertical.addWidget(self.splitter)
        self.vertical.addWidget(self.log_panel)
        self.vertical.setStretchFactor(0, 1)
        self.vertical.setSizes([600, 160])
        self.setCentralWidget(self.vertical)

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: Shortcut | None = None,
        icon: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(action_icon(icon))
            action.setProperty("icon_name", icon)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _action_rows(self) -> tuple[ActionRow, ...]:
        """(attribute, text, slot, shortcut, icon) of every action, in the window's order:
        the order Help > Keyboard shortcuts lists them in."""
        sk = QKeySequence.StandardKey
        p, r, f, res = self.profiles, self.runs, self.files, self.results
        return (
            ("act_new", "&New connection…", p.new_profile_clicked, sk.New, None),
            ("act_open", "&Open report…", f.open_clicked, sk.Open, "open"),
            ("act_save", "&Export report…", f.export_clicked, sk.Save, "save"),
            ("act_quit", "&Quit", self.close, "Ctrl+Q", None),
            ("act_copy", "&Copy", lambda: res.copy_selection(self.focusWidget()), sk.Copy, None),
            ("act_copy_details", "Copy as &JSON", res.copy_details, "Ctrl+Shift+C", None),
            (
                "act_copy_llm",
                "Copy schema for &LLM",
                self.copy_schema_for_llm,
                "Ctrl+Shift+L",
                None,
            ),
            ("act_export_as", "Export &As…", f.export_as_clicked, "Ctrl+Shift+S", None),
            (
                "act_save_picture",
                "Save Schema &Picture As…",
                res.schema_view.save_clicked,
                None,
                None,
            ),
            (
                "act_reopen",
                "&Reopen the last connection and report at start-up",
                lambda: self.last_session.set_enabled(self.act_reopen.isChecked()),
                None,
                None,
            ),
            (
                "act_prepare",
                "&Prepare queries when a connection is selected",
                lambda: self.preparer.set_enabled(self.act_prepare.isChecked()),
                None,
                None,
            ),
            ("act_log", "&Log", self.toggle_log, None, None),
            ("act_find", "&Filter results", res.focus_filter, sk.Find, None),
            ("act_edit", "&Edit connection…", p.edit_profile_clicked, None, None),
            ("act_duplicate", "D&uplicate connection", p.duplicate_profile_clicked, None, None),
            ("act_delete", "&Delete connection…", p.delete_profile_clicked, None, None),
            ("act_test", "&Test connection", p.test_connection_clicked, "Ctrl+T", "test"),
            ("act_plan", "Show &plan", r.plan_clicked, "Ctrl+P", None),
            ("act_run", "&Run", r.run_clicked, "F5", "run"),
            ("act_cancel", "&Cancel run", r.cancel_clicked, "Esc", "cancel"),
            ("act_preview", "Pre&view rows", self.previewer.preview_clicked, "Ctrl+R", None),
            ("act_baseline", "Mark as &baseline", self.mark_shown_run_clicked, "Ctrl+B", None),
            ("act_fit", "&Fit schema", res.schema_view.fit, "Ctrl+0", None),
            ("act_about", "&About NeoSense", self.show_about, None, None),
            ("act_shortcuts", "&Keyboard shortcuts", self.show_shortcuts, "Ctrl+/", None),
            ("act_guide", "&User guide", self.show_user_guide, sk.HelpContents, None),
            ("act_diagnostics", "Copy &diagnostics", self.copy_diagnostics, None, None),
        )

    def _build_actions(self) -> None:
        for attribute, text, slot, shortcut, icon in self._action_rows():
            setattr(self, attribute, self._action(text, slot, shortcut, icon))
        self.act_reopen.setCheckable(True)
        self.act_reopen.setChecked(self.last_session.enabled)
        self.act_prepare.setCheckable(True)
        self.act_prepare.setChecked(self.preparer.enabled)
        self.act_log.setCheckable(True)
        for tab in Tab:
            self._action(
                f"Show the {tab.name.title()} tab",
                self._tab_switcher(tab),
                QKeySequence(f"Alt+{tab + 1}"),
            )
        self._build_menus()
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        for a in (self.act_open, self.act_save, self.act_test, self.act_run, self.act_cancel):
            toolbar.addAction(a)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for a in (
            self.act_new,
            self.act_open,
            self.act_save,
            self.act_export_as,
            self.act_save_picture,
        ):
            file_menu.addAction(a)
        file_menu.addMenu(self.files.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = bar.addMenu("&Edit")
        for a in (self.act_copy, self.act_copy_details, self.act_copy_llm, self.act_find):
            edit_menu.addAction(a)
        edit_menu.addSeparator()
        for a in (self.act_edit, self.act_duplicate, self.act_delete):
            edit_menu.addAction(a)
        run_menu = bar.addMenu("&Run")
        for a in (self.act_test, self.act_plan, self.act_run, self.act_cancel):
            run_menu.addAction(a)
        run_menu.addSeparator()
        run_menu.addAction(self.act_preview)
        run_menu.addAction(self.act_baseline)
        run_menu.addSeparator()
        run_menu.addAction(self.act_prepare)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.act_fit)
        view_menu.addAction(self.act_log)
        view_menu.addSeparator()
        view_menu.addAction(self.act_reopen)
        help_menu = bar.addMenu("&Help")
        for a in (self.act_guide, self.act_shortcuts, self.act_diagnostics):
            help_menu.addAction(a)
        help_menu.addSeparator()
        help_menu.addAction(self.act_about)

    def _tab_switcher(self, tab: Tab) -> Callable[[], None]:
        return lambda: self.show_tab(tab)

    def show_tab(self, tab: Tab) -> None:
        self.tabs.setCurrentIndex(tab)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 15000)

    def _show_profile_state(self) -> None:
        profile = self.profiles.current_profile()
        self.connection_status.show_profile(profile.id if profile is not None else None)

    def update_actions(self) -> None:
        """Every action's state from the selected profile, the tasks running and the report."""
        profile = self.profiles.current_profile()
        has_profile = profile is not None
        running = self.runs.running
        self.profiles.update_buttons()
        self.runs.update_buttons(has_profile)
        for a in (self.act_edit, self.act_duplicate, self.act_test):
            a.setEnabled(has_profile)
        self.act_delete.setEnabled(profile is not None and not profile.transient)
        self.act_run.setEnabled(has_profile and not running)
        self.act_plan.setEnabled(has_profile and not running)
        self.act_cancel.setEnabled(running)
        # A run's results so far are shown, not saved or exported: they are not a report.
        has_report = self.results.report is not None and not self.results.partial
        for a in (self.act_save, self.act_export_as, self.act_copy_llm):
            a.setEnabled(has_report)
        # Only once the shown report's picture is drawn (a report without labels has none).
        self.act_save_picture.setEnabled(self.results.schema_view.savable)
        self.act_preview.setEnabled(
            has_profile and has_report and not self.tasks.running("preview")
        )
        self.act_baseline.setEnabled(self.shown_saved_run() is not None)
        self._update_welcome(profile.name if profile is not None else None, running)

    def _update_welcome(self, selected: str | None, running: bool) -> None:
        showing = self.results.report is not None or running
        self.overview_stack.setCurrentIndex(1 if showing else 0)
        self.welcome.set_connections(self.profiles.profile_list.count(), selected)

    # ================================================================ baselines
    def _connect_baselines(self) -> None:
        """Verdicts follow the saved runs; every view of them follows the verdicts."""
        self.files.saved_runs_changed.connect(self._saved_runs_changed)
        self.verdicts.changed.connect(self._verdicts_changed)
        self.profiles.selection_changed.connect(
            lambda: self.history.set_profiles(
                self.profiles.profiles, self.profiles.current_profile()
            )
        )
        self.history.compare_requested.connect(self.compare.compare_runs)
        self.history.mark_requested.connect(self._mark_requested)
        self.files.compare_with_baseline.connect(self.compare_with_baseline)
        self.runs.panel.compare_with_baseline.connect(self._compare_run_tab_baseline)
        self.results.report_shown.connect(lambda _r: self._show_run_verdict())

    def _saved_runs_changed(self) -> None:
        self.history.set_profiles(self.profiles.profiles, self.profiles.current_profile())
        self.tasks.start("verdicts", self.verdicts.refresh(self.files.saved_runs))
        self.update_actions()

    def _verdicts_changed(self) -> None:
        self.files.redraw_recent()
        self._show_run_verdict()
        self.update_actions()

    def _show_run_verdict(self) -> None:
        """The Run tab: the run it shows, against its connection's baseline."""
        report = self.runs.panel_report
        if report is None:
            self.runs.panel.show_baseline("")
            return
        run_id = report.run.id
        if self.verdicts.is_baseline(run_id):
            self.runs.panel.show_baseline("this run is its connection's baseline")
            return
        verdict = self.verdicts.verdict(run_id)
        checked = verdict is not None and verdict.verdict is not None
        self.runs.panel.show_baseline(self.verdicts.text(run_id), comparable=checked)

    def baseline_run_of(self, run_id: str) -> str | None:
        """The baseline of the connection this saved run was made on."""
        run = self.files.summary(run_id)
        baseline = self.verdicts.baseline_of(run.profile_id) if run is not None else None
        return baseline.run_id if baseline is not None else None

    def shown_saved_run(self) -> RunSummary | None:
        """The saved run of the report shown (None for a file, or a run not yet saved)."""
        report = self.results.report
        if report is None or self.results.partial:
            return None
        return self.files.summary(report.run.id)

    def mark_shown_run_clicked(self) -> None:
        run = self.shown_saved_run()
        if run is not None:
            self.tasks.start("baseline", self.mark_baseline(run))

    def _mark_requested(self, run: object) -> None:
        from ..core.runs import RunSummary

        if isinstance(run, RunSummary):
            self.tasks.start("baseline", self.mark_baseline(run))

    async def mark_baseline(self, run: RunSummary) -> None:
        """Make this saved run its connection's baseline, and check the later runs."""
        from ..core.terminal_text import printable
        from .run_entries import connection_name

        try:
            await self.verdicts.mark(run)
        except NeoSenseError as exc:
            self.show_message(f"Not marked as the baseline: {exc.message}")
            return
        name = printable(connection_name(run, self.profiles.profiles))
        self.show_message(
            f"The run of {run.started_at:%Y-%m-%d %H:%M:%S} is now the baseline of {name}."
        )
        await self.verdicts.refresh(self.files.saved_runs)

    def compare_with_baseline(self, run_id: str) -> None:
        verdict = self.verdicts.verdict(run_id)
        if verdict is not None:
            self.compare.compare_runs(verdict.baseline_run_id, run_id)

    def _compare_run_tab_baseline(self) -> None:
        if self.runs.panel_report is not None:
            self.compare_with_baseline(self.runs.panel_report.run.id)

    # ================================================================ log, LLM schema
    def toggle_log(self) -> None:
        # A checkable action has flipped its state before `triggered` arrives here.
        self.set_log_visible(self.act_log.isChecked())

    def set_log_visible(self, visible: bool) -> None:
        """Show or hide the log panel (View > Log); hidden by default, remembered at once
        (not only when the window closes)."""
        self.log_panel.setVisible(visible)
        self.act_log.setChecked(visible)
        self.services.settings.setValue("log/visible", visible)
        if visible:
            self.statusBar().clearMessage()

    def _error_logged(self, _text: str) -> None:
        if self.log_panel.isHidden():
            self.show_message("An error was logged — View > Log")

    def copy_schema_for_llm(self) -> None:
        """Ctrl+Shift+L: the schema as LLM prompt text on the clipboard."""
        report = self.results.report
        if report is None:
            self.show_message("No report yet: run or open one first.")
            return
        from ..core.formats import render

        text = render(report, "llm")
        QGuiApplication.clipboard().setText(text)
        self.show_message(
            f"Schema for LLM copied: {len(report.labels)} labels, "
            f"{len(report.relationship_types)} relationship types, {len(text):,} characters."
        )

    # ================================================================ start-up
    async def start(self) -> None:
        """Load profiles and recent runs; call once the loop runs. The keyring is looked
        for after that, off the event loop (check_keyring).

        The run history is not worth failing to start for: whatever reading it raises is
        logged with its traceback and told to the user, and the window goes on without it.
        """
        await self.profiles.load()
        self.tasks.start("keyring-check", self.check_keyring())
        try:
            await self.files.refresh_recent_runs()
        except Exception as exc:
            log.exception("the saved runs could not be listed")
            self.show_message(
                f"The saved runs could not be listed ({type(exc).__name__}); "
                "Recent runs is empty. The log file has the details."
            )
        self.tasks.start("reopen", self.last_session.restore())

    async def check_keyring(self) -> None:
        """Find the keyring backend in a worker thread once the window has painted, and
        say so if there is none (core/secrets.py: choosing one imports every backend)."""
        await asyncio.sleep(KEYRING_CHECK_DELAY_S)
        secrets = self.services.secrets
        if not await secrets.aresolve():
            log.warning(
                "no OS keyring (%s): passwords are kept in memory for this session only",
                secrets.backend_name,
            )
            if not self.statusBar().currentMessage():  # start()'s own news stays up
                self.show_message(
                    "No OS keyring: passwords are kept in memory for this session only."
                )

    # ================================================================ errors
    def report_error(self, task_name: str, error: BaseException) -> None:
        """The task registry's error callback: log (done there) and show."""
        self.show_error(error, f"{APP_NAME}: {task_name} failed")

    def show_error(self, error: BaseException, title: str = APP_NAME) -> QMessageBox:
        if isinstance(error, NeoSenseError):
            log.warning("%s: %s", title, error)
        box = error_box(self if self.isVisible() else None, error, title)
        self.error_dialogs.append(box)
        box.finished.connect(lambda _c, b=box: self._forget_dialog(b))
        box.open()
        return box

    def _forget_dialog(self, box: QMessageBox) -> None:
        with contextlib.suppress(ValueError):
            self.error_dialogs.remove(box)
        box.deleteLater()

    def _server_version(self) -> str | None:
        probe, report = self.profiles.last_probe, self.results.report
        if probe is not None:
            return f"{probe.version} {probe.edition}"
        if report is not None:
            return f"{report.server.version} {report.server.edition}"
        return None

    def show_about(self) -> None:
        from .about import AboutDialog

        keyring = self.services.secrets.backend_name
        dialog = AboutDialog(self, server_version=self._server_version(), keyring=keyring)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_shortcuts(self) -> None:
        from .help_dialogs import ShortcutsDialog, shortcut_rows

        dialog = ShortcutsDialog(self, shortcut_rows(self.actions()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_user_guide(self) -> None:
        from .help_dialogs import UserGuideDialog

        dialog = UserGuideDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def copy_diagnostics(self) -> None:
        """Help > Copy diagnostics: what a bug report needs, never a password."""
        from .help_dialogs import diagnostics_text

        text = diagnostics_text(self._server_version(), self.services.secrets.backend_name)
        QGuiApplication.clipboard().setText(text)
        self.show_message("Diagnostics copied: versions, platform and paths (no password).")

    # ================================================================ drops
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files.open_dropped(paths[0])

    # ================================================================ settings / close
    def _splitters(self) -> tuple[QSplitter, ...]:
        return (
            self.splitter,
            self.vertical,
            self.results.splitter,
            self.results.schema_pane.splitter,
        )

    def restore_state(self) -> None:
        s = self.services.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        state = s.value("window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))
        for splitter in self._splitters():
            value = s.value(f"splitter/{splitter.objectName()}")
            if isinstance(value, QByteArray | bytes):
                splitter.restoreState(QByteArray(value))
        self.set_log_visible(str(s.value("log/visible", "false")).lower() == "true")
        level = s.value("log/level")
        if level is not None:
            with contextlib.suppress(TypeError, ValueError):
                self.log_panel.set_level(int(str(level)))
        mode_box = self.runs.mode_box
        mode = s.value("run/mode")
        if isinstance(mode, str) and mode_box.findData(mode) >= 0:
            mode_box.setCurrentIndex(mode_box.findData(mode))
        values = s.value("run/values")
        if isinstance(values, str) and self.runs.values_box.findData(values) >= 0:
            self.runs.values_box.setCurrentIndex(self.runs.values_box.findData(values))
        parallel = s.value("run/parallel_queries")
        with contextlib.suppress(TypeError, ValueError):
            if parallel is not None:  # QSpinBox clamps an out-of-range value
                self.runs.parallel_queries.setValue(int(str(parallel)))

    def save_state(self) -> None:
        s = self.services.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        for splitter in self._splitters():
            s.setValue(f"splitter/{splitter.objectName()}", splitter.saveState())
        s.setValue("log/level", self.log_panel.level)
        s.setValue("log/visible", self.act_log.isChecked())
        s.setValue("run/mode", self.runs.mode_box.currentData())
        s.setValue("run/parallel_queries", self.runs.parallel_queries.value())
        s.setValue("run/values", self.runs.values_policy())
        s.sync()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            clear_cache()
            for action in self.actions():
                name = action.property("icon_name")
                if isinstance(name, str):
                    action.setIcon(action_icon(name))
            self.runs.set_icons()
            self.results.redraw_schema()
        super().changeEvent(event)

    @property
    def finished_closing(self) -> bool:
        """True once shutdown() has cancelled every task and the window has closed."""
        return self._closed_done

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed_done:
            event.accept()
            return
        self.save_state()
        event.ignore()
        if not self._closing:
            self._closing = True
            # Held here: the registry is what shutdown() empties, and a bare task could be
            # garbage-collected half-way.
            self._shutdown_task = asyncio.get_event_loop().create_task(self.shutdown())

    async def shutdown(self) -> None:
        """Cancel every task (runs hand back their clients as they unwind), close the warm
        drivers, then close."""
        self._closing = True
        await self.tasks.cancel_all()
        await self.services.clients.close_all()
        self.tasks.changed.disconnect()  # no task is left to change the actions of a closed window
        gc.unfreeze()  # see results_pane._gc_policy: what was frozen can be collected again
        self.log_panel.detach()
        for box in list(self.error_dialogs):
            box.close()
        self._closed_done = True
        self.close()
        self.closed.emit()
