"""Journey of the Schema tab as a newcomer uses it (issue 26 item 3): arrows and their
names never cross a label or its name; zoomed in, the Save button never covers the legend;
a click on a label shows its properties beside the picture; labels can be dragged and stay
where they were put when the report is opened again; a filter narrows the picture."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from neosense_desktop.ui.main_window import MainWindow
from neosense_desktop.ui.schema_view import SchemaView
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for
from tests.ui.journeys.journey_support import press, screenshot, wait_run_ends
from tests.ui.window_support import add_profile, open_window

pytestmark = [pytest.mark.neo4j, pytest.mark.keyring]


def _assert_nothing_crosses(view: SchemaView) -> None:
    discs = {n: (i.pos(), i.radius) for n, i in view.labels.items()}
    names = {n: i.name_text.sceneBoundingRect() for n, i in view.labels.items()}
    texts = []
    for edge in view.edges:
        path = edge.path()
        for k in range(1, 40):
            p = path.pointAtPercent(k / 40)
            for name, (centre, radius) in discs.items():
                if name in (edge.start_name, edge.end_name):
                    continue
                gap = math.hypot(p.x() - centre.x(), p.y() - centre.y()) - radius
                assert gap > 0, (edge.rel_type, "crosses the disc of", name)
            for name, rect in names.items():
                if name not in (edge.start_name, edge.end_name):
                    assert not rect.contains(p), (edge.rel_type, "crosses the name", name)
        text = edge.text.sceneBoundingRect()
        for name, (centre, radius) in discs.items():
            box = QRect(
                int(centre.x() - radius), int(centre.y() - radius), int(2 * radius), int(2 * radius)
            )
            assert not text.toRect().intersects(box), (edge.rel_type, "name on disc", name)
        for name, rect in names.items():
            assert not text.intersects(rect), (edge.rel_type, "name touches label", name)
        for other in texts:
            assert not text.intersects(other), (edge.rel_type, "names overlap")
        texts.append(text)


def _drag(view: SchemaView, start: QPoint, end: QPoint) -> None:
    """A person's drag: press, moves with the button held, release (QTest.mouseMove does
    not carry the held button)."""
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for k in range(1, 11):
        at = QPointF(start + (end - start) * (k / 10))
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            at,
            viewport.mapToGlobal(at),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(viewport, move)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


async def _schema_tab(window: MainWindow) -> SchemaView:
    await press(window, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    view = window.results.schema_view
    await wait_for(lambda: window.tabs.currentWidget() is window.results.schema_pane, 10, "tab")
    await wait_for(lambda: view.save_button.isEnabled(), 30, "the picture drawn")
    return view


async def test_journey_the_schema_tab(graph: GraphFixture) -> None:
    graph.load_northwind()
    async with open_window() as window:
        await add_profile(window, graph.server, "Northwind")
        window.act_run.trigger()
        await wait_run_ends(window)
        report = window.results.report
        assert report is not None
        view = await _schema_tab(window)
        _assert_nothing_crosses(view)

        # Zoomed in, the legend and the Save button never share a pixel on screen.
        view.setFocus()
        for _ in range(4):
            await press(view, Qt.Key.Key_Plus)
        assert view.legend is not None
        view.ensureVisible(view.legend)
        button = view.save_button
        assert button.isVisible() and not view.isAncestorOf(button)
        legend_on_screen = view.mapFromScene(view.legend.sceneBoundingRect()).boundingRect()
        legend_global = QRect(
            view.viewport().mapToGlobal(legend_on_screen.topLeft()), legend_on_screen.size()
        )
        button_global = QRect(button.mapToGlobal(QPoint(0, 0)), button.size())
        assert not legend_global.intersects(button_global)
        await press(view, Qt.Key.Key_0)  # fit again

        # A click on a label shows its properties beside the picture.
        order = view.labels["Order"]
        QTest.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(order.pos())
        )
        pane = window.results.schema_pane
        await wait_for(lambda: "Label :Order" in pane.details.toPlainText(), 5, "the details")
        assert "orderDate" in pane.details.toPlainText()

        # Drag Customer into the free space on its right: its arrow follows, and still
        # nothing crosses.
        customer = view.labels["Customer"]
        before = customer.pos()
        start = view.mapFromScene(before)
        _drag(view, start, start + QPoint(140, -10))
        await wait_for(lambda: customer.pos() != before, 5, "the disc to move")
        moved = customer.pos()
        purchased = next(e for e in view.edges if e.rel_type == "PURCHASED")
        tail = purchased.path().pointAtPercent(0)
        distance = math.hypot(tail.x() - moved.x(), tail.y() - moved.y())
        assert distance == pytest.approx(customer.radius, abs=1.0)
        _assert_nothing_crosses(view)
        await screenshot(window, "schema-tab-dragged")

        # The same report opened again: Customer is where it was put.
        await wait_for(lambda: bool(pane.positions.load(report.run.id)), 5, "positions kept")
        await window.files.open_run(report.run.id)
        await wait_for(lambda: view.labels.get("Customer") is not customer, 20, "redrawn")
        await wait_for(lambda: view.save_button.isEnabled(), 30, "the picture drawn")
        again = view.labels["Customer"].pos()
        assert (again.x(), again.y()) == pytest.approx((moved.x(), moved.y()), abs=0.5)

        # The filter keeps only matching labels and the arrows between them.
        pane.filter_edit.setFocus()
        QTest.keyClicks(pane.filter_edit, "o")  # Order, Product, Category, Customer
        await wait_for(lambda: "Supplier" not in view.shown_labels(), 5, "the filter")
        assert set(view.shown_labels()) == {"Order", "Product", "Category", "Customer"}
        for edge in view.edges:
            visible = {edge.start_name, edge.end_name} <= set(view.shown_labels())
            assert edge.isVisible() == visible
        await screenshot(window, "schema-tab-filtered")
