"""The schema picture as SVG text: labels as discs sized by count, patterns as arrows.

The same layout as the window's picture (core.schema_layout), drawn without Qt so that an
exported file carries it. Every name goes through html.escape (text and attributes alike).
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from html import escape

from ..report import Report
from ..schema_layout import LaidOutNode, layout_schema

# The window draws at most this many labels (ui/schema_view.MAX_LABELS_DRAWN): the force
# layout is quadratic, and a picture of more discs is not readable anyway.
MAX_LABELS_DRAWN = 80
# Okabe & Ito's colour-blind-safe palette (without black).
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
MARGIN = 70.0


def label_colour(name: str) -> str:
    """The same colour for a label in every export, whatever else is in the report."""
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


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
    left = min(n.x - n.radius for n in layout.values()) - MARGIN
    top = min(n.y - n.radius for n in layout.values()) - MARGIN
    right = max(n.x + n.radius for n in layout.values()) + MARGIN
    bottom = max(n.y + n.radius for n in layout.values()) + MARGIN
    width, height = right - left, bottom - top
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="schema" role="img" '
        f'aria-label="Schema picture" viewBox="{left:.1f} {top:.1f} {width:.1f} {height:.1f}" '
        f'width="{min(width, 1100):.0f}" preserveAspectRatio="xMidYMid meet">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for start, end, rel_type, count in edges:
        assert start is not None and end is not None
        a, b = layout[start], layout[end]
        key = (min(start, end), max(start, end))
        nth = seen[key]
        seen[key] += 1
        out.append(_edge(a, b, rel_type, count, nth))
    for name, count in nodes:
        out.append(_disc(layout[name], count))
    out.append("</svg>")
    return "\n".join(out)


def _edge(a: LaidOutNode, b: LaidOutNode, rel_type: str, count: int, nth: int) -> str:
    title = escape(f"(:{a.name})-[:{rel_type}]->(:{b.name}): {count:,}")
    if a.name == b.name:
        # A self-loop: a teardrop above the disc, one size larger for each further type.
        r = a.radius
        reach = r + 28 + 16 * nth
        x0, y0 = a.x - r * 0.5, a.y - r * 0.85
        x1, y1 = a.x + r * 0.5, a.y - r * 0.85
        path = (
            f"M{x0:.1f},{y0:.1f} C{a.x - reach:.1f},{a.y - reach * 1.6:.1f} "
            f"{a.x + reach:.1f},{a.y - reach * 1.6:.1f} {x1:.1f},{y1:.1f}"
        )
        tx, ty = a.x, a.y - reach * 1.25
    else:
        dx, dy = b.x - a.x, b.y - a.y
        dist = math.hypot(dx, dy) or 1.0
        ux, uy = dx / dist, dy / dist
        # Parallel types between the same two labels bend apart: 0, +1, -1, +2, ...
        bend = 0.0 if nth == 0 else 26.0 * ((nth + 1) // 2) * (1 if nth % 2 else -1)
        sx, sy = a.x + ux * a.radius, a.y + uy * a.radius
        ex, ey = b.x - ux * b.radius, b.y - uy * b.radius
        cx, cy = (sx + ex) / 2 - uy * bend * 2, (sy + ey) / 2 + ux * bend * 2
        path = f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}"
        tx, ty = (sx + 2 * cx + ex) / 4, (sy + 2 * cy + ey) / 4
    return (
        f'<g class="edge"><title>{title}</title>'
        f'<path d="{path}" fill="none" stroke="#777" stroke-width="1.4" '
        f'marker-end="url(#arrow)"/>'
        f'<text x="{tx:.1f}" y="{ty:.1f}" class="edge-label">{escape(rel_type)}</text></g>'
    )


def _disc(node: LaidOutNode, count: int) -> str:
    name = escape(node.name)
    return (
        f'<g class="label"><title>{escape(f":{node.name}")} {count:,} nodes</title>'
        f'<circle cx="{node.x:.1f}" cy="{node.y:.1f}" r="{node.radius:.1f}" '
        f'fill="{label_colour(node.name)}" stroke="#333" stroke-width="1.2"/>'
        f'<text x="{node.x:.1f}" y="{node.y + node.radius + 15:.1f}" '
        f'class="label-name">{name}</text></g>'
    )
