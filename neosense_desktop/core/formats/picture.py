"""The schema picture as SVG text: labels as discs sized by count, patterns as arrows.

The same layout as the window's picture (core.schema_layout), drawn without Qt so that an
exported file carries it. Every name goes through html.escape (text and attributes alike),
with hidden and bidirectional controls shown as markers (formats.shown); a drawn name is cut
at schema_layout.MAX_NAME_CHARS, so the boxes have a maximum width, and the full name is in
the tooltip (<title>).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from html import escape

from ..label_palette import label_colours
from ..report import Report
from ..schema_layout import LaidOutNode, layout_schema, picture_name
from ..schema_routing import (
    Box,
    Disc,
    curve_between,
    disc_box,
    label_spots,
    place_text,
    route_bend,
)
from .shown import visible

# The window draws at most this many labels (ui/schema_view.MAX_LABELS_DRAWN): the force
# layout is quadratic, and a picture of more discs is not readable anyway.
MAX_LABELS_DRAWN = 80
MARGIN = 70.0
# The legend, as in the window (ui/schema_view.LegendItem): a row per label, in columns of
# 8 to 25 rows, to the right of the discs. SVG cannot measure text, so a column is as wide
# as its longest entry at an average glyph width of the 12 px font.
LEGEND_ROW = 20.0
LEGEND_GAP = 40.0
GLYPH_WIDTH = 7.2
NAME_HEIGHT = 15.0  # a label's name, 12 px bold
EDGE_GLYPH_WIDTH = 6.0  # an arrow's name, 10 px
EDGE_TEXT_HEIGHT = 12.0


def _e(text: str) -> str:
    return escape(visible(text))


def _drawn(name: str) -> str:
    """A name as drawn: cut, controls shown (not yet escaped, so its length is its width)."""
    return visible(picture_name(name))


def report_label_colours(report: Report) -> dict[str, str]:
    """Each label's colour (label_palette.py), the same in the window and every export."""
    return label_colours((lb.name, lb.count) for lb in report.labels)


def drawn_labels(report: Report, limit: int = MAX_LABELS_DRAWN) -> list[tuple[str, int]]:
    labels = sorted(report.labels, key=lambda lb: (-lb.count, lb.name))[:limit]
    return [(lb.name, lb.count) for lb in labels]


def schema_svg(report: Report, limit: int = MAX_LABELS_DRAWN) -> str:
    nodes = drawn_labels(report, limit)
    if not nodes:
        return '<p class="muted">No labels to draw.</p>'
    shown = {name for name, _ in nodes}
    edges = [
        (p.start, p.end, rel.name, p.count)
        for rel in sorted(report.relationship_types, key=lambda r: r.name)
        for p in rel.patterns
        if p.start in shown and p.end in shown
    ]
    layout = layout_schema(nodes, [(a, b, c) for a, b, _t, c in edges if a and b])
    colours = report_label_colours(report)
    top = min(n.y - n.radius for n in layout.values())
    bottom = max(n.y + n.radius for n in layout.values()) + 24
    # Right of the discs and of the names under them (a name can be wider than its disc).
    right = max(n.x + max(n.radius, len(_drawn(n.name)) * GLYPH_WIDTH / 2) for n in layout.values())
    legend, (legend_w, legend_h) = _legend(
        [(name, count, colours[name]) for name, count in nodes],
        right + LEGEND_GAP,
        top,
        rows=max(8, min(25, int((bottom - top) // LEGEND_ROW) - 2)),
    )
    left = min(n.x - n.radius for n in layout.values()) - MARGIN
    right = right + LEGEND_GAP + legend_w + MARGIN
    bottom = max(bottom, top + legend_h) + MARGIN
    top -= MARGIN
    width, height = right - left, bottom - top
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="schema" role="img" '
        f'aria-label="Schema picture" viewBox="{left:.1f} {top:.1f} {width:.1f} {height:.1f}" '
        f'width="{min(width, 1100):.0f}" preserveAspectRatio="xMidYMid meet">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    out.extend(_edges(edges, layout))
    for name, count in nodes:
        out.append(_disc(layout[name], count, colours[name]))
    out.append(legend)
    out.append("</svg>")
    return "\n".join(out)


def _name_box(node: LaidOutNode) -> Box:
    """Where a label's name sits under its disc (SVG cannot measure: estimated)."""
    width = len(_drawn(node.name)) * GLYPH_WIDTH
    return Box(node.x - width / 2, node.y + node.radius + 3, width, NAME_HEIGHT)


def _edges(
    edges: Sequence[tuple[str | None, str | None, str, int]], layout: dict[str, LaidOutNode]
) -> list[str]:
    """Every arrow, routed as the window routes them (core/schema_routing): around the other
    discs and names, each type's name where it overlaps no disc, name or other arrow's."""
    discs = {n.name: Disc(n.name, n.x, n.y, n.radius) for n in layout.values()}
    names = {n.name: _name_box(n) for n in layout.values()}
    taken = [*(disc_box(d) for d in discs.values()), *names.values()]
    seen: dict[tuple[str, str], int] = defaultdict(int)
    out = []
    for start, end, rel_type, count in edges:
        assert start is not None and end is not None
        pair = (min(start, end), max(start, end))
        nth = seen[pair]
        seen[pair] += 1
        title = _e(f"(:{start})-[:{rel_type}]->(:{end}): {count:,}")
        text = escape(_drawn(rel_type))
        if start == end:
            out.append(_loop(layout[start], title, text, nth))
            continue
        # Parallel types between the same two labels fan out: 0, +1, -1, +2, ... (in the
        # pair's own direction, so A->B and B->A bend to opposite sides).
        bend = 0.0 if nth == 0 else float(((nth + 1) // 2) * (1 if nth % 2 else -1))
        if start > end:
            bend = -bend
        a, b = discs[start], discs[end]
        blocking = [box for n, box in names.items() if n not in (start, end)]
        curve = curve_between(a, b, route_bend(a, b, bend, list(discs.values()), blocking))
        width = len(_drawn(rel_type)) * EDGE_GLYPH_WIDTH
        beside = math.hypot(width, EDGE_TEXT_HEIGHT) / 2 + 4
        box = place_text(label_spots(curve, beside), width, EDGE_TEXT_HEIGHT, taken)
        taken.append(box)
        (sx, sy), (cx, cy), (ex, ey) = curve.start, curve.control, curve.end
        out.append(
            f'<g class="edge"><title>{title}</title>'
            f'<path d="M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}" fill="none" '
            f'stroke="#777" stroke-width="1.4" marker-end="url(#arrow)"/>'
            f'<text x="{box.left + box.width / 2:.1f}" y="{box.top + EDGE_TEXT_HEIGHT - 2:.1f}" '
            f'class="edge-label">{text}</text></g>'
        )
    return out


def _loop(a: LaidOutNode, title: str, text: str, nth: int) -> str:
    """A self-loop: a teardrop above the disc, one size larger for each further type."""
    r = a.radius
    reach = r + 28 + 16 * nth
    x0, y0 = a.x - r * 0.5, a.y - r * 0.85
    x1, y1 = a.x + r * 0.5, a.y - r * 0.85
    path = (
        f"M{x0:.1f},{y0:.1f} C{a.x - reach:.1f},{a.y - reach * 1.6:.1f} "
        f"{a.x + reach:.1f},{a.y - reach * 1.6:.1f} {x1:.1f},{y1:.1f}"
    )
    return (
        f'<g class="edge"><title>{title}</title>'
        f'<path d="{path}" fill="none" stroke="#777" stroke-width="1.4" '
        f'marker-end="url(#arrow)"/>'
        f'<text x="{a.x:.1f}" y="{a.y - reach * 1.25:.1f}" class="edge-label">{text}</text></g>'
    )


def _disc(node: LaidOutNode, count: int, colour: str) -> str:
    name = escape(_drawn(node.name))
    return (
        f'<g class="label"><title>{_e(f":{node.name}")} {count:,} nodes</title>'
        f'<circle cx="{node.x:.1f}" cy="{node.y:.1f}" r="{node.radius:.1f}" '
        f'fill="{colour}" stroke="#333" stroke-width="1.2"/>'
        f'<text x="{node.x:.1f}" y="{node.y + node.radius + 15:.1f}" '
        f'class="label-name">{name}</text></g>'
    )


def _legend(
    entries: list[tuple[str, int, str]], x0: float, y0: float, rows: int
) -> tuple[str, tuple[float, float]]:
    """The colour key: a swatch, the name and the count of each label drawn, in columns.
    Returns the SVG and its (width, height)."""
    out = [
        '<g class="legend" aria-label="Legend">',
        f'<text x="{x0:.1f}" y="{y0 + 12:.1f}" class="legend-title">Labels</text>',
    ]
    x, column_width, height = x0, 0.0, LEGEND_ROW
    for i, (name, count, colour) in enumerate(entries):
        if i and i % rows == 0:
            x += column_width + 16
            column_width = 0.0
        y = y0 + LEGEND_ROW + 4 + (i % rows) * LEGEND_ROW
        text = f"{_drawn(name)}  {count:,}"
        out.append(
            f'<g class="legend-entry"><title>{_e(f":{name}")} {count:,} nodes</title>'
            f'<circle cx="{x + 6:.1f}" cy="{y + 9:.1f}" r="6" fill="{colour}" '
            f'stroke="#333" stroke-width="0.8"/>'
            f'<text x="{x + 18:.1f}" y="{y + 13:.1f}" class="legend-name">{escape(text)}</text>'
            "</g>"
        )
        column_width = max(column_width, 18 + len(text) * GLYPH_WIDTH)
        height = max(height, y + LEGEND_ROW - y0)
    out.append("</g>")
    return "".join(out), (x + column_width - x0, height)
