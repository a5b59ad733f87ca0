"""core/preview: the rows a preview shows, shaped from what the query returned, under each
values policy. Pure logic on plain data (the real server's side: tests/integration)."""

from __future__ import annotations

from typing import Any

import pytest

from neosense_desktop.core.preview import (
    PREVIEW_LIMIT,
    preview_parameters,
    preview_query,
    preview_table,
)

EXAMPLES_ROWS: list[dict[str, Any]] = [
    {"labels": ["Person", "Admin"], "props": {"name": "Ada", "born": 1815}},
    {"labels": ["Person"], "props": {"name": "x" * 500, "email": "c@b.org"}},
]
STATS_ROWS: list[dict[str, Any]] = [
    {
        "labels": ["Person"],
        "cells": [
            {"k": "name", "t": "STRING NOT NULL", "v": None, "n": 3},
            {"k": "born", "t": "INTEGER NOT NULL", "v": 1815, "n": None},
            {"k": "tags", "t": "LIST<STRING NOT NULL> NOT NULL", "v": None, "n": 1},
        ],
    },
]
NONE_ROWS: list[dict[str, Any]] = [
    {"labels": [], "cells": [{"k": "name", "t": "STRING NOT NULL", "v": None, "n": None}]},
]


def test_examples_show_values_one_column_per_key_sorted_by_name() -> None:
    table = preview_table("label", "Person", EXAMPLES_ROWS, "examples")
    assert table.columns == ["Labels", "born", "email", "name"]
    assert table.rows[0] == [":Person:Admin", "1815", "", "Ada"]
    assert table.rows[1][3] == "x" * 199 + "…"  # cut at MAX_DISPLAY_CHARS
    assert table.caption.startswith("(:Person): the first 2 rows; values shown as they are")


def test_stats_show_numbers_and_lengths_never_text() -> None:
    table = preview_table("label", "Person", STATS_ROWS, "stats")
    assert table.columns == ["Labels", "born", "name", "tags"]
    assert table.rows == [[":Person", "1815", "(string, 3 characters)", "(list<string>, 1 item)"]]


def test_none_shows_types_only() -> None:
    table = preview_table("label", "Odd", NONE_ROWS, "none")
    assert table.rows == [["(no label)", "STRING"]]
    assert "no values" in table.caption


def test_relationship_rows_show_both_ends() -> None:
    rows = [{"start": ["A"], "end": ["B", "C"], "props": {"w": 1.5, "tags": ["x", "ü"]}}]
    table = preview_table("type", "R", rows, "examples")
    assert table.columns == ["From", "To", "tags", "w"]
    assert table.rows == [[":A", ":B:C", '["x", "ü"]', "1.5"]]
    assert table.subject == "[:R]"


def test_no_rows_says_so() -> None:
    assert "no rows" in preview_table("label", "Empty", [], "stats").caption


@pytest.mark.parametrize("policy", ["examples", "stats", "none"])
@pytest.mark.parametrize("kind", ["label", "type"])
def test_the_query_is_bounded_and_names_are_quoted(kind: Any, policy: Any) -> None:
    hostile = "a`b;MATCH (n) DETACH DELETE n//"
    query = preview_query(kind, hostile, policy)
    assert "`a``b\\u003BMATCH (n) DETACH DELETE n//`" in query  # no raw ; (escape_name)
    assert "LIMIT $limit" in query
    assert ("properties(e)" in query) == (policy == "examples")
    assert preview_parameters(policy)["limit"] == PREVIEW_LIMIT == 25
    assert preview_parameters(policy)["stats"] == (policy == "stats")
