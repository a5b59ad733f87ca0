"""The results pane: the Overview, Results and Schema tabs showing one report, the filter,
the details, copy, and the short history of reports shown (for Compare).

Results as they arrive: while a run goes on, its partial reports (core/extraction/partial.py)
fill the tree, the Overview and its charts (show_partial); the expanded rows and the current
row are kept from one to the next and into the final report, which replaces them
(show_report). A partial is never remembered, saved or exported, and the schema picture
waits for the final report. A run that ends without a report (cancelled) puts back what
was shown before it.

Memory policy (issue 12): the pane keeps the report on screen plus at most
HISTORY_LIMIT earlier ones. Reports live as long as they are shown or kept here, so the
garbage collector's policy for them is set once, in `_gc_policy` below.
"""

from __future__ import annotations

import asyncio
import gc
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QModelIndex, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QGuiApplication, QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.terminal_text import printable
from .details_document import details_html
from .overview_dashboard import OverviewDashboard
from .plain_text import without_breaks
from .report_filter import ReportFilterProxy, search_texts_steps
from .report_nodes import (
    COL_LAST_READ,
    COL_READS,
    NodeKey,
    Section,
    is_schema_key,
    node_json,
    row_text,
)
from .report_sections import prebuild_steps
from .report_tree_model import ReportTreeModel
from .results_tree import ResultsTree
from .schema_pane import SchemaPane
from .schema_view import SchemaView, compute_layout_steps
from .score_explained import SCORE_KEY, SCORE_LINK, link_key
from .services import Tab
from .slices import run_sliced

if TYPE_CHECKING:
    from ..core.report import Report
    from .services import ShowTab
    from .tasks import TaskRegistry

HISTORY_LIMIT = 10
# Name, Count, Fill rate, Reads, Last read, Details, Source (report_nodes.COLUMNS).
COLUMN_WIDTHS = (200, 64, 60, 56, 118, 260, 110)
DETAILS_DEFAULT_WIDTH = 300
# Expanded rows remembered across a partial report (each is looked up again in the next).
MAX_KEPT_EXPANDED = 200

ViewState = tuple[list[NodeKey], NodeKey | None, int]


class ResultsPane(QObject):
    """Signals:
    report_shown(object): a report is now displayed, picture included.
    partial_changed(): a run's partial report started or stopped being the one shown.
    filter_applied(str): the results tree now shows this filter (casefolded; "" for none).
    history_changed(): the list of reports shown this session changed.

    Attributes:
        report: the report on screen, or None.
        source: where it came from ("run on X", a path, "saved run ID").
        partial: the report shown is a run's results so far (it is still going, or it was
            cancelled or failed before its report was made).
        history: (source, report) of the last HISTORY_LIMIT reports shown, oldest first.
    """

    report_shown = Signal(object)
    partial_changed = Signal()
    filter_applied = Signal(str)
    history_changed = Signal()

    def __init__(self, tasks: TaskRegistry, show_tab: ShowTab, parent: QWidget) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self._show_tab = show_tab
        self.report: Report | None = None
        self.source = ""
        self.history: list[tuple[str, Report]] = []
        self.partial = False
        self._partial_run: str | None = None  # the run whose partial reports are shown
        self._partial_source = ""
        self._pending_partial: Report | None = None
        self._before: tuple[Report | None, str] = (None, "")  # shown when the run began
        self._partial_timer = QTimer(self)
        self._partial_timer.setSingleShot(True)
        self._partial_timer.setInterval(0)
        self._partial_timer.timeout.connect(self._apply_partial)

        self._build_overview(parent)
        self._build_results(parent)

        self.schema_view = SchemaView(parent, self.tasks)
        self.schema_view.item_activated.connect(self.select_in_tree)
        self.schema_pane = SchemaPane(self.schema_view, self.details_of, parent)

        # Lives in the window's status bar; it names the server and database of the report.
        self.report_status = QLabel("", parent)
        self.report_status.setObjectName("report-status")
        self.report_status.setTextFormat(Qt.TextFormat.PlainText)
        # What start-up made (modules, classes, ~70,000 objects) lives as long as the
        # window: frozen now, the full collections of a run no longer walk it (one took
        # 41 ms, the largest stall of a run on 1M nodes).
        _gc_policy()

    # ------------------------------------------------------------------ construction
    def _build_overview(self, parent: QWidget) -> None:
        """The Overview tab: the dashboard under the report's summary text."""
        self.overview = QWidget(parent)
        self.overview_text = QLabel("No report yet.", self.overview)
        self.overview_text.setTextFormat(Qt.TextFormat.RichText)  # built with html.escape
        self.overview_text.setWordWrap(True)
        self.overview_text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.overview_text.setOpenExternalLinks(False)
        # Its one link, beside the score, opens the score's explanation.
        self.overview_text.linkActivated.connect(lambda _link: self.explain_score())
        self.overview_text.setObjectName("overview-text")
        self.overview_text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.dashboard = OverviewDashboard(self.overview_text)
        self.dashboard.open_key.connect(self.open_in_results)
        # On a small screen the dashboard scrolls rather than squeezing its parts.
        scroller = QScrollArea(self.overview)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(self.dashboard)
        ov_layout = QVBoxLayout(self.overview)
        ov_layout.setContentsMargins(0, 0, 0, 0)
        ov_layout.addWidget(scroller, 1)

    def _build_results(self, parent: QWidget) -> None:
        """The Results tab: the filter over the tree and its details beside it."""
        self.results = QWidget(parent)
        self._build_filter()
        self._build_tree()
        self.details = details_browser(self.results)
        self.details.anchorClicked.connect(self._details_link)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self.results)
        self.splitter.setObjectName("results-splitter")
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.details)
        # The details pane takes a third of the tab until the person moves the splitter
        # (main_window saves and restores its position with the window's other splitters).
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([2 * DETAILS_DEFAULT_WIDTH, DETAILS_DEFAULT_WIDTH])
        r_layout = QVBoxLayout(self.results)
        r_layout.addWidget(self.filter_edit)
        r_layout.addWidget(self.splitter, 1)

    def _build_filter(self) -> None:
        """The filter box: the tree is filtered 200 ms after the last key."""
        self.filter_edit = QLineEdit(self.results)
        self.filter_edit.setPlaceholderText("Filter labels, types, properties… (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter")
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(200)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())

    def _build_tree(self) -> None:
        """The results tree: the report's model, sorted and filtered through the proxy."""
        self.tree_model = ReportTreeModel(self)
        self.proxy = ReportFilterProxy(self)
        self.proxy.setSourceModel(self.tree_model)
        self.tree = ResultsTree(self.results)
        self.tree.setObjectName("results-tree")
        self.tree.setModel(self.proxy)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        self.tree.selectionModel().currentChanged.connect(self._tree_current_changed)
        # Reads and Last read hold an index's numbers only: shown while indexes are.
        self.tree.expanded.connect(lambda _i: self._sync_index_columns())
        self.tree.collapsed.connect(lambda _i: self._sync_index_columns())
        self.proxy.modelReset.connect(self._sync_index_columns)
        self.proxy.layoutChanged.connect(self._sync_index_columns)
        self._sync_index_columns()

    # ------------------------------------------------------------------ showing
    async def show_report(self, report: Report, source: str) -> None:
        """Fill the tree, overview, charts and schema picture with a report.

        The window keeps painting throughout: every step is short and yields to the loop;
        the slow parts (the filter's search texts, the label and type rows, the schema
        layout) run in slices of a few ms (slices.py), and the picture is drawn a few items
        at a time. Returns once everything is shown (or a newer report took over).
        """
        follows_partial = (
            self.partial and self.report is not None and self.report.run.id == report.run.id
        )
        view = self._view_state() if follows_partial else None
        self._stop_partials()
        self.report = report
        self.source = source
        self.tasks.cancel("filter")
        self.filter_edit.clear()
        self._filter_timer.stop()
        self.proxy.set_filter_text("")
        self.tree_model.set_report(report)
        self.details.clear()
        if view is not None:
            self._restore_view_state(view)
        else:
            self.tree.expand(self.proxy.index(0, 0))
        prepared = self.tasks.start("prepare-report", self._prepare_report(report))
        await asyncio.sleep(0)
        if self.report is not report:
            return
        self.dashboard.show_report(report)
        self.overview_text.setText(overview_html(report, source))
        self.report_status.setText(report_status_text(report))
        self._remember(source, report)
        if prepared is not None:
            await asyncio.wait([prepared])
        layout = await run_sliced(compute_layout_steps(report))
        if self.report is not report:
            return
        layout = self.schema_pane.arranged(report, layout)
        for _ in self.schema_view.draw_steps(report, layout):
            await asyncio.sleep(0)
            if self.report is not report:  # a newer report is being drawn
                return
        self.report_shown.emit(report)

    # ------------------------------------------------------------------ partial reports
    def begin_partial(self, run_id: str, source: str) -> None:
        """Show this run's partial reports as they come (until a report is shown)."""
        self._partial_run = run_id
        self._partial_source = source
        self._pending_partial = None
        if not self.partial:
            self._before = (self.report, self.source)

    def show_partial(self, report: Report) -> None:
        """A run's results so far (ExtractionRun.on_partial). Applied on the next turn of
        the loop, the latest only: activities that end together make one update."""
        if report.run.id != self._partial_run:
            return  # a report was shown since (an opened file, or the run's own)
        self._pending_partial = report
        if not self._partial_timer.isActive():
            self._partial_timer.start()

    def end_partial(self) -> None:
        """The run stopped without a report (cancelled, or failed as a whole): put back
        what was shown before it, so no half report stays on screen as if it were one."""
        if self._partial_run is None:
            return
        was_partial = self.partial
        before, source = self._before
        self._stop_partials()
        self._before = (None, "")
        if not was_partial:
            return  # nothing of the run was shown
        if before is None:
            self._show_nothing()
        else:
            self.report, self.source = before, source
            self.tasks.start("show-report", self.show_report(before, source))

    def _show_nothing(self) -> None:
        self.report, self.source = None, ""
        self.tree_model.set_report(None)
        self.details.clear()
        self.dashboard.show_report(None)
        self.overview_text.setText("No report yet.")
        self.report_status.setText("")
        self.schema_view.show_report(None, None)

    def _stop_partials(self) -> None:
        self._partial_timer.stop()
        self._pending_partial = None
        self._partial_run = None
        if self.partial:
            self.partial = False
            self.partial_changed.emit()

    def _apply_partial(self) -> None:
        self._partial_timer.stop()
        report, self._pending_partial = self._pending_partial, None
        if report is None or report.run.id != self._partial_run:
            return
        shown = self.report
        first = not (self.partial and shown is not None and shown.run.id == report.run.id)
        view = None if first else self._view_state()
        self.report = report
        self.source = self._partial_source
        self.tree_model.set_report(report)
        if view is not None:
            self._restore_view_state(view)
        else:
            self.details.clear()
            self.tree.expand(self.proxy.index(0, 0))  # Overview
            self.tree.expand(self.proxy.index(1, 0))  # Labels: what a person waits for
            self.schema_view.show_waiting("The schema picture is drawn when the run ends.")
        self.dashboard.show_report(report)
        self.overview_text.setText(overview_html(report, self.source, partial=True))
        self.report_status.setText(report_status_text(report, " (running)"))
        if not self.partial:
            self.partial = True
            self.partial_changed.emit()

    def _view_state(self) -> ViewState:
        """The expanded rows (parents first) and the current row, by key; the scroll."""
        proxy, tree, model = self.proxy, self.tree, self.tree_model
        expanded: list[NodeKey] = []
        level = [QModelIndex()]
        while level and len(expanded) < MAX_KEPT_EXPANDED:
            deeper = []
            for parent in level:
                for row in range(proxy.rowCount(parent)):
                    index = proxy.index(row, 0, parent)
                    if tree.isExpanded(index):
                        expanded.append(model.node(proxy.mapToSource(index)).key)
                        deeper.append(index)
            level = deeper
        current = tree.currentIndex()
        key = model.node(proxy.mapToSource(current)).key if current.isValid() else None
        return expanded[:MAX_KEPT_EXPANDED], key, tree.verticalScrollBar().value()

    def _restore_view_state(self, view: ViewState) -> None:
        expanded, current, scroll = view
        for key in expanded:
            source = self.tree_model.find(key)
            if source.isValid():
                self.tree.expand(self.proxy.mapFromSource(source))
        source = self.tree_model.find(current) if current else QModelIndex()
        if source.isValid():
            self.tree.setCurrentIndex(self.proxy.mapFromSource(source))
        else:
            self.details.clear()
        self.tree.verticalScrollBar().setValue(scroll)

    def shown_report(self, run_id: str) -> Report | None:
        """The latest report of this run shown this session (from history), if any."""
        return next((r for _s, r in reversed(self.history) if r.run.id == run_id), None)

    def _remember(self, source: str, report: Report) -> None:
        self.history = [(s, r) for s, r in self.history if r is not report]
        self.history.append((source, report))
        del self.history[:-HISTORY_LIMIT]
        _gc_policy()
        self.history_changed.emit()

    def redraw_schema(self) -> None:
        if self.report is not None:
            self.schema_view.show_report(self.report, None)

    async def _prepare_report(self, report: Report) -> None:
        """The filter's search texts and the label and type rows, made in slices."""
        texts = await run_sliced(search_texts_steps(report))
        built = await run_sliced(prebuild_steps(report))
        if self.report is report and self.tree_model.report is report:
            self.proxy.add_search_texts(texts)
            self.tree_model.adopt(report, built)

    # ------------------------------------------------------------------ filter
    def apply_filter(self) -> None:
        # The text applied now is the latest: a debounce still pending would apply it
        # again and cancel this filter while it waits for the report to be prepared.
        self._filter_timer.stop()
        self.tasks.start("filter", self.filter_tree(self.filter_edit.text()))

    async def filter_tree(self, text: str) -> str:
        """Filter the results tree by text and open what matches; returns the needle shown.

        Waits for the search texts of the report (made in slices when it was shown). A
        newer filter cancels this one (the "filter" task is preemptive).
        """
        while (prepared := self.tasks.get("prepare-report")) is not None and not prepared.done():
            await asyncio.wait([prepared])
        self.proxy.set_filter_text(text)
        if self.proxy.needle:
            self._expand_matches()
        self._details_follow_filter()
        self.filter_applied.emit(self.proxy.needle)
        return self.proxy.needle

    def _expand_matches(self, budget: int = 200) -> None:
        """Open every section with a match, then each deeper level whole while the rows
        shown stay within budget (expandAll on a filter matching 2,000 labels would lay out
        100,000 rows; a narrow filter still opens all the way down)."""
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
        self._show_tab(Tab.RESULTS)
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    # ------------------------------------------------------------------ selection, copy
    def _tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.details.clear()
            return
        node = self.tree_model.node(self.proxy.mapToSource(current))
        self.details.setHtml(details_html(node, self.report))
        if is_schema_key(node.key):
            self.schema_view.select_key(node.key)

    def _sync_index_columns(self) -> None:
        """Show Reads and Last read while the Indexes section is open, hide them otherwise
        (empty for every other row, they pushed Details out of sight)."""
        section = self.tree_model.section_node(Section.INDEXES)
        shown = False
        if section is not None:
            index = self.proxy.mapFromSource(self.tree_model.index_for(section))
            shown = index.isValid() and self.tree.isExpanded(index)
        for column in (COL_READS, COL_LAST_READ):
            if self.tree.isColumnHidden(column) == shown:
                self.tree.setColumnHidden(column, not shown)

    def _details_follow_filter(self) -> None:
        """After a filter: the details show the current row only if the tree still shows it
        (a row the filter hides leaves no page behind)."""
        current = self.tree.currentIndex()
        if current.isValid():
            return
        self.details.clear()
        self.tree.selectionModel().clearSelection()

    def _details_link(self, url: QUrl) -> None:
        """A link of the details page: a finding of the score's explanation."""
        key = link_key(url, self.report)
        if key is not None:
            self.select_in_tree(key)

    def explain_score(self) -> None:
        """Show the score's deductions: the Results tab, its row selected (Overview link)."""
        self._show_tab(Tab.RESULTS)
        self.select_in_tree(SCORE_KEY)
        self.tree.setFocus()

    def details_of(self, key: NodeKey) -> str | None:
        """The details pane's text for a tree key (the Schema tab shows it beside the
        picture), or None when the tree has no such row."""
        index = self.tree_model.find(key)
        if not index.isValid():
            return None
        return details_html(self.tree_model.node(index), self.report)

    def current_key(self) -> NodeKey | None:
        """The key of the row selected in the Results tree, if any."""
        current = self.tree.currentIndex()
        if not current.isValid():
            return None
        return self.tree_model.node(self.proxy.mapToSource(current)).key

    def open_in_results(self, key: NodeKey) -> None:
        """From the Overview: show this item in the Results tab, selected."""
        if self.select_in_tree(tuple(key)):
            self._show_tab(Tab.RESULTS)
            self.tree.setFocus()

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

    def copy_selection(self, focus: QWidget | None) -> None:
        if isinstance(focus, QLineEdit | QPlainTextEdit):
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
        """Copy as JSON: the current row's data (Ctrl+Shift+C)."""
        current = self.tree.currentIndex()
        if not current.isValid():
            return
        node = self.tree_model.node(self.proxy.mapToSource(current))
        QGuiApplication.clipboard().setText(node_json(node))


def details_browser(parent: QWidget) -> QTextBrowser:
    """The details pane: a read-only page that follows no link and loads nothing.

    Its HTML is built with every report text escaped (details_document); on top of that,
    links are not followed (setOpenLinks(False)) and loadResource refuses everything, so
    nothing in a report can reach the network or the disk.
    """
    browser = _NoResourceBrowser(parent)
    browser.setReadOnly(True)
    # With the bar shown only as needed, a page taller than the pane (a label of 50
    # properties) is laid out twice: again once the bar appears and narrows it. That was
    # 18 ms of CPU per click on such a row; with the bar always there, 8 ms.
    browser.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    browser.setOpenLinks(False)
    browser.setOpenExternalLinks(False)
    # Lines break between words only (Qt's default also breaks inside a word too long for
    # the line: "(:Customer).countr" + "y"); names carry break opportunities after their
    # dots and colons instead (plain_text.breakable).
    browser.setWordWrapMode(QTextOption.WrapMode.WordWrap)
    browser.setObjectName("details")
    browser.setAccessibleName("Details")
    browser.setPlaceholderText("Select an item to see its details.")
    return browser


class _NoResourceBrowser(QTextBrowser):
    def loadResource(self, kind: int, name: object, /) -> object:
        return None

    def createMimeDataFromSelection(self) -> QMimeData:
        """What Copy takes: the selection without the break marks.

        Qt's own QMimeData, edited: one made in Python would be freed by Python while the
        clipboard still holds it (a crash at exit)."""
        data = super().createMimeDataFromSelection()
        if data.hasHtml():
            data.setHtml(without_breaks(data.html()))
        data.setText(without_breaks(data.text()))
        return data

    def toPlainText(self) -> str:
        """The page's text as a person reads it (no break marks)."""
        return without_breaks(super().toPlainText())


def _gc_policy() -> None:
    """Move every object alive now (the reports shown and kept) to the permanent generation.

    A report is about ten objects per property (a million for 2,000 labels of 50
    properties). Frozen, the cyclic collector stops walking them on later allocations:
    that walk holds the GIL and froze the window for ~0.5 s. Reports dropped from the
    history stay frozen until the window closes (shutdown unfreezes); HISTORY_LIMIT bounds
    what that can keep.
    """
    gc.freeze()


def overview_html(report: Report, source: str, *, partial: bool = False) -> str:
    """The Overview's table; every value is data, so every value is html-escaped.

    A partial report (a run's results so far) names the activities still running."""
    s, st, r = report.server, report.statistics, report.run
    failed = [n for n, a in report.activities.items() if a.status.value != "succeeded"]
    from ..core.extraction.partial import pending_activities

    pending = pending_activities(report) if partial else []
    rows = [
        ("Source", source),
        ("Server", f"Neo4j {s.version} {s.edition} at {s.address}"),
        ("Database", s.database),
        (
            "Run",
            f"{r.mode}, sample size {r.sample_size:,}, started {r.started_at:%Y-%m-%d %H:%M:%S}"
            + (
                f", extraction took {r.duration_s:.2f} s (planning and showing not included)"
                if r.duration_s is not None
                else ""
            ),
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
    if pending:
        rows.append(("Still running", ", ".join(pending)))
    if failed:
        rows.append(
            ("Incomplete", ", ".join(f"{n} ({report.activities[n].status.value})" for n in failed))
        )
    # The score leads to its explanation (the only markup here that is not escaped text).
    why = f" <a href='{SCORE_LINK}'>How is it computed?</a>"
    body = "".join(
        f"<tr><td><b>{escape(k)}</b>&nbsp;&nbsp;</td><td>{escape(v)}"
        f"{why if k == 'Quality' and report.quality.score is not None else ''}</td></tr>"
        for k, v in rows
    )
    return f"<table>{body}</table>"


def report_status_text(report: Report, suffix: str = "") -> str:
    """The status bar's one line about the report shown. The database name and address
    come from a server or a report file: a line break or control character in them is
    shown as an escape (a raw one made the status bar three lines tall)."""
    where = printable(f"{report.server.database} on {report.server.address}")
    return f"{where}, {report.run.started_at:%Y-%m-%d %H:%M}{suffix}"
