"""MainWindow: profiles on the left; Overview, Results, Schema, Run and Compare tabs; the log.

Slots are one line: they hand a coroutine to the TaskRegistry (`self.tasks`). The
coroutines (`test_connection`, `run_extraction`, `retry_activity`, `export_report`,
`open_report`, `compare`...) are public so tests await them directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import re
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME, __version__
from ..core.connection import ConnectionSettings
from ..core.diff import diff_reports
from ..core.errors import ErrorCode, NeoSenseError
from ..core.export import load_report, save_report
from ..core.extraction.options import RunOptions
from ..core.extraction.runner import ExtractionRun
from ..core.graph_client import GraphClient
from ..core.logging_setup import REDACTOR
from ..core.probe import ProbeResult, probe_connection
from ..core.profiles import (
    ENVIRONMENT_PROFILE_ID,
    Profile,
    ProfilesFileCorrupt,
    ProfileStore,
    environment_password,
)
from ..core.report import ACTIVITY_NAMES, Report
from ..core.runs import RunStore
from ..core.secrets import SecretStore
from . import preload  # noqa: F401  (before the first run, not during it: see preload.py)
from .charts import OverviewCharts
from .dialogs import ask_open_path, ask_save_path, confirm, error_box, run_dialog
from .diff_model import DiffTreeModel
from .icons import action_icon, app_icon, clear_cache
from .log_panel import LogPanel
from .profile_editor import ProfileEditor
from .report_filter import ReportFilterProxy, search_texts_steps
from .report_nodes import NodeKey, is_schema_key, node_details, row_text
from .report_sections import prebuild_steps
from .report_tree_model import ReportTreeModel
from .results_tree import ResultsTree
from .run_panel import RunPanel
from .schema_view import SchemaView, compute_layout_steps
from .slices import run_sliced
from .tasks import TaskRegistry

log = logging.getLogger(__name__)

REPORT_FILTER = "NeoSense reports (*.json);;All files (*)"
TAB_OVERVIEW, TAB_RESULTS, TAB_SCHEMA, TAB_RUN, TAB_COMPARE = range(5)

ProbeFn = Callable[[ConnectionSettings, str], Awaitable[ProbeResult]]


async def default_probe(settings: ConnectionSettings, password: str) -> ProbeResult:
    async with GraphClient(settings, password) as client:
        return await probe_connection(client)


def default_report_name(profile_name: str, database: str, when: datetime) -> str:
    """profile-database-YYYYmmdd-HHMMSS.json, safe on every file system."""

    def clean(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "neo4j"

    return f"{clean(profile_name)}-{clean(database or 'default')}-{when:%Y%m%d-%H%M%S}.json"


class MainWindow(QMainWindow):
    """Signals:
    report_shown(object): a report is now displayed (after a run, open or retry).
    filter_applied(str): the results tree now shows this filter (casefolded; "" for none).
    closed(): the window finished closing (tasks cancelled, drivers closed).
    """

    report_shown = Signal(object)
    filter_applied = Signal(str)
    closed = Signal()

    def __init__(
        self,
        *,
        profiles: ProfileStore,
        secrets: SecretStore,
        runs_root: Path | None = None,
        probe: ProbeFn = default_probe,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("main-window")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.profile_store = profiles
        self.secrets = secrets
        self.runs_root = runs_root
        self._probe = probe
        self.qsettings = settings if settings is not None else QSettings()
        self.tasks = TaskRegistry(on_error=self.report_error)
        self.profiles: list[Profile] = []
        self.report: Report | None = None
        self.report_source = ""
        self.report_profile_name = ""
        self.last_probe: ProbeResult | None = None
        self.current_run: Any = None
        self.error_dialogs: list[QMessageBox] = []
        self.run_history: list[tuple[str, Report]] = []
        self._closing = False
        self._closed_done = False
        self._shutdown_task: asyncio.Task[None] | None = None
        self._run_started = 0.0

        self._build_profiles_pane()
        self._build_tabs()
        self._build_log_dock()
        self._build_actions()
        self._build_status_bar()

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(self.profiles_pane)
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
        self.resize(1280, 820)
        self.restore_state()
        self._update_actions()

    # ================================================================ construction
    def _build_profiles_pane(self) -> None:
        pane = QWidget(self)
        self.profiles_pane = pane
        self.profile_list = QListWidget(pane)
        self.profile_list.setObjectName("profile-list")
        self.profile_list.setAccessibleName("Connections")
        self.profile_list.currentRowChanged.connect(lambda _r: self._profile_selected())
        self.profile_list.itemDoubleClicked.connect(lambda _i: self.edit_profile_clicked())
        buttons = QHBoxLayout()
        self.new_button = QPushButton("&New", pane)
        self.edit_button = QPushButton("&Edit", pane)
        self.duplicate_button = QPushButton("D&uplicate", pane)
        self.delete_button = QPushButton("Delete", pane)
        for b in (self.new_button, self.edit_button, self.duplicate_button, self.delete_button):
            buttons.addWidget(b)
        self.new_button.clicked.connect(self.new_profile_clicked)
        self.edit_button.clicked.connect(self.edit_profile_clicked)
        self.duplicate_button.clicked.connect(self.duplicate_profile_clicked)
        self.delete_button.clicked.connect(self.delete_profile_clicked)

        self.test_button = QPushButton("&Test connection", pane)
        self.test_button.clicked.connect(self.test_connection_clicked)
        self.probe_label = QLabel("", pane)
        self.probe_label.setObjectName("probe-result")
        self.probe_label.setWordWrap(True)
        self.probe_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        options = QGroupBox("Run options", pane)
        form = QFormLayout(options)
        self.mode_box = QComboBox(options)
        for text, value in (("Auto", "auto"), ("Exact", "exact"), ("Sampled", "sampled")):
            self.mode_box.addItem(text, value)
        self.sample_size = QSpinBox(options)
        self.sample_size.setRange(1, 10_000_000)
        self.sample_size.setValue(1000)
        self.sample_size.setGroupSeparatorShown(True)
        self.query_timeout = QDoubleSpinBox(options)
        self.query_timeout.setRange(0.001, 86_400)
        self.query_timeout.setDecimals(3)
        self.query_timeout.setValue(60.0)
        self.query_timeout.setSuffix(" s")
        form.addRow("&Mode:", self.mode_box)
        form.addRow("S&ample size:", self.sample_size)
        form.addRow("Query t&imeout:", self.query_timeout)
        self.run_button = QPushButton("&Run (F5)", pane)
        self.run_button.setIcon(action_icon("run"))
        self.run_button.clicked.connect(self.run_clicked)
        self.cancel_button = QPushButton("Cancel (Esc)", pane)
        self.cancel_button.setIcon(action_icon("cancel"))
        self.cancel_button.clicked.connect(self.cancel_clicked)
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.cancel_button)

        self.recent_list = QListWidget(pane)
        self.recent_list.setObjectName("recent-runs")
        self.recent_list.setAccessibleName("Recent runs")
        self.recent_list.itemActivated.connect(self._recent_activated)

        layout = QVBoxLayout(pane)
        title = QLabel("&Connections", pane)
        title.setBuddy(self.profile_list)
        layout.addWidget(title)
        layout.addWidget(self.profile_list, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.test_button)
        layout.addWidget(self.probe_label)
        layout.addWidget(options)
        layout.addLayout(run_row)
        recent_title = QLabel("Recent r&uns", pane)
        recent_title.setBuddy(self.recent_list)
        layout.addWidget(recent_title)
        layout.addWidget(self.recent_list, 1)

    def _build_tabs(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs")
        # Overview
        overview = QWidget(self.tabs)
        self.overview_text = QLabel("No report yet.", overview)
        self.overview_text.setWordWrap(True)
        self.overview_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.overview_text.setObjectName("overview-text")
        self.charts = OverviewCharts(overview)
        ov_layout = QVBoxLayout(overview)
        ov_layout.addWidget(self.overview_text)
        ov_layout.addWidget(self.charts, 1)
        # Results
        results = QWidget(self.tabs)
        self.filter_edit = QLineEdit(results)
        self.filter_edit.setPlaceholderText("Filter labels, types, properties… (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter")
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(200)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())
        self.tree_model = ReportTreeModel(self)
        self.proxy = ReportFilterProxy(self)
        self.proxy.setSourceModel(self.tree_model)
        self.tree = ResultsTree(results)
        self.tree.setObjectName("results-tree")
        self.tree.setModel(self.proxy)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header = self.tree.header()
        for column, width in enumerate((280, 90, 80, 300, 140)):
            header.resizeSection(column, width)
        self.tree.selectionModel().currentChanged.connect(self._tree_current_changed)
        self.details = QPlainTextEdit(results)
        self.details.setReadOnly(True)
        self.details.setObjectName("details")
        self.details.setAccessibleName("Details")
        self.details.setPlaceholderText("Select an item to see its details.")
        self.results_splitter = QSplitter(Qt.Orientation.Horizontal, results)
        self.results_splitter.setObjectName("results-splitter")
        self.results_splitter.addWidget(self.tree)
        self.results_splitter.addWidget(self.details)
        self.results_splitter.setStretchFactor(0, 3)
        self.results_splitter.setStretchFactor(1, 1)
        r_layout = QVBoxLayout(results)
        r_layout.addWidget(self.filter_edit)
        r_layout.addWidget(self.results_splitter, 1)
        # Schema
        self.schema_view = SchemaView(self.tabs)
        self.schema_view.item_activated.connect(self.select_in_tree)
        # Run
        self.run_panel = RunPanel(self.tabs)
        self.run_panel.retry_requested.connect(self.retry_clicked)
        # Compare
        compare = QWidget(self.tabs)
        self.compare_a = QComboBox(compare)
        self.compare_b = QComboBox(compare)
        self.compare_a.setAccessibleName("Before")
        self.compare_b.setAccessibleName("After")
        self.compare_button = QPushButton("Co&mpare", compare)
        self.compare_button.clicked.connect(self.compare_clicked)
        self.compare_summary = QLabel("", compare)
        self.diff_model = DiffTreeModel(self)
        self.diff_tree = QTreeView(compare)
        self.diff_tree.setObjectName("diff-tree")
        self.diff_tree.setModel(self.diff_model)
        self.diff_tree.setUniformRowHeights(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Before:", compare))
        row.addWidget(self.compare_a, 1)
        row.addWidget(QLabel("After:", compare))
        row.addWidget(self.compare_b, 1)
        row.addWidget(self.compare_button)
        c_layout = QVBoxLayout(compare)
        c_layout.addLayout(row)
        c_layout.addWidget(self.compare_summary)
        c_layout.addWidget(self.diff_tree, 1)

        self.tabs.addTab(overview, "&Overview")
        self.tabs.addTab(results, "Re&sults")
        self.tabs.addTab(self.schema_view, "Sc&hema")
        # Scrolls rather than squeezing activity rows and their error messages.
        run_scroll = QScrollArea(self.tabs)
        run_scroll.setWidgetResizable(True)
        run_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        run_scroll.setWidget(self.run_panel)
        self.tabs.addTab(run_scroll, "Ru&n")
        self.tabs.addTab(compare, "Com&pare")

    def _build_log_dock(self) -> None:
        self.log_panel = LogPanel(self)
        self.log_panel.setObjectName("log-panel")

    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
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

    def _tab_switcher(self, index: int) -> Callable[[], None]:
        return lambda: self.tabs.setCurrentIndex(index)

    def _build_actions(self) -> None:
        sk = QKeySequence.StandardKey
        self.act_new = self._action("&New connection…", self.new_profile_clicked, sk.New)
        self.act_open = self._action("&Open report…", self.open_clicked, sk.Open, "open")
        self.act_save = self._action("&Export report…", self.export_clicked, sk.Save, "save")
        self.act_quit = self._action("&Quit", self.close, QKeySequence("Ctrl+Q"))
        self.act_copy = self._action("&Copy", self.copy_selection, sk.Copy)
        self.act_copy_details = self._action(
            "Copy &details", self.copy_details, QKeySequence("Ctrl+Shift+C")
        )
        self.act_find = self._action("&Filter results", self.focus_filter, sk.Find)
        self.act_edit = self._action("&Edit connection…", self.edit_profile_clicked)
        self.act_duplicate = self._action("D&uplicate connection", self.duplicate_profile_clicked)
        self.act_delete = self._action("&Delete connection…", self.delete_profile_clicked)
        self.act_test = self._action(
            "&Test connection", self.test_connection_clicked, "Ctrl+T", "test"
        )
        self.act_plan = self._action("Show &plan", self.plan_clicked, "Ctrl+P")
        self.act_run = self._action("&Run", self.run_clicked, "F5", "run")
        self.act_cancel = self._action("&Cancel run", self.cancel_clicked, "Esc", "cancel")
        self.act_fit = self._action("&Fit schema", self.schema_view.fit, "Ctrl+0")
        self.act_about = self._action("&About NeoSense", self.show_about)
        for i in range(5):
            self._action(f"Tab {i + 1}", self._tab_switcher(i), QKeySequence(f"Alt+{i + 1}"))

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.act_new)
        file_menu.addAction(self.act_open)
        file_menu.addAction(self.act_save)
        self.recent_menu = file_menu.addMenu("Recent &runs")
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = bar.addMenu("&Edit")
        for a in (self.act_copy, self.act_copy_details, self.act_find):
            edit_menu.addAction(a)
        edit_menu.addSeparator()
        for a in (self.act_edit, self.act_duplicate, self.act_delete):
            edit_menu.addAction(a)
        run_menu = bar.addMenu("&Run")
        for a in (self.act_test, self.act_plan, self.act_run, self.act_cancel):
            run_menu.addAction(a)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.act_fit)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_about)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        for a in (self.act_open, self.act_save, self.act_test, self.act_run, self.act_cancel):
            toolbar.addAction(a)

    def _build_status_bar(self) -> None:
        self.connection_status = QLabel("Not connected", self)
        self.connection_status.setTextFormat(Qt.TextFormat.PlainText)
        self.connection_status.setObjectName("connection-status")
        self.report_status = QLabel("", self)
        self.report_status.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addWidget(self.connection_status, 1)
        self.statusBar().addPermanentWidget(self.report_status)

    # ================================================================ start-up
    async def start(self) -> None:
        """Load profiles and recent runs; call once the loop runs."""
        await self.reload_profiles()
        env_password = environment_password()
        if env_password and any(p.id == ENVIRONMENT_PROFILE_ID for p in self.profiles):
            REDACTOR.register(env_password)
            self.secrets.remember_for_session(ENVIRONMENT_PROFILE_ID, env_password)
        if not self.secrets.available:
            log.warning(
                "no OS keyring (%s): passwords are kept in memory for this session only",
                self.secrets.backend_name,
            )
            self.statusBar().showMessage(
                "No OS keyring: passwords are kept in memory for this session only.", 15000
            )
        await self.refresh_recent_runs()

    async def reload_profiles(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            profiles = await loop.run_in_executor(None, self.profile_store.load)
        except ProfilesFileCorrupt as exc:
            self.show_error(exc, "Saved connections damaged")
            profiles = await loop.run_in_executor(None, self.profile_store.load)
        self.set_profiles(profiles)

    def set_profiles(self, profiles: list[Profile], select_id: str | None = None) -> None:
        selected = self.current_profile()
        current = select_id or (selected.id if selected is not None else None)
        self.profiles = profiles
        self.profile_list.blockSignals(True)
        self.profile_list.clear()
        for p in profiles:
            item = QListWidgetItem(p.name)
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setToolTip(
                f"{p.connection.safe_uri} as {p.connection.user}"
                + (f", database {p.connection.database}" if p.connection.database else "")
                + ("\nFrom NEO4J_* environment variables (not saved)" if p.transient else "")
            )
            if p.transient:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
            self.profile_list.addItem(item)
        self.profile_list.blockSignals(False)
        ids = [p.id for p in profiles]
        if current in ids:
            self.profile_list.setCurrentRow(ids.index(current))
        elif profiles:
            self.profile_list.setCurrentRow(0)
        self._profile_selected()
        for notice in self.profile_store.take_recovered():
            self.show_error(notice, "Saved connections damaged")

    def current_profile(self) -> Profile | None:
        row = self.profile_list.currentRow() if hasattr(self, "profile_list") else -1
        if 0 <= row < len(self.profiles):
            return self.profiles[row]
        return None

    def select_profile(self, profile_id: str) -> None:
        for i, p in enumerate(self.profiles):
            if p.id == profile_id:
                self.profile_list.setCurrentRow(i)
                return

    def _profile_selected(self) -> None:
        self.probe_label.setText("")
        self._update_actions()

    def _update_actions(self) -> None:
        if not hasattr(self, "act_run"):
            return
        has_profile = self.current_profile() is not None
        running = self.tasks.running("run") or self.tasks.running("retry")
        for w in (self.edit_button, self.duplicate_button, self.delete_button, self.test_button):
            w.setEnabled(has_profile)
        for a in (self.act_edit, self.act_duplicate, self.act_delete, self.act_test):
            a.setEnabled(has_profile)
        self.delete_button.setEnabled(
            has_profile and not (self.current_profile() or Profile.model_construct()).transient
        )
        self.act_run.setEnabled(has_profile and not running)
        self.act_plan.setEnabled(has_profile and not running)
        self.run_button.setEnabled(has_profile and not running)
        self.act_cancel.setEnabled(running)
        self.cancel_button.setEnabled(running)
        self.act_save.setEnabled(self.report is not None)

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

    # ================================================================ profiles
    def new_profile_clicked(self) -> None:
        self.tasks.start("edit-profile", self.edit_profile(None))

    def edit_profile_clicked(self) -> None:
        self.tasks.start("edit-profile", self.edit_profile(self.current_profile()))

    def duplicate_profile_clicked(self) -> None:
        self.tasks.start("duplicate-profile", self.duplicate_profile())

    def delete_profile_clicked(self) -> None:
        self.tasks.start("delete-profile", self.delete_profile())

    def make_editor(self, profile: Profile | None) -> ProfileEditor:
        return ProfileEditor(
            self,
            self.tasks,
            self._probe,
            profile=profile,
            keyring_available=self.secrets.available,
        )

    async def edit_profile(self, profile: Profile | None) -> Profile | None:
        """Open the editor (pre-filled when editing) and save what the user accepts."""
        editor = self.make_editor(profile)
        self.editor = editor
        if profile is not None:
            editor.password.setPlaceholderText("loading from the keyring…")
            try:
                stored = await self.secrets.aget_password(profile.id)
            except NeoSenseError as exc:
                stored = None
                editor.keyring_note.setText(exc.message)
                editor.keyring_note.show()
            if stored and not editor.password.text():
                editor.password.setText(stored)
            editor.password.setPlaceholderText("")
        code = await run_dialog(editor)
        if code != ProfileEditor.DialogCode.Accepted or not editor.validate():
            editor.deleteLater()
            return None
        result = editor.result_profile()
        password = editor.password_text
        remember = editor.save_password.isChecked()
        editor.deleteLater()
        return await self.save_profile(result, password, remember=remember)

    async def save_profile(
        self, profile: Profile, password: str, *, remember: bool = True
    ) -> Profile:
        """Write the profile to the file and its password to the keyring (both off-thread)."""

        REDACTOR.register(password)
        loop = asyncio.get_running_loop()
        if profile.transient or profile.id == ENVIRONMENT_PROFILE_ID:
            # Saving the environment profile saves a copy of it, under a new id.
            profile = Profile(name=profile.name, connection=profile.connection)
        exists = any(p.id == profile.id and not p.transient for p in self.profiles)
        store = self.profile_store
        updated = await loop.run_in_executor(None, store.update if exists else store.add, profile)
        if password:
            if remember:
                in_keyring = await self.secrets.aset_password(profile.id, password)
                if not in_keyring:
                    self.statusBar().showMessage(
                        "No OS keyring: the password is kept in memory for this session only.",
                        15000,
                    )
            else:
                await self.secrets.adelete_password(profile.id)
                self.secrets.remember_for_session(profile.id, password)
        self.set_profiles(updated, select_id=profile.id)
        log.info("saved connection %s (%s)", profile.name, profile.connection.safe_uri)
        return profile

    async def duplicate_profile(self) -> Profile | None:
        source = self.current_profile()
        if source is None:
            return None
        loop = asyncio.get_running_loop()
        copy = await loop.run_in_executor(None, self.profile_store.duplicate, source.id)
        password = await self.secrets.aget_password(source.id)
        if password:
            await self.secrets.aset_password(copy.id, password)
        self.set_profiles(await loop.run_in_executor(None, self.profile_store.load), copy.id)
        return copy

    async def delete_profile(self) -> bool:
        profile = self.current_profile()
        if profile is None or profile.transient:
            return False
        ok = await confirm(
            self,
            "Delete connection",
            f"Delete the connection “{profile.name}” and its saved password?",
        )
        if not ok:
            return False
        loop = asyncio.get_running_loop()
        updated = await loop.run_in_executor(None, self.profile_store.delete, profile.id)
        await self.secrets.adelete_password(profile.id)
        self.set_profiles(updated)
        log.info("deleted connection %s", profile.name)
        return True

    async def password_for(self, profile: Profile) -> str:
        """The profile's password: keyring or session memory, else ask the user once."""

        password = await self.secrets.aget_password(profile.id)
        if password is None:
            password = await self.ask_password(profile)
        if password is None:
            raise NeoSenseError(
                ErrorCode.AUTH_FAILED,
                f"No password is known for “{profile.name}”.",
                suggestions=["Edit the connection and enter its password."],
            )
        REDACTOR.register(password)
        return password

    async def ask_password(self, profile: Profile) -> str | None:
        """Ask for a password (window-modal, non-blocking); keep it for this session only."""
        from PySide6.QtWidgets import QInputDialog

        dialog = QInputDialog(self)
        dialog.setObjectName("password-dialog")
        dialog.setWindowTitle("Password")
        where = profile.connection.address
        note = "" if self.secrets.available else "\n(No OS keyring: kept for this session only.)"
        dialog.setLabelText(f"Password for {profile.connection.user} at {where}:{note}")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        code = await run_dialog(dialog)
        text = dialog.textValue()
        dialog.deleteLater()
        if code != QInputDialog.DialogCode.Accepted or not text:
            return None
        self.secrets.remember_for_session(profile.id, text)
        return text

    # ================================================================ probe
    def test_connection_clicked(self) -> None:
        self.tasks.start("probe", self.test_connection())

    def set_connection_state(self, text: str) -> None:
        self.connection_status.setText(text)

    async def test_connection(self) -> ProbeResult | None:
        profile = self.current_profile()
        if profile is None:
            return None
        self.probe_label.setText("Testing…")
        self.set_connection_state(f"Connecting to {profile.connection.address}…")
        try:
            password = await self.password_for(profile)
            result = await self._probe(profile.connection, password)
        except NeoSenseError as exc:
            self.probe_label.setText(f"✗ {exc.user_text()}")
            self.set_connection_state(f"Connection failed: {exc.code.value}")
            return None
        self.last_probe = result
        dbs = ", ".join(d.name for d in result.databases if d.name != "system")
        apoc = f"APOC {result.apoc_version}" if result.apoc_present else "no APOC"
        self.probe_label.setText(
            f"✓ Neo4j {result.version} {result.edition}\n"
            f"Databases: {dbs or '(not visible)'}\n{apoc}, {result.latency_ms:.1f} ms"
        )
        self.set_connection_state(
            f"Connected: Neo4j {result.version} {result.edition} at {result.address}"
        )
        return result

    # ================================================================ run
    def run_options(self) -> Any:
        return RunOptions(
            mode=self.mode_box.currentData(),
            sample_size=self.sample_size.value(),
            query_timeout_s=self.query_timeout.value(),
        )

    def make_run(self, settings: ConnectionSettings, password: str, options: Any) -> Any:
        return ExtractionRun(
            settings,
            password,
            options,
            on_progress=self.run_panel.on_progress,
        )

    def run_clicked(self) -> None:
        # A second F5 before the button greys out must not restart (cancel) the run.
        if self.current_profile() is None or self.run_in_progress:
            return
        self.tasks.start("run", self.run_extraction())
        self._update_actions()

    @property
    def run_in_progress(self) -> bool:
        return self.tasks.running("run") or self.tasks.running("retry")

    def plan_clicked(self) -> None:
        self.tasks.start("plan", self.show_plan_only())

    def cancel_clicked(self) -> None:
        cancelled = self.tasks.cancel("run") | self.tasks.cancel("retry")
        if cancelled:
            log.info("run cancelled by the user")

    async def show_plan_only(self) -> list[Any]:
        profile = self.current_profile()
        if profile is None:
            return []
        password = await self.password_for(profile)
        async with self.make_run(profile.connection, password, self.run_options()) as run:
            plan = await run.plan()
        self.run_panel.show_plan(plan)
        self.tabs.setCurrentIndex(TAB_RUN)
        return list(plan)

    async def run_extraction(self) -> Report | None:
        """Plan, show the plan, run, show the report, save it to the run store."""
        profile = self.current_profile()
        if profile is None:
            return None
        try:
            return await self._run_extraction(profile)
        finally:
            self.current_run = None
            self._update_actions()

    async def _run_extraction(self, profile: Profile) -> Report | None:
        options = self.run_options()
        password = await self.password_for(profile)
        self.run_panel.reset(options.activities)
        self.tabs.setCurrentIndex(TAB_RUN)
        self.run_panel.status.setText(f"Planning the run on {profile.connection.address}…")
        self.set_connection_state(f"Running on {profile.connection.address}…")
        self._run_started = time.monotonic()
        run = self.make_run(profile.connection, password, options)
        self.current_run = run
        try:
            async with run:
                plan = await run.plan()
                self.run_panel.show_plan(plan)
                self.run_panel.status.setText("Running…")
                report: Report = await run.run()
        except asyncio.CancelledError:
            self.run_panel.mark_cancelled()
            self.set_connection_state("Run cancelled")
            partial = getattr(run, "report", None)
            if partial is not None:
                self.run_panel.show_activity_errors(partial.activities)
            raise
        except NeoSenseError as exc:
            self.run_panel.status.setText(f"The run failed: {exc.message}")
            self.set_connection_state(f"Connection failed: {exc.code.value}")
            raise
        elapsed = time.monotonic() - self._run_started
        self.run_panel.show_activity_errors(report.activities)
        failed = [n for n, a in report.activities.items() if a.status.value == "failed"]
        self.run_panel.status.setText(
            f"Finished in {elapsed:.1f} s"
            + (f"; failed: {', '.join(failed)} (Retry below)" if failed else ".")
        )
        self.set_connection_state(
            f"Connected: Neo4j {report.server.version} {report.server.edition} "
            f"at {report.server.address}"
        )
        self.report_profile_name = profile.name
        await self.show_report(report, f"run on {profile.name}")
        await self.save_run(report)
        return report

    def retry_clicked(self, activity: str) -> None:
        if self.run_in_progress:
            return
        self.tasks.start("retry", self.retry_activity(activity))
        self._update_actions()

    async def retry_activity(self, activity: str) -> Report | None:
        """Re-run one activity of the shown report and merge the result."""
        profile = self.current_profile()
        report = self.report
        if profile is None or report is None:
            return None
        try:
            password = await self.password_for(profile)
            self.run_panel.rows[activity].set_state("running")
            run = self.make_run(profile.connection, password, self.run_options())
            self.current_run = run
            async with run:
                updated: Report = await run.rerun_activity(report, activity)
        except asyncio.CancelledError:
            self.run_panel.mark_cancelled()
            raise
        finally:
            self.current_run = None
            self._update_actions()
        self.run_panel.show_activity_errors(updated.activities)
        await self.show_report(updated, self.report_source)
        await self.save_run(updated)
        return updated

    async def save_run(self, report: Report) -> None:
        if self.runs_root is None:
            return

        store = RunStore(self.runs_root)
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, store.save, report)
        except NeoSenseError as exc:
            self.show_error(exc, "The run could not be saved")
            return
        await self.refresh_recent_runs()

    async def refresh_recent_runs(self) -> None:
        if self.runs_root is None:
            return
        store = RunStore(self.runs_root)
        loop = asyncio.get_running_loop()
        try:
            runs = await loop.run_in_executor(None, store.list_runs)
        except NeoSenseError as exc:
            log.warning("cannot list saved runs: %s", exc)
            return
        self.recent_runs = list(runs)
        self.recent_list.clear()
        self.recent_menu.clear()
        for entry in self.recent_runs[:30]:
            text = _run_entry_text(entry)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, _run_entry_id(entry))
            self.recent_list.addItem(item)
            action = self.recent_menu.addAction(text)
            run_id = _run_entry_id(entry)
            action.triggered.connect(
                lambda _c=False, rid=run_id: self.tasks.start("open", self.open_run(rid))
            )
        self._refresh_compare_choices()

    def _recent_activated(self, item: QListWidgetItem) -> None:
        self.tasks.start("open", self.open_run(str(item.data(Qt.ItemDataRole.UserRole))))

    async def open_run(self, run_id: str) -> Report | None:

        store = RunStore(self.runs_root or Path("."))
        loop = asyncio.get_running_loop()
        report: Report = await loop.run_in_executor(None, store.load, run_id)
        await self.show_report(report, f"saved run {run_id}")
        return report

    # ================================================================ showing a report
    async def show_report(self, report: Report, source: str) -> None:
        """Fill the tree, overview, charts and schema picture with a report.

        The window keeps painting throughout: every step is short and yields to the loop; the
        slow parts (the search texts the filter needs, the label and type rows, the schema
        layout) run in slices of a few ms (slices.py: not in a worker thread, whose GIL
        contention made each paint meanwhile take 0.2 s), and the picture is drawn a few
        items at a time. Returns once everything is shown (or a newer report took over).
        """
        # A report is about ten objects per property (a million for 2,000 labels of 50
        # properties) that live as long as the window shows it or keeps it in run_history.
        # Frozen, the cyclic garbage collector stops walking them all on some later
        # allocation: that walk holds the GIL, so it froze the window for ~0.5 s.
        gc.freeze()
        self.report = report
        self.report_source = source
        self.tasks.cancel("filter")
        self.filter_edit.clear()
        self._filter_timer.stop()
        self.proxy.set_filter_text("")
        self.tree_model.set_report(report)
        self.tree.expand(self.proxy.index(0, 0))
        self.details.clear()
        prepared = self.tasks.start("prepare-report", self._prepare_report(report))
        await asyncio.sleep(0)
        if self.report is not report:
            return
        self.charts.show_report(report)
        self.overview_text.setText(_overview_html(report, source))
        self.report_status.setText(
            f"{report.server.database} on {report.server.address}, "
            f"{report.run.started_at:%Y-%m-%d %H:%M}"
        )
        self.run_history.append((source, report))
        self._refresh_compare_choices()
        self._update_actions()
        if prepared is not None:
            await asyncio.wait([prepared])
        layout = await run_sliced(compute_layout_steps(report))
        if self.report is not report:
            return
        for _ in self.schema_view.draw_steps(report, layout):
            await asyncio.sleep(0)
            if self.report is not report:  # a newer report is being drawn
                return
        self.report_shown.emit(report)

    async def _prepare_report(self, report: Report) -> None:
        """The filter's search texts and the label and type rows, made in slices."""
        texts = await run_sliced(search_texts_steps(report))
        built = await run_sliced(prebuild_steps(report))
        if self.report is report and self.tree_model.report is report:
            self.proxy.add_search_texts(texts)
            self.tree_model.adopt(report, built)

    def apply_filter(self) -> None:
        # The text applied now is the latest: a debounce still pending would apply it
        # again and cancel this filter while it waits for the report to be prepared.
        self._filter_timer.stop()
        self.tasks.start("filter", self.filter_tree(self.filter_edit.text()))

    async def filter_tree(self, text: str) -> str:
        """Filter the results tree by text and open what matches; returns the needle shown.

        Waits for the search texts of the report (made in slices when it was shown) rather
        than making them all at once. A newer filter cancels this one (the
        "filter" task is preemptive), so the tree always ends with the latest text.
        """
        while (prepared := self.tasks.get("prepare-report")) is not None and not prepared.done():
            await asyncio.wait([prepared])
        self.proxy.set_filter_text(text)
        if self.proxy.needle:
            self._expand_matches()
        self.filter_applied.emit(self.proxy.needle)
        return self.proxy.needle

    def _expand_matches(self, budget: int = 200) -> None:
        """Open every section with a match, then each deeper level whole while the rows
        shown stay within budget.

        expandAll on a filter that matches a property of 2,000 labels would build and lay
        out 100,000 rows; a narrow filter ("born") still opens all the way down.
        """
        proxy, tree = self.proxy, self.tree
        level = [proxy.index(r, 0) for r in range(proxy.rowCount())]
        shown = len(level)
        first = True
        while level:
            parents = [i for i in level if proxy.hasChildren(i)]
            if not first and shown + len(parents) > budget:
                return  # each of them would add a row at least: no need to count
            counts = [proxy.rowCount(i) for i in parents]
            if not first and shown + sum(counts) > budget:
                return
            for index in parents:
                tree.expand(index)
            shown += sum(counts)
            level = [
                proxy.index(r, 0, i) for i, n in zip(parents, counts, strict=True) for r in range(n)
            ]
            first = False

    def focus_filter(self) -> None:
        self.tabs.setCurrentIndex(TAB_RESULTS)
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def _tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.details.clear()
            return
        node = self.tree_model.node(self.proxy.mapToSource(current))
        self.details.setPlainText(node_details(node))
        if is_schema_key(node.key):
            self.schema_view.select_key(node.key)

    def select_in_tree(self, key: NodeKey) -> bool:
        """Select the tree item with this key (from a click in the schema picture)."""
        if self.proxy.needle or self.tasks.running("filter"):
            self.tasks.cancel("filter")
            self.filter_edit.clear()
            self._filter_timer.stop()
            self.proxy.set_filter_text("")
        source = self.tree_model.find(key)
        if not source.isValid():
            return False
        index = self.proxy.mapFromSource(source)
        parent = index.parent()
        while parent.isValid():
            self.tree.expand(parent)
            parent = parent.parent()
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        return True

    def copy_selection(self) -> None:
        focus = QGuiApplication.focusObject() if False else self.focusWidget()
        if isinstance(focus, QLineEdit | QPlainTextEdit) and focus is not self.details:
            focus.copy()
            return
        if focus is self.details and self.details.textCursor().hasSelection():
            self.details.copy()
            return
        rows = self.tree.selectionModel().selectedRows(0)
        if not rows:
            return
        nodes = [self.tree_model.node(self.proxy.mapToSource(i)) for i in rows]
        QGuiApplication.clipboard().setText("\n".join(row_text(n) for n in nodes))

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())

    # ================================================================ files
    def export_clicked(self) -> None:
        self.tasks.start("export", self.export_interactive())

    def open_clicked(self) -> None:
        self.tasks.start("open", self.open_interactive())

    def default_export_name(self) -> str:
        report = self.report
        profile = self.report_profile_name or (
            self.current_profile().name if self.current_profile() else "neo4j"  # type: ignore[union-attr]
        )
        database = report.server.database if report else ""
        when = report.run.started_at if report else datetime.now()
        return default_report_name(profile, database, when)

    async def export_interactive(self) -> Path | None:
        if self.report is None:
            return None
        folder = Path(str(self.qsettings.value("export/folder", str(Path.home()))))
        path = await ask_save_path(
            self, "Export report", str(folder / self.default_export_name()), REPORT_FILTER
        )
        if not path:
            return None
        return await self.export_report(Path(path))

    async def export_report(self, path: Path) -> Path:

        if self.report is None:
            raise NeoSenseError(ErrorCode.INVALID_INPUT, "There is no report to export yet.")
        report = self.report
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, save_report, report, path)
        self.qsettings.setValue("export/folder", str(path.parent))
        self.statusBar().showMessage(f"Exported to {path}", 10000)
        log.info("report exported to %s", path)
        return path

    async def open_interactive(self) -> Report | None:
        folder = str(self.qsettings.value("export/folder", str(Path.home())))
        path = await ask_open_path(self, "Open report", REPORT_FILTER)
        del folder
        if not path:
            return None
        return await self.open_report(Path(path))

    async def open_report(self, path: Path) -> Report:
        """Load a saved report and show it offline."""

        loop = asyncio.get_running_loop()
        report: Report = await loop.run_in_executor(None, load_report, path)
        self.report_profile_name = path.stem
        await self.show_report(report, str(path))
        self.tabs.setCurrentIndex(TAB_RESULTS)
        log.info("opened report %s", path)
        return report

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.tasks.start("open", self.open_report(paths[0]))

    # ================================================================ compare
    def _refresh_compare_choices(self) -> None:
        if not hasattr(self, "compare_a"):
            return
        choices: list[tuple[str, Any]] = []
        for source, report in reversed(self.run_history[-20:]):
            choices.append((f"{source} ({report.run.started_at:%Y-%m-%d %H:%M:%S})", report))
        for entry in getattr(self, "recent_runs", [])[:30]:
            choices.append((f"saved: {_run_entry_text(entry)}", _run_entry_id(entry)))
        for box in (self.compare_a, self.compare_b):
            keep = box.currentIndex()
            box.clear()
            for text, data in choices:
                box.addItem(text, data)
            if 0 <= keep < box.count():
                box.setCurrentIndex(keep)
        if (
            self.compare_b.count() > 1
            and self.compare_a.currentIndex() == self.compare_b.currentIndex()
        ):
            self.compare_a.setCurrentIndex(1)
            self.compare_b.setCurrentIndex(0)

    def compare_clicked(self) -> None:
        self.tasks.start("compare", self.compare_choices())

    async def _resolve_choice(self, data: Any) -> Report:
        if isinstance(data, Report):
            return data

        store = RunStore(self.runs_root or Path("."))
        loop = asyncio.get_running_loop()
        report: Report = await loop.run_in_executor(None, store.load, str(data))
        return report

    async def compare_choices(self) -> Any:
        a = self.compare_a.currentData()
        b = self.compare_b.currentData()
        if a is None or b is None:
            return None
        return await self.compare(await self._resolve_choice(a), await self._resolve_choice(b))

    async def compare(self, before: Report, after: Report) -> Any:

        loop = asyncio.get_running_loop()
        diff = await loop.run_in_executor(None, diff_reports, before, after)
        changes = list(getattr(diff, "changes", []))
        self.diff_model.set_changes(changes)
        self.diff_tree.expandAll()
        for c in range(self.diff_model.columnCount()):
            self.diff_tree.resizeColumnToContents(c)
        counts: dict[str, int] = {}
        for ch in changes:
            kind = str(getattr(ch.kind, "value", ch.kind))
            counts[kind] = counts.get(kind, 0) + 1
        self.compare_summary.setText(
            "No differences."
            if not changes
            else f"{len(changes)} change(s): "
            + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        )
        self.tabs.setCurrentIndex(TAB_COMPARE)
        return diff

    # ================================================================ about
    def show_about(self) -> None:
        from .about import AboutDialog

        server = None
        if self.last_probe is not None:
            server = f"{self.last_probe.version} {self.last_probe.edition}"
        elif self.report is not None:
            server = f"{self.report.server.version} {self.report.server.edition}"
        dialog = AboutDialog(self, server_version=server, keyring=self.secrets.backend_name)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.about_dialog = dialog
        dialog.open()

    # ================================================================ settings / close
    def restore_state(self) -> None:
        s = self.qsettings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        state = s.value("window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))
        for splitter in (self.splitter, self.vertical, self.results_splitter):
            value = s.value(f"splitter/{splitter.objectName()}")
            if isinstance(value, QByteArray | bytes):
                splitter.restoreState(QByteArray(value))
        level = s.value("log/level")
        if level is not None:
            with contextlib.suppress(TypeError, ValueError):
                self.log_panel.set_level(int(str(level)))
        mode = s.value("run/mode")
        if isinstance(mode, str) and self.mode_box.findData(mode) >= 0:
            self.mode_box.setCurrentIndex(self.mode_box.findData(mode))

    def save_state(self) -> None:
        s = self.qsettings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        for splitter in (self.splitter, self.vertical, self.results_splitter):
            s.setValue(f"splitter/{splitter.objectName()}", splitter.saveState())
        s.setValue("log/level", self.log_panel.level)
        s.setValue("run/mode", self.mode_box.currentData())
        s.sync()

    def changeEvent(self, event: Any) -> None:
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.PaletteChange:
            clear_cache()
            for action in self.actions():
                name = action.property("icon_name")
                if isinstance(name, str):
                    action.setIcon(action_icon(name))
            self.run_button.setIcon(action_icon("run"))
            self.cancel_button.setIcon(action_icon("cancel"))
            if self.report is not None:
                self.schema_view.show_report(self.report, None)
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
        """Cancel every task (runs close their drivers as they unwind), then close."""
        self._closing = True
        await self.tasks.cancel_all()
        gc.unfreeze()  # see show_report: what this window froze can be collected again
        self.log_panel.detach()
        for box in list(self.error_dialogs):
            box.close()
        self._closed_done = True
        self.close()
        self.closed.emit()


def _run_entry_id(entry: Any) -> str:
    for attr in ("run_id", "id"):
        value = getattr(entry, attr, None)
        if value:
            return str(value)
    run = getattr(entry, "run", None)
    if run is not None:
        return str(run.id)
    return str(entry)


def _run_entry_text(entry: Any) -> str:
    started = getattr(entry, "started_at", None)
    run = getattr(entry, "run", None)
    if started is None and run is not None:
        started = run.started_at
    database = getattr(entry, "database", None)
    server = getattr(entry, "server", None)
    if database is None and server is not None:
        database = getattr(server, "database", None)
    address = (
        getattr(entry, "server_address", None)
        or getattr(entry, "address", None)
        or getattr(server, "address", "")
    )
    when = started.strftime("%Y-%m-%d %H:%M:%S") if started else "?"
    return f"{when}  {database or ''} @ {address}".strip()


def _overview_html(report: Report, source: str) -> str:
    s, st, r = report.server, report.statistics, report.run
    failed = [n for n, a in report.activities.items() if a.status.value != "succeeded"]
    rows = [
        ("Source", source),
        ("Server", f"Neo4j {s.version} {s.edition} at {s.address}"),
        ("Database", s.database),
        (
            "Run",
            f"{r.mode}, sample size {r.sample_size:,}, started {r.started_at:%Y-%m-%d %H:%M:%S}"
            + (f", {r.duration_s:.2f} s" if r.duration_s is not None else ""),
        ),
        ("Nodes", f"{st.node_count:,}" if st.node_count is not None else "?"),
        (
            "Relationships",
            f"{st.relationship_count:,}" if st.relationship_count is not None else "?",
        ),
        ("Labels / types", f"{len(report.labels)} / {len(report.relationship_types)}"),
        ("Indexes / constraints", f"{len(report.indexes)} / {len(report.constraints)}"),
        (
            "Quality",
            f"{report.quality.score:.0f} / 100"
            if report.quality.score is not None
            else "not computed",
        ),
    ]
    if failed:
        rows.append(
            ("Incomplete", ", ".join(f"{n} ({report.activities[n].status.value})" for n in failed))
        )
    body = "".join(
        f"<tr><td><b>{escape(k)}</b>&nbsp;&nbsp;</td><td>{escape(v)}</td></tr>" for k, v in rows
    )
    return f"<table>{body}</table>"


__all__ = ["ACTIVITY_NAMES", "MainWindow", "__version__", "default_report_name"]
