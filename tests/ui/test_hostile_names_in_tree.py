"""Names are data: labels and types holding `|`, backticks, dots, spaces, tags and
non-Latin text are keys as they are, so the schema picture selects their rows in the
tree and the filter finds them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot

from neosense_desktop.core.report import Label, Pattern, Property, Provenance, RelationshipType
from neosense_desktop.ui.report_filter import ReportFilterProxy
from neosense_desktop.ui.report_nodes import Section, label_key, pattern_key
from neosense_desktop.ui.report_tree_model import ReportTreeModel
from neosense_desktop.ui.schema_view import SchemaView, compute_layout
from tests.ui.helpers import child_names
from tests.ui.report_factory import make_report

HOSTILE_LABELS = [
    "A|B",
    "label:A",  # looks like an old string key
    "Tick`s. and spaces",
    "<img src=x>",
    "Узел|节点 ノード",
    "A",  # a prefix of "A|B"
]
HOSTILE_TYPE = "REL|`x`.y <b>z</b> связь"


def hostile_report():  # type: ignore[no-untyped-def]
    report = make_report(labels=1, properties=1, types=0)
    scan = Provenance(method="scan")
    report.labels = [
        Label(
            name=name,
            count=1000 - i,
            count_provenance=Provenance(method="count_store"),
            properties=[
                Property(
                    name=f"p|{name}", types=["STRING"], fill_rate=1.0, provenance=scan, observed=3
                )
            ],
        )
        for i, name in enumerate(HOSTILE_LABELS)
    ]
    report.relationship_types = [
        RelationshipType(
            name=HOSTILE_TYPE,
            count=7,
            patterns=[
                Pattern(start="A|B", end="Узел|节点 ノード", count=4),
                Pattern(start="A", end="B|Узел", count=3),  # same parts, other split
                Pattern(start="<img src=x>", end="A", count=2),
            ],
            properties=[],
        ),
        RelationshipType(name="REL", count=1, patterns=[Pattern(start="A", end="A", count=1)]),
    ]
    return report


def test_every_hostile_key_finds_its_own_row() -> None:
    model = ReportTreeModel()
    model.set_report(hostile_report())
    for name in HOSTILE_LABELS:
        index = model.find(label_key(name))
        assert index.isValid() and index.data() == name
        prop = model.find((*label_key(name), "property", f"p|{name}"))
        assert prop.isValid() and prop.data() == f"p|{name}"
    index = model.find(pattern_key("A|B", HOSTILE_TYPE, "Узел|节点 ノード"))
    assert index.data() == f"(:A|B)-[:{HOSTILE_TYPE}]->(:Узел|节点 ノード)"
    index = model.find(pattern_key("A", HOSTILE_TYPE, "B|Узел"))
    assert index.data() == f"(:A)-[:{HOSTILE_TYPE}]->(:B|Узел)"
    assert not model.find(pattern_key("A", "REL|`x`.y", "B|Узел")).isValid()
    assert not model.find(("label", "A|B", "x")).isValid()
    labels = model.section_node(Section.LABELS)
    assert labels is not None and labels.name == "Labels"


@pytest.mark.parametrize("needle", ["a|b", "`s. and", "<img src", "节点", "связь", "p|<img"])
def test_the_filter_finds_hostile_names(needle: str) -> None:
    model = ReportTreeModel()
    model.set_report(hostile_report())
    proxy = ReportFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_filter_text(needle)
    shown: list[str] = []
    stack = [QModelIndex()]
    while stack:
        parent = stack.pop()
        shown += child_names(proxy, parent)
        stack += [proxy.index(r, 0, parent) for r in range(proxy.rowCount(parent))]
    folded = [s.casefold() for s in shown]
    assert any(needle in s for s in folded), shown
    assert "Constraints" not in shown  # the filter did filter


def test_a_click_in_the_schema_picture_selects_the_hostile_row(qtbot: QtBot) -> None:
    report = hostile_report()
    view = SchemaView()
    qtbot.addWidget(view)
    view.show_report(report, compute_layout(report))
    model = ReportTreeModel()
    model.set_report(report)
    seen: list[object] = []
    view.item_activated.connect(seen.append)
    for name in HOSTILE_LABELS:
        view.scene().clearSelection()
        view.labels[name].setSelected(True)
        key = seen[-1]
        assert isinstance(key, tuple)
        assert model.find(key).data() == name
    for edge in view.edges:
        view.scene().clearSelection()
        edge.setSelected(True)
        found = model.find(seen[-1])  # type: ignore[arg-type]
        assert found.isValid() and model.node(found).key == edge.key
