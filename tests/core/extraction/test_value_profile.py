"""value_profile without a server: the string shapes' word lists, fold_shapes, and the
folds ValueStats.add_row applies to each row (ROW_FOLDS), one column group each."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest

from neosense_desktop.core.extraction.value_profile import (
    BOOLEANS,
    DATE_FORMATS,
    EXAMPLE_CONDITIONS,
    EXAMPLES_PER_KEY,
    INTEGER_RE,
    NUMBER_RE,
    NUMBER_STARTS,
    ROW_FOLDS,
    SENTINELS,
    ValueStats,
    fold_counts,
    fold_examples,
    fold_histogram,
    fold_numbers,
    fold_shape_counts,
    fold_shapes,
    fold_strings,
    fold_temporals,
)
from neosense_desktop.core.report import Provenance

ISO, _, US, _ = DATE_FORMATS


def test_sentinel_and_boolean_words_fit_the_string_shapes() -> None:
    """value_profile.SHAPE looks booleans and sentinels up as words once the number and
    date checks fail, and tests sentinels only among integers and numbers: right as long
    as no word is both, no boolean starts like a number, and no word is a date."""
    assert not set(BOOLEANS) & set(SENTINELS)
    for word in BOOLEANS:
        assert word[0] not in NUMBER_STARTS and word == word.lower()
    for word in (*BOOLEANS, *SENTINELS):
        assert word == word.lower() and word == word.strip()
        assert not any(re.fullmatch(p, word) for p in DATE_FORMATS.values()), word
        # A word that is an integer is lower case as it stands (SHAPE compares it as is).
        if re.fullmatch(INTEGER_RE, word):
            assert re.fullmatch(NUMBER_RE, word)


def test_fold_shapes_sums_shape_rows_into_the_columns_add_row_reads() -> None:
    def row(k: str | None, t: str | None, shape: int, c: int, **more: object) -> dict[str, object]:
        base = {"branch": 0, "k": k, "t": t, "shape": shape, "c": c, "d": c}
        return {
            **base,
            "vmin": None,
            "vmax": None,
            "xavg": None,
            "lmin": None,
            "lmax": None,
            "xs": [],
            "ex": [[f"id{shape}-{i}", None] for i in range(min(c, 5))],
            **more,
        }

    rows = [
        row(None, None, 0, 10),
        row("s", "STRING NOT NULL", 4, 3, vmin="1", vmax="3", lmin=1, lmax=1),
        row("s", "STRING NOT NULL", 5, 1, vmin="-1", vmax="-1", lmin=2, lmax=2),
        row("s", "STRING NOT NULL", 0, 2, vmin="a", vmax="b", lmin=4, lmax=7),
        row("s", "STRING NOT NULL", 8, 6, lmin=10, lmax=10),
        row("x", "INTEGER NOT NULL", 0, 4, vmin=-3, vmax=9, xavg=2.5, xs=[1, 2]),
        row("when", "DATE NOT NULL", 0, 2, vmin="2024-01-01", vmax="2025-01-01"),
    ]
    folded = {r["k"]: r for r in fold_shapes(rows, ("branch", "k", "t"))}
    s = folded["s"]
    assert (s["c"], s["d"], s["sc"], s["xc"], s["lmin"], s["lmax"]) == (12, 12, 12, 0, 1, 10)
    assert (s["numeric"], s["integer"], s["sentinel"], s["date_0"], s["empty"]) == (4, 4, 1, 6, 0)
    assert (s["xmin"], s["tmin"]) == (None, None)  # a string's bounds are not numbers
    assert [e[0] for e in s["ex_numeric"]] == ["id4-0", "id4-1", "id4-2", "id5-0"]
    assert [e[0] for e in s["ex_sentinel"]] == ["id5-0"]
    assert len(s["ex_present"]) == 5 and s["ex_boolean"] == []
    x = folded["x"]
    assert (x["xc"], x["xmin"], x["xmax"], x["xavg"], x["xs"], x["sc"]) == (
        4,
        -3,
        9,
        2.5,
        [1, 2],
        0,
    )
    assert (folded["when"]["tmin"], folded["when"]["tmax"]) == ("2024-01-01", "2025-01-01")
    assert folded[None]["c"] == 10


# (what, fold, the statistics before, the row, the attributes after)
FOLD_CASES: list[tuple[str, Any, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    (
        "holders and distinct values add up, one more group",
        fold_counts,
        {"holders": 5, "distinct": 2, "groups": 1},
        {"c": 3, "d": 1},
        {"holders": 8, "distinct": 3, "groups": 2},
    ),
    ("no distinct count reads as 0", fold_counts, {}, {"c": 4, "d": None}, {"distinct": 0}),
    (
        "numbers: the count, the sum from the mean, the bounds",
        fold_numbers,
        {"numbers": 2, "number_sum": 10.0, "min_number": 1.0, "max_number": 9.0},
        {"xc": 4, "xavg": 2.5, "xmin": -3, "xmax": 7},
        {"numbers": 6, "number_sum": 20.0, "min_number": -3.0, "max_number": 9.0},
    ),
    (
        "a first bound is taken as it is",
        fold_numbers,
        {},
        {"xc": 1, "xavg": 4, "xmin": 4, "xmax": 4},
        {"min_number": 4.0, "max_number": 4.0},
    ),
    (
        "no numbers: the bounds are not read",
        fold_numbers,
        {},
        {"xc": 0, "xmin": 1, "xmax": 2},
        {"numbers": 0, "min_number": None, "max_number": None},
    ),
    (
        "an infinite bound or a boolean is no number",
        fold_numbers,
        {"min_number": 0.0},
        {"xc": 2, "xavg": 1.0, "xmin": float("-inf"), "xmax": True},
        {"min_number": 0.0, "max_number": None},
    ),
    (
        "temporal bounds widen",
        fold_temporals,
        {"min_temporal": dt.date(2024, 5, 1), "max_temporal": dt.date(2024, 5, 2)},
        {"tmin": dt.date(2024, 1, 1), "tmax": dt.date(2024, 3, 1)},
        {"min_temporal": dt.date(2024, 1, 1), "max_temporal": dt.date(2024, 5, 2)},
    ),
    (
        "temporal types that do not compare keep the first",
        fold_temporals,
        {"min_temporal": dt.date(2024, 5, 1)},
        {"tmin": dt.datetime(2020, 1, 1), "tmax": None},
        {"min_temporal": dt.date(2024, 5, 1), "max_temporal": None},
    ),
    (
        "strings: the count and the length bounds",
        fold_strings,
        {"strings": 1, "min_length": 3, "max_length": 3},
        {"sc": 2, "lmin": 1, "lmax": 8},
        {"strings": 3, "min_length": 1, "max_length": 8},
    ),
    (
        "no strings: the lengths are not read",
        fold_strings,
        {},
        {"sc": 0, "lmin": 1, "lmax": 8},
        {"strings": 0, "min_length": None, "max_length": None},
    ),
    (
        "the string checks and the date formats by column",
        fold_shape_counts,
        {"empty": 1, "dates": Counter({ISO: 2})},
        {
            "empty": 2,
            "sentinel": 1,
            "numeric": 3,
            "integer": 3,
            "boolean": None,
            "date_0": 4,
            "date_2": 1,
            "date_1": 0,
        },
        {
            "empty": 3,
            "sentinel": 1,
            "numeric": 3,
            "integer": 3,
            "boolean": 0,
            "dates": Counter({ISO: 6, US: 1}),
        },
    ),
    (
        "examples per condition, at most EXAMPLES_PER_KEY",
        fold_examples,
        {"examples": {"present": [("a", 1)] * (EXAMPLES_PER_KEY - 1)}},
        {"ex_present": [["b", 2], ["c", 3]], "ex_empty": [["d", ""]]},
        {
            "examples": {
                **{name: [] for name in EXAMPLE_CONDITIONS},
                "present": [("a", 1)] * (EXAMPLES_PER_KEY - 1) + [("b", 2)],
                "empty": [("d", "")],
            }
        },
    ),
    (
        "a read that collected no examples leaves them unknown",
        fold_examples,
        {},
        {"c": 1},
        {"examples": None},
    ),
    (
        "the histogram keeps finite numbers",
        fold_histogram,
        {"histogram_values": [1.0]},
        {"xs": [2, 2.5, float("nan"), "3", False]},
        {"histogram_values": [1.0, 2.0, 2.5]},
    ),
]


@pytest.mark.parametrize(
    ("fold", "before", "row", "after"),
    [case[1:] for case in FOLD_CASES],
    ids=[case[0] for case in FOLD_CASES],
)
def test_each_fold_reads_its_columns(
    fold: Any, before: dict[str, Any], row: dict[str, Any], after: dict[str, Any]
) -> None:
    stats = ValueStats(**before)
    fold(stats, row)
    assert {name: getattr(stats, name) for name in after} == after


def test_add_row_applies_every_fold() -> None:
    row = {
        "c": 6,
        "d": 4,
        "xc": 2,
        "xavg": 1.5,
        "xmin": 1,
        "xmax": 2,
        "tmin": None,
        "tmax": None,
        "sc": 4,
        "lmin": 0,
        "lmax": 5,
        "empty": 1,
        "sentinel": 0,
        "numeric": 2,
        "integer": 1,
        "boolean": 1,
        "date_0": 0,
        "xs": [1, 2],
    }
    by_folds = ValueStats()
    for fold in ROW_FOLDS:
        fold(by_folds, row)
    added = ValueStats()
    added.add_row(row)
    assert added == by_folds
    assert (added.holders, added.numbers, added.strings, added.empty) == (6, 2, 4, 1)
    assert (added.min_length, added.max_length, added.histogram_values) == (0, 5, [1.0, 2.0])


def test_add_row_takes_what_fold_shapes_gives() -> None:
    rows = [
        {"k": "s", "t": "STRING", "shape": 4, "c": 3, "d": 3, "lmin": 1, "lmax": 2, "xs": []},
        {"k": "s", "t": "STRING", "shape": 8, "c": 2, "d": 2, "lmin": 10, "lmax": 10, "xs": []},
        {
            "k": "s",
            "t": "INTEGER",
            "shape": 0,
            "c": 1,
            "d": 1,
            "vmin": 7,
            "vmax": 7,
            "xavg": 7.0,
            "xs": [7],
        },
    ]
    stats = ValueStats()
    for row in fold_shapes(rows, ("k", "t")):
        stats.add_row(row)
    assert (stats.groups, stats.holders, stats.distinct) == (2, 6, 6)
    assert (stats.strings, stats.numeric, stats.integer, stats.dates[ISO]) == (5, 3, 3, 2)
    assert (stats.min_length, stats.max_length) == (1, 10)
    assert (stats.numbers, stats.min_number, stats.max_number) == (1, 7.0, 7.0)
    assert stats.histogram_values == [7.0]


@pytest.mark.parametrize(
    ("holders", "top", "shares"),
    [
        # the top-values read saw the same holders as the first read
        (10, {("a", "STRING"): 6, ("b", "STRING"): 4}, [0.6, 0.4]),
        # it saw more of them (a sample drawn again): shares stay within [0, 1]
        (3, {("a", "STRING"): 6, ("b", "STRING"): 4}, [0.6, 0.4]),
        # it saw fewer (entities deleted meanwhile)
        (50, {("a", "STRING"): 1}, [1.0]),
    ],
)
def test_top_value_shares_are_over_the_holders_their_own_read_saw(
    holders: int, top: dict[tuple[str, str], int], shares: list[float]
) -> None:
    stats = ValueStats(holders=holders, top=Counter(top))
    profile = stats.profile(holders, Provenance(method="sample", sample_size=holders), "examples")
    assert profile is not None and profile.top_values is not None
    assert [t.share for t in profile.top_values] == shares
