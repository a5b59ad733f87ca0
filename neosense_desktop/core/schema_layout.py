"""Where to draw each label in the schema picture: a force-directed layout, no Qt.

It lives in core because both the window's picture and the HTML export draw it.

Deterministic: labels start on a circle ordered by size, then a Fruchterman-Reingold pass
pulls connected labels together and pushes all apart, and a last pass removes overlaps
between the discs. layout_steps() is the same work in small steps, which the window runs in
slices on the event loop (ui/slices.py says why not in a worker thread).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
# A generator that yields between small steps and returns its result (ui/slices.py runs it
# in slices on the event loop; drain() runs it at once).
Steps = Generator[None, None, T]


def drain(steps: Steps[T]) -> T:
    """Run every step now; return what the generator returns."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]


MIN_RADIUS = 16.0
MAX_RADIUS = 52.0
GRAVITY = 0.6
# The longest name a picture draws under a disc, in a legend row or along an arrow: longer
# ones are cut with an ellipsis (the full name is in the tooltip), so one 3,000-character
# label cannot widen the picture until everything else is too small to read.
MAX_NAME_CHARS = 40


def picture_name(name: str) -> str:
    """The name as a picture draws it: at most MAX_NAME_CHARS, ending in … when cut."""
    return name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1] + "…"


@dataclass(frozen=True)
class LaidOutNode:
    name: str
    x: float
    y: float
    radius: float


def node_radius(count: int, largest: int) -> float:
    """Disc radius: area grows with the count, between MIN_RADIUS and MAX_RADIUS."""
    if largest <= 0:
        return MIN_RADIUS
    share = math.sqrt(max(count, 0) / largest)
    return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * share


def layout_schema(
    nodes: list[tuple[str, int]],
    edges: list[tuple[str, str, int]],
    *,
    iterations: int = 250,
) -> dict[str, LaidOutNode]:
    """Positions for labels (name, count) linked by edges (start, end, count).

    Connected labels get the force-directed layout; labels with no relationship to another
    label are packed in a grid below it, so they neither drift off nor crowd the graph.
    """
    return drain(layout_steps(nodes, edges, iterations=iterations))


def layout_steps(
    nodes: list[tuple[str, int]],
    edges: list[tuple[str, str, int]],
    *,
    iterations: int = 250,
) -> Steps[dict[str, LaidOutNode]]:
    """layout_schema() one force iteration or overlap pass per step (for run_sliced)."""
    if not nodes:
        return {}
    largest = max(c for _, c in nodes)
    linked = {a for a, b, _ in edges if a != b} | {b for a, b, _ in edges if a != b}
    connected = [(n, c) for n, c in nodes if n in linked]
    isolated = sorted(((n, c) for n, c in nodes if n not in linked), key=lambda nc: (-nc[1], nc[0]))
    placed = (yield from _force_layout(connected, edges, largest, iterations)) if connected else {}
    if isolated:
        placed.update(_grid_below(isolated, largest, placed))
    return placed


def _grid_below(
    isolated: list[tuple[str, int]], largest: int, placed: dict[str, LaidOutNode]
) -> dict[str, LaidOutNode]:
    radii = {n: node_radius(c, largest) for n, c in isolated}
    cell = 2 * max(radii.values()) + 60
    if placed:
        left = min(p.x - p.radius for p in placed.values())
        right = max(p.x + p.radius for p in placed.values())
        top = max(p.y + p.radius for p in placed.values()) + cell
    else:
        left, right, top = 0.0, 0.0, 0.0
    columns = max(int((right - left) // cell) + 1, math.ceil(math.sqrt(len(isolated) * 1.6)))
    return {
        name: LaidOutNode(
            name, left + (i % columns) * cell + cell / 2, top + (i // columns) * cell, radii[name]
        )
        for i, (name, _) in enumerate(isolated)
    }


def _force_layout(
    nodes: list[tuple[str, int]],
    edges: list[tuple[str, str, int]],
    largest: int,
    iterations: int,
) -> Steps[dict[str, LaidOutNode]]:
    order = sorted(nodes, key=lambda nc: (-nc[1], nc[0]))
    radius = {n: node_radius(c, largest) for n, c in order}
    n = len(order)
    ring = max(150.0, sum(2 * r + 40 for r in radius.values()) / (2 * math.pi))
    pos = {
        name: [ring * math.cos(2 * math.pi * i / n), ring * math.sin(2 * math.pi * i / n)]
        for i, (name, _) in enumerate(order)
    }
    if n == 1:
        name = order[0][0]
        return {name: LaidOutNode(name, 0.0, 0.0, radius[name])}
    links = [(a, b) for a, b, _ in edges if a in pos and b in pos and a != b]
    # Ideal edge length: room for two average discs plus their labels.
    k = 2.2 * sum(radius.values()) / n + 60
    temperature = ring / 4
    names = [name for name, _ in order]
    for step in range(iterations):
        disp = {name: [0.0, 0.0] for name in names}
        for i, a in enumerate(names):
            pa = pos[a]
            for b in names[i + 1 :]:
                pb = pos[b]
                dx, dy = pa[0] - pb[0], pa[1] - pb[1]
                dist = math.hypot(dx, dy) or 0.01
                gap = max(dist - radius[a] - radius[b], 1.0)
                force = k * k / gap
                fx, fy = dx / dist * force, dy / dist * force
                disp[a][0] += fx
                disp[a][1] += fy
                disp[b][0] -= fx
                disp[b][1] -= fy
        for a, b in links:
            pa, pb = pos[a], pos[b]
            dx, dy = pa[0] - pb[0], pa[1] - pb[1]
            dist = math.hypot(dx, dy) or 0.01
            force = dist * dist / k
            fx, fy = dx / dist * force, dy / dist * force
            disp[a][0] -= fx
            disp[a][1] -= fy
            disp[b][0] += fx
            disp[b][1] += fy
        for name in names:
            p = pos[name]
            # A weak pull to the centre keeps unconnected labels from drifting away.
            disp[name][0] -= p[0] * GRAVITY
            disp[name][1] -= p[1] * GRAVITY
            dx, dy = disp[name]
            length = math.hypot(dx, dy) or 0.01
            move = min(length, temperature)
            p[0] += dx / length * move
            p[1] += dy / length * move
        temperature = max(1.0, temperature * (1 - step / iterations) ** 0.5 * 0.98)
        yield
    yield from _remove_overlaps(names, pos, radius)
    return {name: LaidOutNode(name, pos[name][0], pos[name][1], radius[name]) for name in names}


def _remove_overlaps(
    names: list[str], pos: dict[str, list[float]], radius: dict[str, float], margin: float = 24.0
) -> Steps[None]:
    for _ in range(60):
        yield
        moved = False
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                pa, pb = pos[a], pos[b]
                dx, dy = pb[0] - pa[0], pb[1] - pa[1]
                dist = math.hypot(dx, dy)
                need = radius[a] + radius[b] + margin
                if dist < need:
                    if dist < 1e-6:
                        dx, dy, dist = 1.0, 0.0, 1.0
                    push = (need - dist) / 2
                    ux, uy = dx / dist, dy / dist
                    pa[0] -= ux * push
                    pa[1] -= uy * push
                    pb[0] += ux * push
                    pb[1] += uy * push
                    moved = True
        if not moved:
            return
