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
