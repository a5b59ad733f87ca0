"""Journeys of the schema picture: Northwind run then Alt+H, its colours and legend, a
label's neighbourhood by the arrow keys, Save as PNG and SVG through the file dialog; and a
50-label report opened from a file. Screenshots go to artifacts/picture/."""

from __future__ import annotations

import asyncio
import math
import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMenu, QWidget

from neosense_desktop.core.export import save_report
from neosense_desktop.core.report import Pattern, RelationshipType, Report
from neosense_desktop.core.secrets import SecretStore
from neosense_desktop.ui.main_window import MainWindow
from neosense_desktop.ui.schema_view import DIMMED_OPACITY, SchemaView
from tests.neo4j_support import REPO, GraphFixture
from tests.ui.helpers import wait_for, wait_for_widget
from tests.ui.journeys.journey_support import press, wait_run_ends
from tests.ui.report_factory import make_report
from tests.ui.window_support import add_profile, open_window

SHOTS = REPO / "artifacts" / "picture"
NORTHWIND_LABELS = {"Order", "Customer", "Product", "Supplier", "Category"}


async def _shot(widget: QWidget, name: str) -> Path:
    await asyncio.sleep(0.2)  # let the last paint land
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert widget.grab().save(str(path)), path
    return path


def _choose(dialog: QFileDialog, path: Path) -> None:
    name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
    assert isinstance(name_edit, QLineEdit)
    name_edit.setText(str(path))
    dialog.accept()


async def _show_schema_tab(window: MainWindow) -> SchemaView:
    await press(window, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    view = window.results.schema_view
    await wait_for(
        lambda: window.tabs.currentWidget() is window.results.schema_pane, 10, "the Schema tab"
    )
    await wait_for(lambda: view.save_button.isEnabled(), 30, "the picture drawn")
    return view


async def _save_through_dialog(view: SchemaView, fmt: str, target: Path) -> None:
    (view.act_save_png if fmt == "png" else view.act_save_svg).trigger()
    dialog = await wait_for_widget(QFileDialog, "save-picture-dialog")
    assert isinstance(dialog, QFileDialog)
    _choose(dialog, target)
    await wait_for(lambda: target.exists(), 20, f"the {fmt} file")
    await wait_for(
        lambda: str(target) in view.window().statusBar().currentMessage(),  # type: ignore[attr-defined]
        10,
        "Saved the schema picture to …",
    )


@pytest.mark.neo4j
@pytest.mark.keyring
async def test_journey_northwind_picture_colours_highlight_and_save(
    graph: GraphFixture, tmp_path: Path
) -> None:
    graph.load_northwind()
    async with open_window() as window:
        await add_profile(window, graph.server)
        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        view = await _show_schema_tab(window)
        assert set(view.labels) == NORTHWIND_LABELS
        colours = {n: i.brush().color().name() for n, i in view.labels.items()}
        assert len(set(colours.values())) == len(NORTHWIND_LABELS), colours
        assert view.legend is not None and set(view.legend.entries) == NORTHWIND_LABELS
        await _shot(window, "northwind")

        # The keyboard picks the largest label (Order): its neighbours stay lit.
        view.setFocus()
        await press(view, Qt.Key.Key_Right)
        await wait_for(lambda: view.focus == ("label", "Order"), 5, "Order selected")
        linked = {e.end_name for e in view.edges if e.start_name == "Order"} | {
            e.start_name for e in view.edges if e.end_name == "Order"
        }
        assert {"Customer", "Product"} <= linked
        assert view.labels["Supplier"].opacity() == DIMMED_OPACITY  # no Order-Supplier type
        assert view.labels["Product"].opacity() == 1.0
        await _shot(window, "northwind-order-selected")

        png, svg = tmp_path / "northwind.png", tmp_path / "northwind.svg"
        await _save_through_dialog(view, "png", png)
        image = QImage(str(png))
        assert not image.isNull() and image.width() > 400
        await _save_through_dialog(view, "svg", svg)
        root = ET.fromstring(svg.read_text(encoding="utf-8"))
        drawn = "".join(el.text or "" for el in root.iter("{http://www.w3.org/2000/svg}text"))
        assert all(name in drawn for name in NORTHWIND_LABELS)
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / "northwind-saved.png").write_bytes(png.read_bytes())
        (SHOTS / "northwind-saved.svg").write_bytes(svg.read_bytes())


def fifty_label_report() -> Report:
    """50 labels with random types between them, two self-loops and a parallel bundle."""
    rng = random.Random(14)
    report = make_report(labels=50, properties=4, types=0)
    for i, label in enumerate(report.labels):
        label.count = rng.randint(10, 2_000_000)
        label.name = f"Label{i}"
    types = []
    for t in range(80):
        a, b = rng.randrange(50), rng.randrange(50)
        types.append(
            RelationshipType(
                name=f"REL_{t}",
                count=rng.randint(1, 100_000),
                patterns=[Pattern(start=f"Label{a}", end=f"Label{b}", count=rng.randint(1, 9999))],
            )
        )
    for name, start, end in [
        ("LOOP_A", "Label3", "Label3"),
        ("LOOP_B", "Label3", "Label3"),
        ("BUNDLE_1", "Label1", "Label2"),
        ("BUNDLE_2", "Label1", "Label2"),
        ("BUNDLE_BACK", "Label2", "Label1"),
    ]:
        types.append(
            RelationshipType(
                name=name, count=50, patterns=[Pattern(start=start, end=end, count=50)]
            )
        )
    report.relationship_types = types
    return report


async def test_journey_fifty_labels_opened_from_a_file(tmp_path: Path) -> None:
    source = save_report(fifty_label_report(), tmp_path / "fifty.json")
    async with open_window(SecretStore(fail.Keyring())) as window:
        await press(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
        dialog = await wait_for_widget(QFileDialog, "open-file-dialog")
        assert isinstance(dialog, QFileDialog)
        _choose(dialog, source)
        await wait_for(lambda: window.tabs.currentIndex() == 1, 20, "the Results tab")
        await wait_for(lambda: window.results.proxy.rowCount() > 0, 20, "tree rows")
        view = await _show_schema_tab(window)
        assert len(view.labels) == 50 and view.hidden_labels == 0
        assert view.legend is not None and len(view.legend.entries) == 50
        # No two discs overlap, nor a disc and the legend.
        discs = list(view.labels.values())
        for n, a in enumerate(discs):
            for b in discs[n + 1 :]:
                gap = (
                    math.dist((a.pos().x(), a.pos().y()), (b.pos().x(), b.pos().y()))
                    - (a.rect().width() + b.rect().width()) / 2
                )
                assert gap >= 10, (a.name, b.name, gap)
            assert not a.sceneBoundingRect().intersects(view.legend.sceneBoundingRect())
        assert window.tabs.currentWidget() is window.results.schema_pane
        await _shot(window, "fifty-labels")
        png = tmp_path / "fifty.png"
        await _save_through_dialog(view, "png", png)
        assert not QImage(str(png)).isNull()
        (SHOTS / "fifty-labels-saved.png").write_bytes(png.read_bytes())


def _file_menu_action(window: MainWindow, text: str) -> tuple[QMenu, QAction]:
    """The File menu and its action with `text` (mnemonic ampersands ignored), as shown."""
    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu) and top.text().replace("&", "") == "File":
            for action in menu.actions():
                if action.text().replace("&", "") == text:
                    return menu, action
    raise AssertionError(f"File > {text} not found")


async def _open_report(window: MainWindow, path: Path) -> None:
    await press(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    dialog = await wait_for_widget(QFileDialog, "open-file-dialog")
    assert isinstance(dialog, QFileDialog)
    _choose(dialog, path)


async def test_journey_save_schema_picture_from_the_file_menu(tmp_path: Path) -> None:
    report = make_report(labels=5)
    report.labels[2].name = "Kunde <b>&amp;</b> | `x`"
    source = save_report(report, tmp_path / "five.json")
    empty = make_report(labels=0, types=0)
    empty.indexes, empty.constraints = [], []
    no_labels = save_report(empty, tmp_path / "no-labels.json")
    async with open_window(SecretStore(fail.Keyring())) as window:
        menu, action = _file_menu_action(window, "Save Schema Picture As…")
        assert not action.isEnabled(), "no report, no picture: nothing to save"

        await _open_report(window, source)
        await wait_for(action.isEnabled, 30, "File > Save Schema Picture As… enabled")
        assert window.results.schema_view.legend is not None
        menu.popup(window.mapToGlobal(window.menuBar().geometry().bottomLeft()))
        await wait_for(menu.isVisible, 10, "the File menu open")
        await asyncio.sleep(0.2)
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert menu.grab().save(str(SHOTS / "file-menu-save-picture.png"))
        menu.close()

        # SVG: the suffix chooses the format; every name is in the file, whole.
        svg = tmp_path / "five schema.svg"
        action.trigger()
        dialog = await wait_for_widget(QFileDialog, "save-picture-dialog")
        assert isinstance(dialog, QFileDialog)
        assert dialog.nameFilters() == ["PNG image (*.png)", "SVG drawing (*.svg)"]
        _choose(dialog, svg)
        await wait_for(svg.exists, 20, "the SVG file")
        await wait_for(
            lambda: str(svg) in window.statusBar().currentMessage(), 10, "Saved … to the SVG"
        )
        root = ET.fromstring(svg.read_text(encoding="utf-8"))
        desc = "".join(el.text or "" for el in root.iter("{http://www.w3.org/2000/svg}desc"))
        assert all(label.name in desc for label in report.labels), desc
        assert len(list(root.iter("{http://www.w3.org/2000/svg}circle"))) == len(report.labels)

        # PNG through the same menu entry.
        png = tmp_path / "five schema.png"
        action.trigger()
        dialog = await wait_for_widget(QFileDialog, "save-picture-dialog")
        assert isinstance(dialog, QFileDialog)
        _choose(dialog, png)
        await wait_for(png.exists, 20, "the PNG file")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        image = QImage(str(png))
        assert not image.isNull() and image.width() > 400
        (SHOTS / "file-menu-saved.png").write_bytes(png.read_bytes())
        (SHOTS / "file-menu-saved.svg").write_bytes(svg.read_bytes())
        await _shot(window, "file-menu-save-picture-window")

        # A report without labels has no picture: the entry is disabled again.
        await _open_report(window, no_labels)
        await wait_for(
            lambda: window.results.report is not None and not window.results.report.labels,
            20,
            "the report without labels shown",
        )
        await wait_for(lambda: not action.isEnabled(), 10, "the entry disabled")
