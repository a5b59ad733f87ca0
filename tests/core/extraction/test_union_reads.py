"""union_reads: which parts share a branch, and the text a shared branch is sent as."""

from __future__ import annotations

import pytest

from neosense_desktop.core.cypher import escape_name, replace_parameters
from neosense_desktop.core.extraction.union_reads import (
    _grouped_branch,
    _units,
    returned_columns,
)

HOSTILE = escape_name("Odd `x` RETURN $tag AS f, 'y' <b>|;")


def _part(label: str, condition: str = "n[$example_key] IS NOT NULL") -> str:
    return (
        f"MATCH (n:{label}) WITH n WHERE {condition} RETURN $tag AS f, "
        "elementId(n) AS id, null AS value LIMIT 5"
    )


@pytest.mark.parametrize(
    ("cypher", "columns"),
    [
        (_part("`A`"), ["f", "id", "value"]),
        (_part(HOSTILE), ["f", "id", "value"]),
        ("MATCH (n) RETURN $tag AS f, coalesce(n.a, n.b) AS v ORDER BY v LIMIT 3", ["f", "v"]),
        # An item without an alias, or a name or string in the clause: not read.
        ("MATCH (n) RETURN $tag AS f, n.a", None),
        ("MATCH (n) RETURN $tag AS f, n.`a b` AS v", None),
        ("MATCH (n) RETURN $tag AS f, 'x' AS v", None),
        ("MATCH (n) WITH n LIMIT 1", None),
    ],
)
def test_returned_columns(cypher: str, columns: list[str] | None) -> None:
    assert returned_columns(cypher) == columns


def test_parts_with_one_text_and_the_same_parameter_names_share_a_unit() -> None:
    parts = [
        (_part("`A`"), {"example_key": "a"}),
        (_part("`B`"), {"example_key": "a"}),
        (_part("`A`"), {"example_key": "b"}),
        (_part("`A`"), {"other": "b"}),
        (_part(HOSTILE), {"example_key": "c"}),
        (_part(HOSTILE), {"example_key": "d"}),
    ]
    units = _units(parts)
    assert [[i for i, _ in u.members] for u in units] == [[0, 2], [1], [3], [4, 5]]


@pytest.mark.parametrize("scoped", [True, False])
def test_a_shared_branch_reads_each_part_per_row_keeping_names_and_strings(scoped: bool) -> None:
    condition = "n[$example_key] IS :: STRING AND n[$example_key] = '$example_key'"
    (unit,) = _units([(_part(HOSTILE, condition), {"example_key": k}) for k in ("a", "b`$x", "c")])
    grouped = _grouped_branch(unit, "g7", scoped)
    assert grouped is not None
    text, params = grouped
    body = (
        f"MATCH (n:{HOSTILE}) WITH n WHERE n[row.example_key] IS :: STRING AND "
        "n[row.example_key] = '$example_key' RETURN row.tag AS f, elementId(n) AS id, "
        "null AS value LIMIT 5"
    )
    call = f"CALL (row) {{ {body} }}" if scoped else f"CALL {{ WITH row {body} }}"
    assert text == f"UNWIND $g7 AS row {call} RETURN f, id, value"
    assert params == {
        "g7": [
            {"example_key": "a", "tag": 0},
            {"example_key": "b`$x", "tag": 1},
            {"example_key": "c", "tag": 2},
        ]
    }


def test_a_part_with_a_parameter_in_limit_is_not_shared() -> None:
    cypher = "MATCH (n:`A`) WITH n LIMIT $k RETURN $tag AS f, elementId(n) AS id"
    (unit,) = _units([(cypher, {"k": 1}), (cypher, {"k": 2})])
    assert _grouped_branch(unit, "g0", True) is None


def test_replace_parameters_leaves_names_and_strings_alone() -> None:
    cypher = f"MATCH (n:{HOSTILE}) WHERE n.a = '$k' RETURN $k + $kk"
    assert replace_parameters(cypher, ["k"], lambda n: f"row.{n}") == (
        f"MATCH (n:{HOSTILE}) WHERE n.a = '$k' RETURN row.k + $kk"
    )
