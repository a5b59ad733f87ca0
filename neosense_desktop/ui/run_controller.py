"""The run controller: run options, Run/Cancel, the Run tab, and the runs themselves
(plan, run, cancel, retry one activity), each saved to the run store when it ends."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import ErrorCode, NeoSenseError
from .error_text import headline, in_words
from .icons import action_icon
from .plain_text import set_plain_tooltip
from .run_panel import RunPanel
from .seconds_box import SecondsSpinBox
from .services import Tab

if TYPE_CHECKING:  # pydantic, the models and the driver (runner) load after the first paint
    from ..core.connection import ConnectionSettings
    from ..core.extraction.options import RunOptions
    from ..core.extraction.runner import ExtractionRun
    from ..core.profiles import Profile
    from ..core.report import PlanItem, Report, ValuesPolicy
    from .connection_status import ProfileState
    from .profiles_pane import ProfilesPane
    from .report_files import ReportFiles
    from .results_pane import ResultsPane
    from .services import ShowTab, WindowServices
    from .tasks import TaskRegistry

log = logging.getLogger(__name__)

RUN_TASKS = ("run", "retry")
# The plan warm-up's task (core/extraction/plan_warmup.py): started when the plan is shown,
# cancelled when F5 starts, the profile changes or the plan is shown again.
WARMUP_TASK = "plan-warmup"
# The values policy as the Run options offer it (RunOptions.values).
VALUES_CHOICES = (("Statistics", "stats"), ("Examples", "examples"), ("None", "none"))


def connected_text(version: str, edition: str, address: str) -> str:
    """The status bar's words for a server a plan or run has just read from."""
    return f"Connected: Neo4j {version} {edition} at {address}"


class RunController(QObject):
    """Attributes:
    controls: the run options and the Run/Cancel buttons (in the connections column).
    panel: the Run tab.
    current_run: the run in progress, if any.

    options_changed(): the person changed a run option that changes what a run sends
    (mode, sample size, values policy).
    """

    options_changed = Signal()

    def __init__(
        self,
        services: WindowServices,
        tasks: TaskRegistry,
        profiles: ProfilesPane,
        results: ResultsPane,
        files: ReportFiles,
        *,
        show_tab: ShowTab,
        set_connection_state: ProfileState,
        show_error: Callable[[BaseException, str], object],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = tasks
        self.profiles = profiles
        self.results = results
        self.files = files
        self._show_tab = show_tab
        self._set_connection_state = set_connection_state
        self._show_error = show_error
        self.current_run: ExtractionRun | None = None
        # The report whose activities the Run tab shows: the one its Retry buttons retry.
        self.panel_report: Report | None = None

        self.controls = QWidget(parent)
        options = self._build_options()
        self._build_run_buttons(options)

        self.panel = RunPanel(parent)
        self.panel.retry_requested.connect(self.retry_clicked)
        profiles.selection_changed.connect(self._forget_retry)
        profiles.selection_changed.connect(self.stop_warmup)
        results.report_shown.connect(self._report_shown)

    # ------------------------------------------------------------------ construction
    def _build_options(self) -> QGroupBox:
        """The Run options group: mode, sample size, parallel queries, timeout, values."""
        options = QGroupBox("Run options", self.controls)
        form = QFormLayout(options)
        self.mode_box = QComboBox(options)
        for text, value in (("Auto", "auto"), ("Exact", "exact"), ("Sampled", "sampled")):
            self.mode_box.addItem(text, value)
        self.sample_size = QSpinBox(options)
        self.sample_size.setRange(1, 10_000_000)
        self.sample_size.setValue(1000)
        self.sample_size.setGroupSeparatorShown(True)
        self.query_timeout = SecondsSpinBox(options, decimals=3)
        self.query_timeout.setRange(0.001, 86_400)
        self.query_timeout.setValue(60.0)
        # 0 is auto (RunOptions' AUTO): the spin box shows it as "Auto".
        self.parallel_queries = QSpinBox(options)
        self.parallel_queries.setObjectName("parallel-queries")
        self.parallel_queries.setRange(0, 64)
        self.parallel_queries.setSpecialValueText("Auto")
        self.parallel_queries.setValue(0)
        set_plain_tooltip(
            self.parallel_queries,
            "How many queries the run keeps on the server at once. Neo4j Community runs each "
            "query on one processor, so more queries in flight finish a run sooner on a server "
            "with more processors. Auto uses twice the server's processors, from 4 to 16 "
            "(4 when the server does not say). Lower it on a busy production server so the "
            "metadata read leaves processors for the server's real work; 1 is the gentlest.",
        )
        self.values_box = QComboBox(options)
        self.values_box.setObjectName("values-policy")
        for text, value in VALUES_CHOICES:
            self.values_box.addItem(text, value)
        self.values_box.setCurrentIndex(self.values_box.findData("stats"))
        set_plain_tooltip(
            self.values_box,
            "How much of the data's values may leave the database, into the report and the "
            "window.\n"
            "Statistics: numbers, dates and lengths (minimum, maximum, histograms); no text "
            "values.\n"
            "Examples: adds the most frequent values and example values, and Preview rows "
            "shows values as they are.\n"
            "None: names and types only, no profiles; the report is safe to share.",
        )
        for changed in (
            self.mode_box.currentIndexChanged,
            self.sample_size.valueChanged,
            self.values_box.currentIndexChanged,
        ):
            changed.connect(lambda _value: self.options_changed.emit())
        form.addRow("&Mode:", self.mode_box)
        form.addRow("S&ample size:", self.sample_size)
        form.addRow("&Parallel queries:", self.parallel_queries)
        form.addRow("Query t&imeout:", self.query_timeout)
        form.addRow("Va&lues:", self.values_box)
        return options

    def _build_run_buttons(self, options: QGroupBox) -> None:
        """Run and Cancel, laid out under the options in the controls (the connections
        column)."""
        self.run_button = QPushButton("&Run (F5)", self.controls)
        self.run_button.setObjectName("run-button")
        self.run_button.clicked.connect(self.run_clicked)
        self.cancel_button = QPushButton("Cancel (Esc)", self.controls)
        self.cancel_button.setObjectName("cancel-button")
        self.cancel_button.clicked.connect(self.cancel_clicked)
        self.set_icons()
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self.controls)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(options)
        layout.addLayout(run_row)

    def set_icons(self) -> None:
        self.run_button.setIcon(action_icon("run"))
        self.cancel_button.setIcon(action_icon("cancel"))

    @property
    def running(self) -> bool:
        return any(self.tasks.running(name) for name in RUN_TASKS)

    def update_buttons(self, has_profile: bool) -> None:
        self.run_button.setEnabled(has_profile and not self.running)
        self.cancel_button.setEnabled(self.running)

    def run_options(self) -> RunOptions:
        from ..core.extraction.options import RunOptions

        return RunOptions(
            mode=self.mode_box.currentData(),
            sample_size=self.sample_size.value(),
            query_timeout_s=self.query_timeout.value(),
            max_concurrent_queries=self.parallel_queries.value(),
            values=self.values_policy(),
        )

    def values_policy(self) -> ValuesPolicy:
        value = self.values_box.currentData()
        return value if value in ("none", "stats", "examples") else "stats"

    def _make_run(
        self, settings: ConnectionSettings, password: str, options: RunOptions
    ) -> ExtractionRun:
        return self.services.new_run(settings, password, options, self.panel.on_progress)

    # ------------------------------------------------------------------ slots
    def run_clicked(self) -> None:
        # A second F5 before the button greys out must not restart (cancel) the run.
        if self.profiles.current_profile() is None or self.running:
            return
        self.stop_warmup()  # a run must not wait behind warm-up queries
        self.tasks.start("run", self.run_extraction())

    def plan_clicked(self) -> None:
        self.tasks.start("plan", self.show_plan_only())

    def stop_warmup(self) -> None:
        self.tasks.cancel(WARMUP_TASK)

    def cancel_clicked(self) -> None:
        if any([self.tasks.cancel(name) for name in RUN_TASKS]):
            log.info("run cancelled by the user")

    def retry_clicked(self, activity: str) -> None:
        if not self.running:
            self.tasks.start("retry", self.retry_activity(activity))

    # ------------------------------------------------------------------ plan, run
    async def show_plan_only(self) -> list[PlanItem]:
        profile = self.profiles.current_profile()
        if profile is None:
            return []
        password = await self.profiles.password_for(profile)
        if password is None:
            self.panel.status.setText("Not planned: no password was entered.")
            return []
        self.stop_warmup()
        run = self._make_run(profile.connection, password, self.run_options())
        try:
            plan = await run.plan()
            concurrency = run.concurrency_text()
        except BaseException as exc:
            await run.aclose(exc)
            raise
        self.panel.show_plan(plan, concurrency)
        if (probed := run.probed) is not None:  # the plan was read from the server
            self._set_connection_state(
                profile.id, connected_text(probed.version, probed.edition, probed.address)
            )
        self._show_tab(Tab.RUN)
        # While the person reads the plan, the server plans the run's query texts; the
        # warm-up owns the run (and its lent client) from here and closes it.
        self.tasks.start(WARMUP_TASK, self.warm_plans(run))
        return list(plan)

    async def warm_plans(self, run: ExtractionRun) -> int:
        """Have the server plan the shown plan's batch texts, then release the run's
        client. Returns the texts planned. Never fails: a warm-up is a courtesy, logged."""
        try:
            async with run:
                result = await run.warm_plans()
        except Exception:
            log.exception("plan warm-up failed")
            return 0
        return len(result.planned)

    def _clear_panel(self, options: RunOptions) -> None:
        self.panel_report = None
        self.panel.reset(options.activities)
        self.panel.clear_plan()

    async def run_extraction(self) -> Report | None:
        """Plan, show the plan, run, show the report, save it to the run store.

        A refused password is asked for again in place, then the run starts over.
        """
        profile = self.profiles.current_profile()
        if profile is None:
            return None
        options = self.run_options()
        password = await self.profiles.password_for(profile)
        if password is None:
            self._prompt_cancelled(profile.id, "no password was entered")
            return None
        while True:
            try:
                report = await self._run_once(profile, password, options)
            except NeoSenseError as exc:
                if exc.code is not ErrorCode.AUTH_FAILED:
                    raise
                asked = await self.profiles.ask_password(profile, refused=True)
                if asked is None:
                    self._prompt_cancelled(profile.id, "the server refused the password")
                    return None
                password = asked
                continue
            finally:
                self.current_run = None
            break
        if self.services.secrets.available:
            # The password just worked: keep it, replacing the one the server refused.
            await self.services.secrets.aset_password(profile.id, password)
        self.files.report_name = profile.name
        await self.results.show_report(report, f"run on {profile.name}")
        await self._save(report, profile)
        return report

    async def _run_once(self, profile: Profile, password: str, options: RunOptions) -> Report:
        self._clear_panel(options)
        self._show_tab(Tab.RUN)
        address = profile.connection.address
        self.panel.status.setText(f"Planning the run on {address}…")
        self._set_connection_state(profile.id, f"Running on {address}…")
        run = self._make_run(profile.connection, password, options)
        self.current_run = run
        # Results as they arrive: labels and counts right after planning, then each
        # activity's results as it ends; run_extraction shows the final report over them.
        run.on_partial = self.results.show_partial
        self.results.begin_partial(run.run_id, f"run on {profile.name}")
        started = time.monotonic()
        try:
            async with run:
                plan = await run.plan()
                planned = time.monotonic()
                self.panel.show_plan(plan, run.concurrency_text())
                self.panel.status.setText("Running…")
                report = await run.run()
        except asyncio.CancelledError:
            self.results.end_partial()
            self._cancelled(run, profile.id)
            raise
        except NeoSenseError as exc:
            self.results.end_partial()
            log.warning("run on %s failed: %s", address, exc)
            self.panel.status.setText(f"The run failed: {headline(exc)}")
            self._set_connection_state(profile.id, f"Run failed: {in_words(exc)}")
            raise
        except BaseException:
            self.results.end_partial()
            raise
        self.panel_report = report
        self.panel.show_activity_errors(report.activities)
        failed = [n for n, a in report.activities.items() if a.status.value == "failed"]
        extraction = report.run.duration_s or 0.0
        self.panel.status.setText(
            f"Finished: the extraction took {extraction:.2f} s, after {planned - started:.2f} s "
            "of planning" + (f"; failed: {', '.join(failed)} (Retry below)." if failed else ".")
        )
        self._set_connection_state(
            profile.id,
            connected_text(report.server.version, report.server.edition, report.server.address),
        )
        return report

    def _prompt_cancelled(self, profile_id: str, why: str) -> None:
        """The person closed the password prompt: the run is cancelled, not failed."""
        self.panel.mark_cancelled()
        self.panel.status.setText(f"Run cancelled: {why}.")
        self._set_connection_state(profile_id, "Run cancelled")

    def _cancelled(self, run: ExtractionRun, profile_id: str) -> None:
        self.panel.mark_cancelled()
        self._set_connection_state(profile_id, "Run cancelled")
        if run.report is not None:
            self.panel.show_activity_errors(run.report.activities)

    async def _save(self, report: Report, profile: Profile) -> None:
        from ..core.runs import RunOrigin

        try:
            await self.files.save_run(report, RunOrigin(profile.id, profile.name))
        except NeoSenseError as exc:
            self._show_error(exc, "The run could not be saved")

    # ------------------------------------------------------------------ retry
    def _forget_retry(self) -> None:
        """Another profile is selected: the Retry buttons would retry elsewhere."""
        if self.running:
            return
        self.panel_report = None
        for row in self.panel.rows.values():
            row.retry.hide()

    def _report_shown(self, report: object) -> None:
        if report is not self.panel_report and not self.running:
            self._forget_retry()

    def retry_target(self, report: Report) -> tuple[ConnectionSettings, RunOptions]:
        """The report's own server, database and options, through the selected profile
        (its user and password); refused when that profile points at another server."""
        from ..core.extraction.options import RunOptions

        profile = self.profiles.current_profile()
        server = report.server
        if (
            profile is None
            or profile.connection.address != server.address
            or (profile.connection.database not in ("", server.database))
        ):
            if profile is None:
                where = "no connection is selected"
            else:
                c = profile.connection
                where = f"“{profile.name}” points at {c.address}" + (
                    f", database {c.database}" if c.database else ""
                )
            raise NeoSenseError(
                ErrorCode.INVALID_INPUT,
                f"This report comes from database {server.database} at {server.address}, "
                f"but {where}. Retry runs only against the report's own server.",
                suggestions=[f"Select the connection to {server.address}, then Retry."],
            )
        run = report.run
        defaults = RunOptions()
        options = RunOptions(
            mode=run.mode,
            sample_size=run.sample_size,
            query_timeout_s=run.query_timeout_s or defaults.query_timeout_s,
            exact_threshold=(
                run.exact_threshold if run.exact_threshold is not None else defaults.exact_threshold
            ),
            # The number the run was asked for; auto (0) for "auto" and reports before 1.3.
            max_concurrent_queries=(
                run.concurrent_queries_requested
                if isinstance(run.concurrent_queries_requested, int)
                else 0
            ),
        )
        settings = profile.connection.model_copy(update={"database": server.database})
        return settings, options

    async def retry_activity(self, activity: str) -> Report | None:
        """Re-run one activity of the report on the Run tab and merge the result."""
        report = self.panel_report
        profile = self.profiles.current_profile()
        if report is None or profile is None:
            return None
        try:
            settings, options = self.retry_target(report)
        except NeoSenseError as exc:
            self.panel.status.setText(exc.message)
            raise
        password = await self.profiles.password_for(profile)
        if password is None:
            self.panel.status.setText("Not retried: no password was entered.")
            return None
        self.panel.rows[activity].set_state("running")
        run = self._make_run(settings, password, options)
        self.current_run = run
        try:
            async with run:
                updated = await run.rerun_activity(report, activity)
        except asyncio.CancelledError:
            self._cancelled(run, profile.id)
            raise
        finally:
            self.current_run = None
        self.panel_report = updated
        self.panel.show_activity_errors(updated.activities)
        await self.results.show_report(updated, self.results.source)
        await self._save(updated, profile)
        return updated
