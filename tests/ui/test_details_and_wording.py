"""The details pane reads like a document and the tree speaks the user's language: checked
by the text a person sees, with hostile names from a report anyone could have written."""

from __future__ import annotations

import asyncio
import json
from html import escape

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication

from neosense_desktop.core import wording as core_wording
from neosense_desktop.core.extraction.progress import ProgressEvent
from neosense_desktop.core.extraction.sample_limits import sample_limit
from neosense_desktop.core.report import (
    Finding,
    FindingExample,
    FindingSubject,
    HistogramBin,
    Label,
    Pattern,
    Property,
    PropertyProfile,
    Provenance,
    RelationshipType,
    Report,
    Severity,
    SuggestedCypher,
    TopValue,
)
from neosense_desktop.core.resources import report_schema_path
from neosense_desktop.ui import wording as ui_wording
from neosense_desktop.ui.details_document import details_html
from neosense_desktop.ui.main_window import MainWindow
from neosense_desktop.ui.plain_text import without_breaks
from neosense_desktop.ui.report_nodes import (
    COL_COUNT,
    COL_DETAILS,
    COL_LAST_READ,
    COL_READS,
    COLUMNS,
    Node,
    label_key,
    pattern_key,
)
from neosense_desktop.ui.report_sections import property_holders
from neosense_desktop.ui.report_tree_model import ReportTreeModel
from neosense_desktop.ui.run_panel import RunPanel
from neosense_desktop.ui.wording import counters_text, plural
from tests.neo4j_support import REPO
from tests.ui.report_factory import make_report
from tests.ui.window_support import open_window

SHOTS = REPO / "artifacts" / "details"
EVIL_LABEL = "<b>Evil</b> & `Tick`|Узел"
EVIL_TYPE = "REL <img src='http://example.invalid/x.png'>"
EVIL_PROP = "p<script>alert(1)</script>"
FIX = "MATCH (n:`<b>Evil</b> & ``Tick``|Узел`) SET n.x = toInteger(n.x)"


def hostile_report() -> Report:
    report = make_report(labels=2, properties=1, types=0)
    sample = Provenance(method="sample", sample_size=1000)
    profile = PropertyProfile(
        provenance=sample,
        entities_read=1000,
        values_read=900,
        null_rate=0.1,
        distinct=42,
        distinct_provenance="approximate",
        min_number=1,
        max_number=99,
        mean_number=50.5,
        histogram=[
            HistogramBin(lower=i * 10, upper=i * 10 + 10, count=c)
            for i, c in enumerate((1, 5, 9, 3))
        ],
        top_values=[TopValue(value="<i>seven</i>", type="INTEGER", count=80, share=0.08)],
    )
    evil = Label(
        name=EVIL_LABEL,
        count=5000,
        count_provenance=Provenance(method="count_store"),
        properties=[
            Property(
                name=EVIL_PROP,
                types=["INTEGER", "STRING"],
                fill_rate=0.9,
                provenance=sample,
                observed=900,
                profile=profile,
            )
        ],
    )
    report.labels = [evil, *report.labels]
    report.relationship_types = [
        RelationshipType(
            name=EVIL_TYPE,
            count=1,
            count_provenance=Provenance(method="count_store"),
            patterns=[Pattern(start=EVIL_LABEL, end="Label0", count=1, provenance=sample)],
            properties=[],
        )
    ]
    report.indexes[0].labels_or_types = [EVIL_LABEL]
    report.indexes[0].read_count = 1103
    report.indexes[0].last_read = "2026-01-02T03:04:05.123Z"
    report.quality.findings = [
        Finding(
            code="mixed_type_property",
            severity=Severity.WARNING,
            subject=f"(:{EVIL_LABEL}).{EVIL_PROP}",
            message=f"{EVIL_PROP} holds values of 2 types <u>here</u>",
            subjects=[FindingSubject(kind="label", name=EVIL_LABEL, properties=[EVIL_PROP])],
            affected=120,
            affected_provenance=sample,
            population=5000,
            examples=[FindingExample(element_id="4:abc:17", display="<b>'12'</b>")],
            suggestions=[
                SuggestedCypher(purpose="fix", cypher=FIX, description="make them integers")
            ],
        )
    ]
    return report


async def _show(window: MainWindow, report: Report) -> None:
    await window.results.show_report(report, "a report from anyone")
    window.show_tab(1)


def _select(window: MainWindow, key: tuple[str, ...]) -> str:
    assert window.results.select_in_tree(key), key
    return window.results.details.toPlainText()


def test_details_html_escapes_every_report_text() -> None:
    report = hostile_report()
    model = ReportTreeModel()
    model.set_report(report)
    for key in (
        label_key(EVIL_LABEL),
        ("finding", "mixed_type_property", report.quality.findings[0].subject),
    ):
        node = model.node(model.find(key))
        html = details_html(node, report)
        for raw in (
            "<b>Evil</b>",
            "<script>",
            "<img",
            "<u>here</u>",
            "<i>seven</i>",
            "<b>'12'</b>",
        ):
            assert raw not in html, (key, raw)
    label_page = details_html(model.node(model.find(label_key(EVIL_LABEL))), report)
    # Escaped whole; the page adds only zero-width break points between its parts.
    assert escape(EVIL_LABEL) in without_breaks(label_page)


async def test_label_details_read_as_a_document() -> None:
    async with open_window() as window:
        await _show(window, hostile_report())
        text = _select(window, label_key(EVIL_LABEL))
        details = window.results.details
        assert details.isReadOnly() and not details.openLinks() and not details.openExternalLinks()
        assert f"Label :{EVIL_LABEL}" in text
        assert "5,000 nodes. Exact, from Neo4j's count store." in text
        assert "Properties (1)" in text
        assert EVIL_PROP in text and "INTEGER, STRING" in text
        assert "90.0%" in text and "█" in text  # the fill-rate bar
        assert "~4,500" in text  # holders, an estimate from the sample
        assert "10.0% null of 1,000" in text and "~42 distinct" in text
        assert "1 … 99, mean 50.5" in text and "histogram ▂▅█▃" in text
        assert "top: '<i>seven</i>' 8%" in text
        assert "Outgoing (1 pattern)" in text and "Incoming (0 patterns)" in text
        assert f"(:{EVIL_LABEL})-[:{EVIL_TYPE}]->(:Label0)" in text
        assert "once per start-label × end-label pair" in text
        assert "idx_label0_prop0" in text  # the index on it
        assert "Findings (1)" in text and "Property with mixed types" in text

        # Copy as JSON stays: the label's data, as the report has it.
        QGuiApplication.clipboard().clear()
        window.act_copy_details.trigger()
        copied = json.loads(QGuiApplication.clipboard().text())
        assert copied["name"] == EVIL_LABEL and copied["count"] == 5000
        assert window.act_copy_details.shortcut().toString() == "Ctrl+Shift+C"


async def test_type_index_and_finding_details() -> None:
    report = hostile_report()
    async with open_window() as window:
        await _show(window, report)
        text = _select(window, ("type", EVIL_TYPE))
        assert f"Relationship type [:{EVIL_TYPE}]" in text
        assert (
            "1 relationship. Exact" in text and "Patterns (1)" in text and "Properties (0)" in text
        )

        text = _select(window, ("index", "idx_label0_prop0"))
        assert "Reads since server start\n1,103\nLast read\n2026-01-02 03:04" in text
        # The statement the Cypher export writes: names in ASCII, so any shell and locale
        # reads it (Узел as \u escapes, which the server decodes back).
        assert (
            "CREATE INDEX `idx_label0_prop0` IF NOT EXISTS FOR "
            "(n:`<b>Evil</b> & ``Tick``|\\u0423\\u0437\\u0435\\u043B`)" in text
        )

        finding = report.quality.findings[0]
        text = _select(window, ("finding", finding.code, finding.subject))
        assert "Finding Property with mixed types" in text
        assert (
            "How many: ~120 affected of 5,000. Estimated from a sample of 1,000 entities." in text
        )
        assert "4:abc:17" in text and "<b>'12'</b>" in text
        assert "Fix: make them integers" in text and FIX in text
        assert "mixed_type_property" not in text
        assert f"Concerns: label {EVIL_LABEL} ({EVIL_PROP})" in text
        window.resize(1500, 900)
        window.results.splitter.setSizes([600, 900])
        await asyncio.sleep(0.4)  # let the last paint land
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert window.grab().save(str(SHOTS / "finding-with-fix-hostile.png"))


async def test_tree_columns_mean_one_thing_and_speak_plainly() -> None:
    report = hostile_report()
    async with open_window() as window:
        await _show(window, report)
        proxy = window.results.proxy

        def header() -> list[str]:
            return [
                proxy.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
                for c in range(len(COLUMNS))
            ]

        titles = ["Name", "Count", "Fill rate", "Reads", "Last read", "Details", "Source"]
        _select(window, ("index", "idx_label0_prop0"))
        assert header() == titles
        index_row = window.results.tree.currentIndex()
        assert index_row.siblingAtColumn(COL_COUNT).data() == ""
        assert index_row.siblingAtColumn(COL_READS).data() == "1,103"
        assert index_row.siblingAtColumn(COL_LAST_READ).data() == "2026-01-02 03:04"
        tip = proxy.headerData(COL_READS, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert "not how many entries" in tip

        _select(window, ("overview", "server"))
        assert header() == titles
        row = window.results.tree.currentIndex()
        assert row.siblingAtColumn(COL_DETAILS).data() == "Neo4j 5.26.0 community at 127.0.0.1:7687"
        _select(window, ("activity", "node_labels"))
        row = window.results.tree.currentIndex()
        assert (row.data(), row.siblingAtColumn(COL_DETAILS).data()) == (
            "Node labels",
            "done in 0.20 s",
        )

        _select(window, pattern_key(EVIL_LABEL, EVIL_TYPE, "Label0"))
        row = window.results.tree.currentIndex()
        assert header() == titles
        assert row.siblingAtColumn(1).data() == "~1"
        count_tip = row.siblingAtColumn(1).data(Qt.ItemDataRole.ToolTipRole)
        assert (
            "Estimated from a sample of 1,000" in count_tip
            and "start-label × end-label" in count_tip
        )

        # Every cell of every row, opened: no engine name, right plurals, nothing cut
        # without its whole text in the tooltip.
        model = window.results.tree_model
        model.build_all()
        texts: list[str] = []
        stack: list[Node] = [model.root]
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            if node is model.root:
                continue
            index = model.index_for(node)
            for c in range(len(COLUMNS)):
                cell = index.siblingAtColumn(c)
                text = cell.data() or ""
                texts.append(text)
                if text:
                    tip = cell.data(Qt.ItemDataRole.ToolTipRole) or ""
                    assert escape(text) in tip, (text, tip)
        shown = "\n".join(texts)
        for internal in ("node_labels", "mixed_type_property", "nodes_read", "(s)"):
            assert internal not in shown, internal
        assert "1 finding" in shown and "1 pattern, 0 properties" in shown
        assert "1 property" in shown and "1 findings" not in shown


def test_counters_and_plurals_in_words() -> None:
    assert counters_text({"nodes_read": 1035, "unused_label_tokens": 1}) == (
        "1,035 nodes read, 1 unused label name"
    )
    assert plural(1, "finding") == "1 finding" and plural(2, "property") == "2 properties"
    assert plural(3, "index") == "3 indexes" and plural(0, "pattern") == "0 patterns"


def test_run_tab_activity_lines_in_words(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = RunPanel()
    qtbot.addWidget(panel)
    panel.reset()
    panel.on_progress(
        ProgressEvent(
            activity="node_labels",
            state="running",
            fraction=0.5,
            message="labels counted",
            counts={"labels": 1, "unused_label_tokens": 2, "nodes_read": 1035},
        )
    )
    row = panel.rows["node_labels"]
    assert row.title.text() == "Node labels"
    assert row.counts.text() == "1 label, 2 unused label names, 1,035 nodes read"


def test_report_schema_says_how_multi_label_nodes_count() -> None:
    schema = json.loads(report_schema_path().read_text(encoding="utf-8"))
    description = schema["$defs"]["Pattern"]["properties"]["count"]["description"]
    assert "once per start-label x end-label pair" in description


def test_tree_model_header_defaults() -> None:
    model = ReportTreeModel()
    model.set_report(make_report())
    assert [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for c in range(len(COLUMNS))
    ] == list(COLUMNS)
    assert model.index(0, 0, QModelIndex()).data() == "Overview"


def test_the_window_takes_provenance_words_from_core() -> None:
    # One source of truth: the window must not keep its own copy of these words.
    for name in ("provenance_text", "provenance_sentence", "is_estimate", "MULTI_LABEL_RULE"):
        assert getattr(ui_wording, name) is getattr(core_wording, name), name


def test_a_propertys_holders_say_where_the_number_came_from() -> None:
    scanned = Property(
        name="p", types=["STRING"], fill_rate=0.5, provenance=Provenance(method="scan")
    )
    assert property_holders(scanned, 200) == (100, False, "50.0% of 200 hold it (exact, full scan)")
    sampled = Property(
        name="p",
        types=["STRING"],
        fill_rate=0.25,
        provenance=Provenance(method="sample", sample_size=1000),
        observed=250,
    )
    assert property_holders(sampled, 4000) == (
        1000,
        True,
        "estimated: 25.0% of 4,000 hold it, from a sample of 1,000 (seen on 250)",
    )


def sampled_report() -> Report:
    """A label read by a sample that missed a key another label's read saw (issue 23)."""
    report = make_report(labels=1, properties=0, types=0)
    sample = Provenance(method="sample", sample_size=1000)
    limit = sample_limit(1000, 8003)
    assert limit is not None
    report.labels = [
        Label(
            name="OS",
            count=8003,
            count_provenance=Provenance(method="count_store"),
            sample_limit=limit,
            properties=[
                Property(
                    name="versions",
                    types=["LIST<STRING>"],
                    fill_rate=3 / 8003,
                    provenance=sample,
                    observed=3,
                    seen_in=[EVIL_LABEL],
                )
            ],
        ),
        *report.labels,
    ]
    return report


async def test_a_sampled_label_states_its_limit_and_keys_seen_elsewhere() -> None:
    report = sampled_report()
    limit = report.labels[0].sample_limit
    assert limit is not None
    async with open_window() as window:
        await _show(window, report)
        text = _select(window, label_key("OS"))
        assert (
            "Properties from a sample: 1,000 of 8,003 nodes read: a key held by fewer than "
            f"{limit.missable_below:,} of them ({limit.missable_share:.2%}) may be unseen "
            "(95% confidence)." in text
        )
        assert "<0.1%" in text
        assert f"sample of 1,000 · seen on nodes read for :{EVIL_LABEL}" in text
        text = _select(window, (*label_key("OS"), "property", "versions"))
        assert (
            f"at least 3 of 8,003 hold it: seen on nodes read for :{EVIL_LABEL}, not in this "
            "label's sample of 1,000" in text
        )
        _select(window, label_key("OS"))
        window.resize(1500, 900)
        window.results.splitter.setSizes([600, 900])
        await asyncio.sleep(0.4)  # let the last paint land
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert window.grab().save(str(SHOTS / "sampled-label-limit.png"))
    html = details_html(_label_node(report, "OS"), report)
    assert escape(EVIL_LABEL) in html and EVIL_LABEL not in html


def _label_node(report: Report, name: str) -> Node:
    model = ReportTreeModel()
    model.set_report(report)
    return model.node(model.find(label_key(name)))
