"""core/schema_routing: arrows bend around discs and names; names go where nothing is."""

from __future__ import annotations

import math

import pytest

from neosense_desktop.core.schema_routing import (
    Box,
    Disc,
    curve_between,
    label_spots,
    place_text,
    route_bend,
)

A = Disc("A", 0, 0, 20)
B = Disc("B", 400, 0, 20)


def _min_gap(bend: float, obstacle: Disc) -> float:
    curve = curve_between(A, B, bend)
    return min(
        math.hypot(x - obstacle.x, y - obstacle.y) - obstacle.radius for x, y in curve.points()
    )


def test_a_straight_arrow_stays_straight_when_nothing_is_in_the_way() -> None:
    assert route_bend(A, B, 0.0, [A, B, Disc("far", 200, 300, 30)], []) == 0.0


@pytest.mark.parametrize("y", [0.0, 10.0, -10.0])
def test_an_arrow_bends_around_a_disc_on_its_line(y: float) -> None:
    middle = Disc("M", 200, y, 30)
    assert _min_gap(0.0, middle) < 0  # straight, it would cross
    bend = route_bend(A, B, 0.0, [A, B, middle], [])
    assert bend != 0.0 and _min_gap(bend, middle) > 0


def test_an_arrow_bends_around_a_name() -> None:
    name = Box(180, -8, 40, 16)
    bend = route_bend(A, B, 0.0, [A, B], [name])
    grown = name.grown(3)
    assert not any(grown.contains(x, y) for x, y in curve_between(A, B, bend).points()[1:-1])


def test_a_parallel_arrow_keeps_its_side() -> None:
    middle = Disc("M", 200, 0, 30)
    assert route_bend(A, B, 1.0, [A, B, middle], []) >= 1.0
    assert route_bend(A, B, -1.0, [A, B, middle], []) <= -1.0


def test_the_ends_own_discs_never_count() -> None:
    assert route_bend(A, B, 0.0, [A, B], []) == 0.0


def test_a_name_goes_to_the_first_free_spot_with_a_margin() -> None:
    spots = [(0.0, 0.0), (100.0, 0.0)]
    taken = [Box(-30, -5, 60, 10)]
    placed = place_text(spots, 20, 10, taken)
    assert (placed.left, placed.top) == (90, -5)
    near = [Box(-10, 6, 20, 3)]  # 1 px below the name at the first spot: too close
    assert place_text(spots, 20, 10, near).left == 90


def test_when_every_spot_is_taken_the_least_overlap_wins() -> None:
    spots = [(0.0, 0.0), (50.0, 0.0)]
    taken = [Box(-20, -20, 40, 40), Box(45, -5, 4, 4)]
    assert place_text(spots, 20, 10, taken).left == 40


def test_spots_beside_the_curve_are_offered_after_those_on_it() -> None:
    curve = curve_between(A, B, 0.0)
    on = label_spots(curve)
    both = label_spots(curve, 12.0)
    assert both[: len(on)] == on and len(both) == 3 * len(on)
    assert {round(abs(y)) for _, y in both[len(on) :]} == {12}
