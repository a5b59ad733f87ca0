"""The schema picture: a readable layout at 50 labels, sizes by count, pan/zoom, picking."""

from __future__ import annotations

import itertools
import math
import random

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from pytestqt.qtbot import QtBot

from neosense_desktop.core.report import Pattern, RelationshipType
from neosense_desktop.ui.schema_layout import MAX_RADIUS, MIN_RADIUS, layout_schema
from neosense_desktop.ui.schema_view import SchemaView
from tests.ui.report_factory import make_report


def _graph(
    n: int, edges: int, seed: int = 7
) -> tuple[list[tuple[str, int]], list[tuple[str, str, int]]]:
    rng = random.Random(seed)
    nodes = [(f"Label{i}", rng.randint(1, 2_000_000)) for i in range(n)]
    links = [
        (f"Label{rng.randrange(n)}", f"Label{rng.randrange(n)}", rng.randint(1, 1000))
        for _ in range(edges)
    ]
    return nodes, links


def test_layout_of_50_labels_has_no_overlaps_and_stays_compact() -> None:
    nodes, links = _graph(50, 90)
    placed = layout_schema(nodes, links)
    assert set(placed) == {n for n, _ in nodes}
    for a, b in itertools.combinations(placed.values(), 2):
        gap = math.hypot(a.x - b.x, a.y - b.y) - a.radius - b.radius
        assert gap >= 10, (a.name, b.name, gap)  # room for the label text between discs
    xs = [p.x for p in placed.values()]
    ys = [p.y for p in placed.values()]
    area = (max(xs) - min(xs)) * (max(ys) - min(ys))
    discs = sum(math.pi * p.radius**2 for p in placed.values())
    # Compact enough that fitting it in a window keeps discs and text legible.
    assert area < discs * 60, area / discs
    # Deterministic: the same schema always gets the same picture.
    assert layout_schema(nodes, links) == placed


def test_disc_size_grows_with_count() -> None:
    placed = layout_schema([("Big", 1_000_000), ("Small", 10), ("Mid", 10_000)], [])
    assert placed["Big"].radius == MAX_RADIUS
    assert MIN_RADIUS <= placed["Small"].radius < placed["Mid"].radius < placed["Big"].radius


def test_view_draws_labels_and_patterns_and_reports_clicks(qtbot: QtBot) -> None:
    report = make_report(labels=4, properties=1, types=2)
    report.relationship_types.append(
        RelationshipType(
            name="LINKS", count=5, patterns=[Pattern(start="Label2", end="Label3", count=5)]
        )
    )
    view = SchemaView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    view.show_report(report, None)
    assert set(view.labels) == {"Label0", "Label1", "Label2", "Label3"}
    keys = {e.key for e in view.edges}
    assert ("pattern", "Label2", "LINKS", "Label3") in keys
    assert any(
        "LINKS (5)" in c.text() for e in view.edges for c in e.childItems() if hasattr(c, "text")
    )
    with qtbot.waitSignal(view.item_activated) as blocker:
        view.labels["Label1"].setSelected(True)
    assert blocker.args == [("label", "Label1")]
    # Selecting from the tree highlights without echoing back.
    with qtbot.assertNotEmitted(view.item_activated):
        view.select_key(("label", "Label2"))
    assert view.labels["Label2"].isSelected() and not view.labels["Label1"].isSelected()


def test_zoom_and_fit_by_keyboard(qtbot: QtBot) -> None:
    view = SchemaView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    view.show_report(make_report(labels=6), None)
    start = view.transform().m11()
    view.keyPressEvent(
        QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Plus, Qt.KeyboardModifier.NoModifier)
    )
    assert view.transform().m11() > start
    view.keyPressEvent(
        QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Minus, Qt.KeyboardModifier.NoModifier)
    )
    view.keyPressEvent(
        QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Minus, Qt.KeyboardModifier.NoModifier)
    )
    assert view.transform().m11() < start
    view.keyPressEvent(
        QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_0, Qt.KeyboardModifier.NoModifier)
    )
    assert math.isclose(view.transform().m11(), start, rel_tol=0.01)
    assert view.dragMode() == SchemaView.DragMode.ScrollHandDrag  # drag pans


def test_large_schemas_show_the_biggest_labels_and_say_so(qtbot: QtBot) -> None:
    view = SchemaView()
    qtbot.addWidget(view)
    view.show_report(make_report(labels=120, properties=0), None)
    assert len(view.labels) == 80 and view.hidden_labels == 40
    assert "Label0" in view.labels and "Label119" not in view.labels


def test_arrow_keys_step_through_labels(qtbot: QtBot) -> None:
    view = SchemaView()
    qtbot.addWidget(view)
    view.show_report(make_report(labels=3), None)
    seen: list[str] = []
    view.item_activated.connect(seen.append)
    right = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier)
    left = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Left, Qt.KeyboardModifier.NoModifier)
    view.keyPressEvent(right)
    view.keyPressEvent(right)
    view.keyPressEvent(left)
    assert seen == [("label", "Label0"), ("label", "Label1"), ("label", "Label0")]
