"""One colour per label, shared by the window and the exports: stable and distinct."""

from __future__ import annotations

import re

from neosense_desktop.core.formats.html import render_html
from neosense_desktop.core.formats.picture import report_label_colours, schema_svg
from neosense_desktop.core.label_palette import PALETTE, label_colours, text_colour_on
from tests.ui.report_factory import make_report

NORTHWIND = [
    ("Order", 830),
    ("Customer", 91),
    ("Product", 77),
    ("Supplier", 29),
    ("Employee", 9),
    ("Category", 8),
]


def test_northwind_labels_all_get_different_colours() -> None:
    colours = label_colours(NORTHWIND)
    assert len(set(colours.values())) == len(NORTHWIND), colours
    assert set(colours.values()) <= set(PALETTE)


def test_colours_are_stable_whatever_the_order_given() -> None:
    assert label_colours(NORTHWIND) == label_colours(list(reversed(NORTHWIND)))
    # A small label added later leaves the larger labels' colours as they were.
    more = label_colours([*NORTHWIND, ("Shipper", 3)])
    assert all(more[name] == colour for name, colour in label_colours(NORTHWIND).items())


def test_the_largest_labels_differ_and_the_rest_share_by_hash() -> None:
    labels = [(f"Label{i}", 1000 - i) for i in range(50)]
    colours = label_colours(labels)
    largest = [colours[f"Label{i}"] for i in range(len(PALETTE))]
    assert len(set(largest)) == len(PALETTE)
    assert set(colours.values()) == set(PALETTE)
    assert colours == label_colours(labels)


def test_text_on_a_colour_reads() -> None:
    assert text_colour_on("#F0E442") == "#000000"  # yellow
    assert text_colour_on("#0072B2") == "#FFFFFF"  # blue


def test_the_html_export_uses_the_same_colours() -> None:
    report = make_report(labels=5)
    colours = report_label_colours(report)
    assert len(set(colours.values())) == 5
    svg = schema_svg(report)
    fills = re.findall(r'fill="(#[0-9A-F]{6})"', svg)
    assert set(colours.values()) <= set(fills)
    page = render_html(report)
    for colour in colours.values():
        assert f"background:{colour}" in page


def test_the_html_picture_has_a_legend_with_the_same_colours() -> None:
    import xml.etree.ElementTree as ET

    report = make_report(labels=12)
    report.labels[3].name = '<b>x</b>|p`q & "y"'
    colours = report_label_colours(report)
    svg = ET.fromstring(schema_svg(report))  # well-formed: every name escaped
    ns = {"s": "http://www.w3.org/2000/svg"}
    legend = svg.find("s:g[@class='legend']", ns)
    assert legend is not None
    entries = legend.findall("s:g[@class='legend-entry']", ns)
    shown = {}
    for entry in entries:
        text = entry.find("s:text", ns)
        circle = entry.find("s:circle", ns)
        assert text is not None and circle is not None and text.text
        name, count = text.text.rsplit("  ", 1)
        shown[name] = (circle.get("fill"), count, float(text.get("x", "0")))
    assert {name: fill for name, (fill, _c, _x) in shown.items()} == colours
    assert shown['<b>x</b>|p`q & "y"'][1] == f"{report.labels[3].count:,}"
    # Right of every disc and inside the picture's viewBox.
    left, _top, width, _height = map(float, svg.get("viewBox", "").split())
    discs = svg.findall("s:g[@class='label']/s:circle", ns)
    disc_right = max(float(c.get("cx", "0")) + float(c.get("r", "0")) for c in discs)
    assert all(disc_right < x < left + width for _f, _c, x in shown.values())
