"""The schema picture worth sharing: a colour per label with a legend, properties on hover,
a highlighted neighbourhood, loops and parallel types apart, and PNG and SVG files."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from neosense_desktop.core.files import FileWriteError
from neosense_desktop.core.formats.picture import report_label_colours
from neosense_desktop.core.report import Label, Pattern, Property, Provenance, RelationshipType
from neosense_desktop.ui.schema_view import DIMMED_OPACITY, SchemaView, _format_for
from tests.ui.helpers import wait_for
from tests.ui.report_factory import make_report
from tests.ui.test_hostile_names_in_tree import HOSTILE_LABELS, hostile_report


def _view(qtbot: QtBot, report) -> SchemaView:  # type: ignore[no-untyped-def]
    view = SchemaView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.show_report(report, None)
    return view


def _parallel_report():  # type: ignore[no-untyped-def]
    report = make_report(labels=3, properties=1, types=0)
    report.relationship_types = [
        RelationshipType(
            name=f"T{i}",
            count=10 + i,
            patterns=[Pattern(start="Label0", end="Label1", count=10 + i)],
        )
        for i in range(3)
    ] + [
        RelationshipType(
            name="BACK", count=4, patterns=[Pattern(start="Label1", end="Label0", count=4)]
        ),
        RelationshipType(
            name="SELF_A", count=5, patterns=[Pattern(start="Label2", end="Label2", count=5)]
        ),
        RelationshipType(
            name="SELF_B", count=6, patterns=[Pattern(start="Label2", end="Label2", count=6)]
        ),
        RelationshipType(
            name="TO_2", count=6, patterns=[Pattern(start="Label1", end="Label2", count=6)]
        ),
    ]
    return report


def test_each_label_has_its_palette_colour_and_a_legend_entry(qtbot: QtBot) -> None:
    report = make_report(labels=6)
    view = _view(qtbot, report)
    expected = report_label_colours(report)
    colours = {name: item.brush().color().name().upper() for name, item in view.labels.items()}
    assert colours == expected
    assert len(set(colours.values())) == 6  # distinct while the palette allows
    assert view.legend is not None
    assert set(view.legend.entries) == set(view.labels)
    for name, (swatch, text) in view.legend.entries.items():
        assert swatch.brush().color().name().upper() == expected[name]
        assert text.text().startswith(name)
    # Stable: the same report drawn again (a new view, a new run) has the same colours.
    again = _view(qtbot, make_report(labels=6))
    assert {n: i.brush().color().name().upper() for n, i in again.labels.items()} == colours
    # The legend sits beside the discs, not over them.
    legend_rect = view.legend.sceneBoundingRect()
    assert not any(legend_rect.intersects(i.sceneBoundingRect()) for i in view.labels.values())


def test_hovering_a_label_shows_its_properties_as_plain_text(qtbot: QtBot) -> None:
    report = hostile_report()
    report.labels[0].properties.append(
        Property(
            name="<b>bold</b>",
            types=["INTEGER"],
            fill_rate=0.25,
            provenance=Provenance(method="scan"),
        )
    )
    view = _view(qtbot, report)
    item = view.labels["A|B"]
    text = item.tooltip_text
    assert text.splitlines()[:3] == [":A|B", "1,000 nodes", "2 properties:"]
    assert "  <b>bold</b>: INTEGER · 25% filled" in text
    assert "  p|A|B: STRING · 100% filled" in text
    assert "&lt;b&gt;bold&lt;/b&gt;" in item.toolTip() and "<b>bold" not in item.toolTip()
    # A real hover: the tooltip event at the disc's centre on the viewport.
    centre = view.mapFromScene(item.scenePos())
    event = QHelpEvent(QEvent.Type.ToolTip, centre, view.viewport().mapToGlobal(centre))
    QApplication.sendEvent(view.viewport(), event)
    assert QToolTip.isVisible() and "p|A|B" in QToolTip.text()
    QToolTip.hideText()


def test_selecting_a_label_dims_all_but_its_neighbourhood(qtbot: QtBot) -> None:
    view = _view(qtbot, _parallel_report())
    view.labels["Label0"].setSelected(True)
    assert view.focus == ("label", "Label0")
    assert view.labels["Label0"].opacity() == 1.0 and view.labels["Label1"].opacity() == 1.0
    assert view.labels["Label2"].opacity() == DIMMED_OPACITY  # not linked to Label0
    for edge in view.edges:
        touches = "Label0" in (edge.start_name, edge.end_name)
        assert edge.opacity() == (1.0 if touches else DIMMED_OPACITY), edge.key
        assert edge.pen().widthF() == (3.0 if touches else 1.6)
    # Selecting an arrow lights it and its two ends; clearing restores everything.
    view.scene().clearSelection()
    to_2 = next(e for e in view.edges if e.key[2] == "TO_2")
    to_2.setSelected(True)
    assert view.labels["Label0"].opacity() == DIMMED_OPACITY
    assert view.labels["Label2"].opacity() == 1.0 and to_2.opacity() == 1.0
    view.scene().clearSelection()
    assert view.focus is None
    assert all(i.opacity() == 1.0 for i in [*view.labels.values(), *view.edges])


def test_self_loops_and_parallel_types_are_drawn_apart(qtbot: QtBot) -> None:
    view = _view(qtbot, _parallel_report())
    between = [e for e in view.edges if {e.start_name, e.end_name} == {"Label0", "Label1"}]
    loops = [e for e in view.edges if e.start_name == e.end_name == "Label2"]
    assert len(between) == 4 and len(loops) == 2
    for group in (between, loops):
        for a, b in itertools.combinations(group, 2):
            # Different curves: their middles are well apart...
            ma, mb = a.path().pointAtPercent(0.5), b.path().pointAtPercent(0.5)
            assert (ma - mb).manhattanLength() > 20, (a.key, b.key)
            # ...and their names do not overlap.
            ra, rb = a.text.sceneBoundingRect(), b.text.sceneBoundingRect()
            assert not ra.intersects(rb), (a.key, b.key, ra, rb)
    # The taller loop encloses the smaller one.
    small, tall = sorted(loops, key=lambda e: e.path().boundingRect().height())
    assert tall.path().boundingRect().top() < small.path().boundingRect().top() - 20


def test_save_png_and_svg_files(qtbot: QtBot, tmp_path: Path) -> None:
    view = _view(qtbot, hostile_report())
    png = view.save_picture(tmp_path / "schema.png", "png")
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 300 and image.height() > 200
    # Not blank: the discs' colours are in it.
    colours = {
        image.pixelColor(x, y).name().upper()
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
    }
    assert len(set(report_label_colours(hostile_report()).values()) & colours) >= 3

    svg = view.save_picture(tmp_path / "schema.svg", "svg")
    raw = svg.read_text(encoding="utf-8")
    root = ET.fromstring(raw)  # well-formed XML, whatever the names hold
    assert root.tag.endswith("svg")
    ns = "{http://www.w3.org/2000/svg}"
    # Drawn: Qt splits a name into <text> runs where its script changes; in order they
    # spell it. Whole: the description names every label.
    drawn = "".join(el.text or "" for el in root.iter(f"{ns}text"))
    description = "".join(root.find(f"{ns}desc").itertext())  # type: ignore[union-attr]
    for name in HOSTILE_LABELS:
        assert name in drawn.replace("\n", ""), name
        assert name in description, name
    assert "<img src=x>" not in raw and "&lt;img src=x&gt;" in raw
    # A folder that cannot be written: a clear error, nothing half-written.
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(FileWriteError):
        view.save_picture(blocked / "schema.png", "png")


def test_hostile_hover_on_labels_in_the_window_report(qtbot: QtBot) -> None:
    report = make_report(labels=1, properties=0, types=0)
    report.labels = [Label(name="<img src=x>", count=3, properties=[])]
    view = _view(qtbot, report)
    assert view.labels["<img src=x>"].tooltip_text.endswith("No properties")
    assert "<img" not in view.labels["<img src=x>"].toolTip()


async def test_save_actions_follow_the_picture(qtbot: QtBot) -> None:
    view = SchemaView()
    qtbot.addWidget(view)
    assert not view.act_save_png.isEnabled() and not view.save_button.isEnabled()
    view.show_report(make_report(labels=2), None)
    assert view.act_save_svg.isEnabled() and view.save_button.isEnabled()
    view.show_report(None, None)
    await wait_for(lambda: not view.act_save_png.isEnabled(), 2, "the actions disabled")
    assert Qt.ContextMenuPolicy.ActionsContextMenu == view.contextMenuPolicy()
    assert view.act_save_png in view.actions() and QPoint(0, 0).isNull()


def test_save_as_takes_the_format_from_the_file_name() -> None:
    assert _format_for(Path("a/b.SVG"), "png") == (Path("a/b.SVG"), "svg")
    assert _format_for(Path("a/b.png"), "svg") == (Path("a/b.png"), "png")
    # Neither suffix: the dialog's chosen format is added, never a PNG named .jpg.
    assert _format_for(Path("a/b.jpg"), "svg") == (Path("a/b.jpg.svg"), "svg")
    assert _format_for(Path("a/schema"), "png") == (Path("a/schema.png"), "png")
