"""Where the schema picture's arrows run and where their names go, so that neither crosses
a label's disc or its name. Plain geometry (no Qt), shared by the window's picture and the
HTML export's SVG.

An arrow is a quadratic curve from one disc's rim to the other's; its control point sits
`bend` steps of PARALLEL_SPREAD off the straight line. `route_bend` tries bends growing away
from the one asked for (parallel arrows keep their side) until the curve clears every other
disc and name; `place_text` puts a name at the first spot along its curve that overlaps
nothing already drawn.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PARALLEL_SPREAD = 56.0
CLEARANCE = 6.0  # scene px kept between a curve and a disc or a name
SAMPLES = 24  # points checked along a curve
MAX_EXTRA_BEND = 4.0  # in PARALLEL_SPREAD steps, on either side of the one asked for


@dataclass(frozen=True)
class Disc:
    name: str
    x: float
    y: float
    radius: float


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def intersects(self, other: Box) -> bool:
        return not (
            other.left >= self.right
            or other.right <= self.left
            or other.top >= self.bottom
            or other.bottom <= self.top
        )

    def grown(self, by: float) -> Box:
        return Box(self.left - by, self.top - by, self.width + 2 * by, self.height + 2 * by)

    def contains(self, x: float, y: float) -> bool:
        return self.left <= x <= self.right and self.top <= y <= self.bottom


@dataclass(frozen=True)
class Curve:
    """A quadratic curve start -> control -> end."""

    start: tuple[float, float]
    control: tuple[float, float]
    end: tuple[float, float]

    def point(self, t: float) -> tuple[float, float]:
        u = 1 - t
        return (
            u * u * self.start[0] + 2 * u * t * self.control[0] + t * t * self.end[0],
            u * u * self.start[1] + 2 * u * t * self.control[1] + t * t * self.end[1],
        )

    def points(self, samples: int = SAMPLES) -> list[tuple[float, float]]:
        return [self.point(i / samples) for i in range(samples + 1)]


def curve_between(a: Disc, b: Disc, bend: float) -> Curve:
    """From a's rim towards b's rim, bent `bend` steps to the left of a -> b."""
    length = max(math.hypot(b.x - a.x, b.y - a.y), 1.0)
    ux, uy = (b.x - a.x) / length, (b.y - a.y) / length
    start = (a.x + ux * a.radius, a.y + uy * a.radius)
    end = (b.x - ux * b.radius, b.y - uy * b.radius)
    mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    control = (mid[0] - uy * bend * PARALLEL_SPREAD, mid[1] + ux * bend * PARALLEL_SPREAD)
    return Curve(start, control, end)


def _bounds(points: Sequence[tuple[float, float]]) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def _crossings(curve: Curve, discs: Iterable[Disc], boxes: Iterable[Box]) -> int:
    """How many sampled points of the curve fall on a disc or a name (ends excluded).

    Only the discs and names near the curve's bounding box are measured: a picture of 80
    labels and 200 arrows would otherwise take seconds to route."""
    inner = curve.points()[1:-1]
    near = _bounds(inner).grown(CLEARANCE)
    hits = 0
    for d in discs:
        if not disc_box(d).intersects(near):
            continue
        reach = d.radius + CLEARANCE
        hits += sum(1 for x, y in inner if math.hypot(x - d.x, y - d.y) < reach)
    for box in boxes:
        grown = box.grown(CLEARANCE / 2)
        if not grown.intersects(near):
            continue
        hits += sum(1 for x, y in inner if grown.contains(x, y))
    return hits


def route_bend(a: Disc, b: Disc, bend: float, discs: Sequence[Disc], names: Sequence[Box]) -> float:
    """The bend nearest `bend` whose curve crosses no disc or name but its own ends' discs
    (their names it may pass: they hang below their own discs). Tries half steps outwards,
    the asked side first; when nothing is clear, the bend with the fewest crossings."""
    others = [d for d in discs if d.name not in (a.name, b.name)]
    side = 1.0 if bend >= 0 else -1.0
    best, best_hits = bend, _crossings(curve_between(a, b, bend), others, names)
    if best_hits == 0:
        return bend
    step = 0.5
    extra = step
    while extra <= MAX_EXTRA_BEND:
        for candidate in (bend + side * extra, bend - side * extra):
            hits = _crossings(curve_between(a, b, candidate), others, names)
            if hits == 0:
                return candidate
            if hits < best_hits:
                best, best_hits = candidate, hits
        extra += step
    return best


TEXT_MARGIN = 4.0  # scene px kept free around an arrow's name


def place_text(
    spots: Sequence[tuple[float, float]], width: float, height: float, taken: Sequence[Box]
) -> Box:
    """A box of width x height centred on the first spot where it overlaps nothing taken
    (with TEXT_MARGIN around it, so that it never touches); where every spot overlaps, the
    one that overlaps least."""
    best: Box | None = None
    best_overlap = math.inf
    for x, y in spots:
        box = Box(x - width / 2, y - height / 2, width, height)
        room = box.grown(TEXT_MARGIN)
        overlap = sum(_overlap_area(room, other) for other in taken)
        if overlap == 0:
            return box
        if overlap < best_overlap:
            best, best_overlap = box, overlap
    assert best is not None or not spots
    return best if best is not None else Box(0, 0, width, height)


def _overlap_area(a: Box, b: Box) -> float:
    w = min(a.right, b.right) - max(a.left, b.left)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    return w * h if w > 0 and h > 0 else 0.0


def disc_box(d: Disc) -> Box:
    return Box(d.x - d.radius, d.y - d.radius, 2 * d.radius, 2 * d.radius)


SPOT_TS = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85)


def label_spots(curve: Curve, beside: float = 0.0) -> list[tuple[float, float]]:
    """Where along a curve its name may go, best first: on the curve from the middle
    outwards, then (with `beside`) that far off either side of it, for a short arrow whose
    every spot on the curve is taken."""
    on = [curve.point(t) for t in SPOT_TS]
    if beside <= 0:
        return on
    off: list[tuple[float, float]] = []
    for t in SPOT_TS:
        x, y = curve.point(t)
        # The curve's direction at t (the derivative of the quadratic), turned a right angle.
        dx = 2 * (1 - t) * (curve.control[0] - curve.start[0]) + 2 * t * (
            curve.end[0] - curve.control[0]
        )
        dy = 2 * (1 - t) * (curve.control[1] - curve.start[1]) + 2 * t * (
            curve.end[1] - curve.control[1]
        )
        length = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / length, dx / length
        off += [(x + nx * beside, y + ny * beside), (x - nx * beside, y - ny * beside)]
    return on + off
