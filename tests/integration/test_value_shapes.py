"""The one-integer string shape the value aggregates count (value_profile.SHAPE) against the
conditions quality's examples and suggestions use (quality_checks.CONDITION_NAMES), evaluated by
the real server on strings at every boundary of the checks."""

from __future__ import annotations

import pytest

from neosense_desktop.core.extraction.quality_checks import CONDITION_NAMES
from neosense_desktop.core.extraction.value_profile import (
    SHAPE_FLAGS,
    aggregate_parameters,
    bind_values,
)
from tests.neo4j_support import GraphFixture

pytestmark = pytest.mark.neo4j

STRINGS = [
    *("", " ", "\t \n", "x", "1", " 42 ", "-1", " -1", "+1", "-", "+", ".", "-.", "1.", ".5"),
    *("1e5", "1E5", "1.5e-3", "-2.5E+10", "1e", "e5", "0x1F", "١٢٣", "12a", "1 2", "--1"),
    *("true", "TRUE", " False ", "truee", "yes", "n/a", "N/A", "na", "NULL", " none", "nil"),
    *("?", "unknown", "UNDEFINED", "undefined!", "-1.0", "-1e0", "1/1/2024", "12/31/2024"),
    *("2024-01-01", " 2024-01-01 ", "2024-1-1", "2024-01-01T10:00", "2024-01-01 10:00:00"),
    *("2024-01-01T10:00:00.123Z", "2024-01-01T10:00:00+02:00", "2024-01-01T10:00:00+0200"),
    *("1.1.2024", "31.12.2024", "1.1.24", "20240101", "12345678", "1234567.8", "-2024-01-01"),
    *("2024-01-01x", "Ünïcödé", "名前", "0", "00000000", "+12345678901234567890"),
]


def test_each_string_shape_passes_exactly_the_checks_quality_counts(
    graph: GraphFixture,
) -> None:
    conditions = [c.replace("{p}", "v") for c in CONDITION_NAMES]
    rows = graph.run(
        "UNWIND range(0, size($strings) - 1) AS i WITH i, {v: $strings[i]} AS p, 'v' AS k "
        f"{bind_values('i, k')} RETURN i, shape, [{', '.join(conditions)}] AS checks "
        "ORDER BY i",
        strings=STRINGS,
        **aggregate_parameters(100),
    )
    assert len(rows) == len(STRINGS)
    names = [CONDITION_NAMES[c] for c in CONDITION_NAMES]
    seen_shapes = set()
    for row in rows:
        text = STRINGS[int(row["i"])]  # type: ignore[call-overload]
        passed = {n for n, hit in zip(names, row["checks"], strict=True) if hit}  # type: ignore[call-overload]
        passed.discard("present")
        shape = int(row["shape"])  # type: ignore[call-overload]
        seen_shapes.add(shape)
        assert set(SHAPE_FLAGS[shape]) == passed, (text, shape, passed)
    # Every shape occurs among the strings, so each branch of the CASE chain is checked;
    # but 7 (a sentinel that is a number but not an integer): no listed sentinel is one.
    assert seen_shapes == set(range(len(SHAPE_FLAGS))) - {7}


def test_non_strings_have_no_string_shape(graph: GraphFixture) -> None:
    rows = graph.run(
        "UNWIND [1, -1, 1.5, true, date('2024-01-01'), [1], ['-1']] AS x "
        f"WITH {{v: x}} AS p, 'v' AS k {bind_values('k')} RETURN shape, vn",
        **aggregate_parameters(100),
    )
    assert [(r["shape"], r["vn"]) for r in rows] == [(0, None)] * 7
