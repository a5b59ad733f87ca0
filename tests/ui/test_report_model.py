"""ReportTreeModel and ReportFilterProxy: Qt's model checks, lazy building, filter, sort."""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from pytestqt.modeltest import ModelTester

from neosense_desktop.ui.diff_model import DiffTreeModel
from neosense_desktop.ui.report_filter import ReportFilterProxy, search_text, search_texts
from neosense_desktop.ui.report_nodes import (
    COL_COUNT,
    COL_FILL,
    COL_NAME,
    SECTION_NAMES,
    Node,
    NodeKind,
)
from neosense_desktop.ui.report_sections import prebuild
from neosense_desktop.ui.report_tree_model import KEY_ROLE, ReportTreeModel
from tests.ui.helpers import child_named, child_names
from tests.ui.report_factory import make_report


def test_model_passes_qt_model_tester(qtmodeltester: ModelTester) -> None:
    """The tester stays connected: it re-checks the model on each reset below."""
    model = ReportTreeModel()
    model.set_report(make_report())
    qtmodeltester.check(model, force_py=True)
    model.set_report(None)
    model.set_report(make_report(labels=5, properties=2))


def test_proxy_passes_qt_model_tester_while_filtering_and_sorting(
    qtmodeltester: ModelTester,
) -> None:
    """Attached before any change, the tester sees every relayout (layoutAboutToBeChanged /
    layoutChanged, with the persistent indexes it holds) and every source reset, and
    re-checks the whole model after each."""
    model = ReportTreeModel()
    model.set_report(make_report())
    proxy = ReportFilterProxy()
    proxy.setSourceModel(model)
    layouts: list[str] = []
    proxy.layoutChanged.connect(lambda *_a: layouts.append("layout"))
    proxy.modelReset.connect(lambda: layouts.append("reset"))
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_filter_text("prop1")
    proxy.sort(COL_COUNT, Qt.SortOrder.DescendingOrder)
    proxy.set_filter_text("label1")  # narrower: sections vanish
    proxy.sort(COL_NAME, Qt.SortOrder.AscendingOrder)
    proxy.set_filter_text("nothing matches this")
    proxy.set_filter_text("")
    proxy.sort(-1)
    model.set_report(make_report(labels=6, properties=2))
    proxy.set_filter_text("rel_")
    assert layouts == ["layout"] * 7 + ["reset", "layout"]


def test_sections_and_children_mirror_the_report() -> None:
    report = make_report(labels=3, properties=4, types=2)
    model = ReportTreeModel()
    model.set_report(report)
    assert child_names(model) == list(SECTION_NAMES)
    labels = child_named(model, QModelIndex(), "Labels")
    assert child_names(model, labels) == ["Label0", "Label1", "Label2"]
    label0 = child_named(model, labels, "Label0")
    assert model.index(label0.row(), COL_COUNT, labels).data() == "100,000"
    assert child_names(model, label0) == ["prop0", "prop1", "prop2", "prop3"]
    prop1 = child_named(model, label0, "prop1")
    assert model.index(prop1.row(), COL_FILL, label0).data() == "80.0%"
    types = child_named(model, QModelIndex(), "Relationship types")
    rel = child_named(model, types, "REL_1")
    patterns = child_named(model, rel, "Patterns")
    assert child_names(model, patterns) == [
        "(:Label0)-[:REL_1]->(:Label2)",
        "(:Label0)-[:REL_1]->(:Label0)",
    ]
    findings = child_named(model, QModelIndex(), "Quality findings")
    assert child_names(model, findings) == ["Error", "Warning", "Info"]
    assert child_names(model, child_named(model, findings, "Error")) == ["Label0.prop0"]


def test_children_are_built_lazily() -> None:
    model = ReportTreeModel()
    model.set_report(make_report(labels=50, properties=20))
    labels = child_named(model, QModelIndex(), "Labels")
    label_nodes = model.node(labels).children
    assert not any(n.built for n in label_nodes)
    assert model.hasChildren(model.index(0, 0, labels))  # known without building
    child_names(model, model.index(0, 0, labels))
    assert [n.built for n in label_nodes[:2]] == [True, False]


def test_filter_keeps_matching_descendants_and_their_parents() -> None:
    model = ReportTreeModel()
    model.set_report(make_report(labels=3, properties=3))
    proxy = ReportFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_filter_text("PROP2")  # case-insensitive
    assert child_names(proxy) == ["Labels", "Quality findings"]
    labels = child_named(proxy, QModelIndex(), "Labels")
    assert child_names(proxy, labels) == ["Label0", "Label1", "Label2"]
    assert child_names(proxy, child_named(proxy, labels, "Label1")) == ["prop2"]
    # A matching parent keeps all of its children.
    proxy.set_filter_text("label1")
    label1 = child_named(proxy, child_named(proxy, QModelIndex(), "Labels"), "Label1")
    assert child_names(proxy, label1) == ["prop0", "prop1", "prop2"]
    proxy.set_filter_text("")
    assert child_names(proxy) == list(SECTION_NAMES)


def test_sort_by_count_and_fill_rate_keeps_section_order() -> None:
    model = ReportTreeModel()
    model.set_report(make_report(labels=4, properties=4))
    proxy = ReportFilterProxy()
    proxy.setSourceModel(model)
    labels = child_named(proxy, QModelIndex(), "Labels")
    proxy.sort(COL_COUNT, Qt.SortOrder.AscendingOrder)
    assert child_names(proxy) == list(SECTION_NAMES)
    labels = child_named(proxy, QModelIndex(), "Labels")
    assert child_names(proxy, labels) == ["Label3", "Label2", "Label1", "Label0"]
    proxy.sort(COL_FILL, Qt.SortOrder.DescendingOrder)
    assert child_names(proxy) == list(SECTION_NAMES)
    labels = child_named(proxy, QModelIndex(), "Labels")
    label0 = child_named(proxy, labels, "Label0")
    assert child_names(proxy, label0) == ["prop0", "prop1", "prop2", "prop3"]
    proxy.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
    labels = child_named(proxy, QModelIndex(), "Labels")
    assert child_names(proxy, labels) == ["Label3", "Label2", "Label1", "Label0"]


def test_find_by_key_reaches_labels_and_patterns() -> None:
    model = ReportTreeModel()
    model.set_report(make_report())
    index = model.find(("label", "Label2"))
    assert index.isValid() and index.data() == "Label2"
    assert tuple(index.data(KEY_ROLE)) == ("label", "Label2")
    pattern = model.find(("pattern", "Label0", "REL_0", "Label1"))
    assert pattern.data() == "(:Label0)-[:REL_0]->(:Label1)"
    assert not model.find(("label", "Nope")).isValid()


def test_large_report_stays_fast(qtmodeltester: ModelTester) -> None:
    """2,000 labels x 50 properties: the numbers are printed, the bounds are generous."""
    report = make_report(labels=2000, properties=50)
    model = ReportTreeModel()
    t0 = time.perf_counter()
    model.set_report(report)
    proxy = ReportFilterProxy()
    proxy.setSourceModel(model)
    labels = child_named(proxy, QModelIndex(), "Labels")
    assert proxy.rowCount(labels) == 2000
    first_show = time.perf_counter() - t0
    t0 = time.perf_counter()
    proxy.set_filter_text("prop49")
    labels = child_named(proxy, QModelIndex(), "Labels")
    assert proxy.rowCount(labels) == 2000
    assert proxy.rowCount(proxy.index(0, 0, labels)) == 1
    filter_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    proxy.set_filter_text("")
    proxy.sort(COL_COUNT, Qt.SortOrder.DescendingOrder)
    labels = child_named(proxy, QModelIndex(), "Labels")
    assert proxy.index(0, 0, labels).data() == "Label0"
    sort_s = time.perf_counter() - t0
    print(f"\nshow {first_show:.3f}s filter {filter_s:.3f}s sort {sort_s:.3f}s")
    # Not a benchmark (see benchmarks/): only catches an accidental quadratic blow-up.
    assert first_show < 5 and filter_s < 30 and sort_s < 10


def test_diff_model_passes_model_tester(qtmodeltester: ModelTester) -> None:
    from neosense_desktop.core.diff import diff_reports

    before = make_report(labels=3, properties=3)
    after = make_report(labels=4, properties=2)
    diff = diff_reports(before, after)
    model = DiffTreeModel()
    model.set_changes(diff.changes)
    assert model.change_count == len(diff.changes) > 0
    qtmodeltester.check(model, force_py=True)


def _shown(model: object, parent: QModelIndex = QModelIndex()) -> dict[str, object]:  # noqa: B008
    """The tree a model shows, fully expanded, as {name: {child name: ...}}."""
    return {
        name: _shown(model, model.index(r, 0, parent))  # type: ignore[attr-defined]
        for r, name in enumerate(child_names(model, parent))
    }


def _walk_filter(node: Node, needle: str, inherited: bool = False) -> dict[str, object]:
    """The filter's rule, applied by brute force to every node of a fully built tree."""

    def self_matches(n: Node) -> bool:
        return n.kind is not NodeKind.SECTION and needle in search_text(n)

    def below(n: Node) -> bool:
        return any(self_matches(c) or below(c) for c in n.children)

    shown = {}
    for child in node.children:
        keep = inherited or self_matches(child) or below(child)
        if keep:
            shown[child.name] = _walk_filter(child, needle, inherited or self_matches(child))
    return shown


def test_filter_shows_what_a_walk_over_every_node_would() -> None:
    """The proxy answers "a descendant matches" from search texts, without building the
    rows below; it must agree with the plain rule on every node (names, types and
    provenance of properties, group and pattern names under relationship types)."""
    report = make_report(labels=6, properties=4, types=3)
    reference = ReportTreeModel()
    reference.set_report(report)
    reference.build_all()
    for needle in (
        "prop3",
        "label4",
        "propert",
        "patterns",
        "rel_2",
        "full scan",
        "sample of",
        "integer",
        "(:label0)-[:rel_1]",
        "warning",
        "prop2 is set",
        "prop1\nstring\nfull",  # across the lines of one property's text
        "zzz",
    ):
        for precomputed in (False, True):
            model = ReportTreeModel()
            model.set_report(report)
            proxy = ReportFilterProxy()
            proxy.setSourceModel(model)
            if precomputed:  # as the window does, from a worker thread
                proxy.add_search_texts(search_texts(report))
                model.adopt(report, prebuild(report))
            proxy.set_filter_text(needle.upper())
            expected = _walk_filter(reference.node(QModelIndex()), needle)
            assert _shown(proxy) == expected, (needle, precomputed)


def test_sort_and_filter_move_persistent_indexes_with_their_rows() -> None:
    """Expanded rows and the selection are persistent indexes: they follow their row."""
    model = ReportTreeModel()
    model.set_report(make_report(labels=4, properties=3))
    proxy = ReportFilterProxy()
    proxy.setSourceModel(model)
    labels = child_named(proxy, QModelIndex(), "Labels")
    label2 = QPersistentModelIndex(child_named(proxy, labels, "Label2"))
    prop1 = QPersistentModelIndex(child_named(proxy, proxy.index(label2.row(), 0, labels), "prop1"))
    proxy.sort(COL_COUNT, Qt.SortOrder.AscendingOrder)  # Label3, Label2, Label1, Label0
    assert (label2.row(), label2.data()) == (1, "Label2")
    assert prop1.parent() == QModelIndex(label2) and prop1.data() == "prop1"
    proxy.set_filter_text("label2")
    assert (label2.row(), label2.data()) == (0, "Label2")
    assert prop1.isValid() and prop1.data() == "prop1"
    proxy.set_filter_text("label3")
    assert not label2.isValid() and not prop1.isValid()
    proxy.set_filter_text("")
    proxy.sort(-1)
    labels = child_named(proxy, QModelIndex(), "Labels")
    assert child_names(proxy, labels) == ["Label0", "Label1", "Label2", "Label3"]
