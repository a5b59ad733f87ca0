"""The HTML export's schema picture is routed as the window's: no arrow runs through
another label's disc or name, and no arrow's name sits on a disc, a name or another
arrow's name (as far as SVG text can be measured: the export's own width estimates)."""

from __future__ import annotations

import math
import re

from neosense_desktop.core.formats.picture import (
    EDGE_GLYPH_WIDTH,
    EDGE_TEXT_HEIGHT,
    GLYPH_WIDTH,
    NAME_HEIGHT,
    schema_svg,
)
from neosense_desktop.core.report import Pattern, RelationshipType
from neosense_desktop.core.schema_routing import Box
from tests.ui.report_factory import make_report


def _star_report() -> object:
    """A hub linked to a ring of eight labels, and each ring label linked to the one
    opposite: straight, those arrows would run through the hub."""
    report = make_report(labels=9, types=0)
    names = [lb.name for lb in report.labels]  # Label0, the largest, ends up in the middle
    hub, ring = names[0], names[1:]
    links = [(hub, r) for r in ring] + [(ring[i], ring[i + 4]) for i in range(4)]
    report.relationship_types = [
        RelationshipType(name=f"LINK_{n}", count=10, patterns=[Pattern(start=a, end=b, count=10)])
        for n, (a, b) in enumerate(links)
    ]
    return report


def test_no_arrow_or_arrow_name_crosses_a_label() -> None:
    svg = schema_svg(_star_report())  # type: ignore[arg-type]
    discs = [
        (float(x), float(y), float(r))
        for x, y, r in re.findall(r'<circle cx="([\d.-]+)" cy="([\d.-]+)" r="([\d.-]+)"', svg)
        if float(r) > 6  # not the legend's swatches
    ]
    names = []
    for x, y, text in re.findall(
        r'<text x="([\d.-]+)" y="([\d.-]+)" class="label-name">([^<]*)', svg
    ):
        width = len(text) * GLYPH_WIDTH
        names.append(Box(float(x) - width / 2, float(y) - 12, width, NAME_HEIGHT))
    edge_boxes = []
    for text_x, text_y, text in re.findall(
        r'<text x="([\d.-]+)" y="([\d.-]+)" class="edge-label">([^<]*)', svg
    ):
        width = len(text) * EDGE_GLYPH_WIDTH
        box = Box(
            float(text_x) - width / 2, float(text_y) - EDGE_TEXT_HEIGHT + 2, width, EDGE_TEXT_HEIGHT
        )
        for x, y, r in discs:
            assert not box.intersects(Box(x - r, y - r, 2 * r, 2 * r)), (text, "on a disc")
        for name in names:
            assert not box.intersects(name), (text, "on a label's name")
        for other in edge_boxes:
            assert not box.intersects(other), (text, "on another arrow's name")
        edge_boxes.append(box)
    assert len(edge_boxes) == 12
    for sx, sy, cx, cy, ex, ey in re.findall(
        r'd="M([\d.-]+),([\d.-]+) Q([\d.-]+),([\d.-]+) ([\d.-]+),([\d.-]+)"', svg
    ):
        p0, c, p1 = (float(sx), float(sy)), (float(cx), float(cy)), (float(ex), float(ey))
        for k in range(2, 39):
            t = k / 40
            px = (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * c[0] + t * t * p1[0]
            py = (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * c[1] + t * t * p1[1]
            for x, y, r in discs:
                ends = min(math.dist(p0, (x, y)), math.dist(p1, (x, y))) <= r + 1
                if not ends:
                    assert math.dist((px, py), (x, y)) > r, "an arrow crosses a disc"
