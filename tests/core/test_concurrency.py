"""How many queries a run keeps in flight: the auto formula, the option, and how the batched
reads split with it."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from neosense_desktop.core.extraction import RunOptions
from neosense_desktop.core.extraction.batch_reading import MAX_BRANCHES, _Branch, partition
from neosense_desktop.core.extraction.concurrency import (
    AUTO,
    auto_concurrency,
    batch_groups,
    describe_concurrency,
    effective_concurrency,
)


@pytest.mark.parametrize(
    ("processors", "queries"),
    [(None, 4), (0, 4), (1, 4), (2, 4), (3, 6), (8, 16), (64, 16)],
)
def test_auto_is_twice_the_processors_between_4_and_16(
    processors: int | None, queries: int
) -> None:
    assert auto_concurrency(processors) == queries
    assert effective_concurrency(AUTO, processors) == queries


@pytest.mark.parametrize("processors", [None, 1, 2, 8, 64])
def test_a_chosen_number_wins_over_the_processors(processors: int | None) -> None:
    assert effective_concurrency(1, processors) == 1
    assert effective_concurrency(7, processors) == 7


def test_the_default_option_is_auto_and_auto_spellings_mean_it() -> None:
    assert RunOptions().max_concurrent_queries == AUTO
    for spelling in ("auto", "AUTO", " Auto ", None, 0, "0"):
        assert (
            RunOptions.model_validate({"max_concurrent_queries": spelling}).max_concurrent_queries
            == AUTO
        )
    assert RunOptions.model_validate({"max_concurrent_queries": "8"}).max_concurrent_queries == 8


@pytest.mark.parametrize("value", [-1, 65, "many", 2.5, "1e3"])
def test_a_bad_concurrency_names_the_field(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        RunOptions.model_validate({"max_concurrent_queries": value})
    assert info.value.errors()[0]["loc"][0] == "max_concurrent_queries"


def test_options_saved_before_auto_still_load() -> None:
    # Options written before "auto" existed: without the field, or with the old default 4.
    old = RunOptions().model_dump()
    del old["max_concurrent_queries"]
    assert RunOptions.model_validate_json(json.dumps(old)).max_concurrent_queries == AUTO
    old["max_concurrent_queries"] = 4
    assert RunOptions.model_validate_json(json.dumps(old)).max_concurrent_queries == 4


def test_the_plan_line_says_the_number_and_why() -> None:
    assert (
        describe_concurrency(4, 2, AUTO)
        == "4 queries at a time (auto; server reports 2 processors)"
    )
    assert (
        describe_concurrency(4, None, AUTO) == "4 queries at a time (auto; processor count unknown)"
    )
    assert describe_concurrency(1, 1, 1) == (
        "1 query at a time (set by the run options; server reports 1 processor)"
    )


def _branches(n: int) -> list[_Branch]:
    return [_Branch(f"L{i:03d}", 100 + i, None, float(100 + (i * 37) % 101)) for i in range(n)]


@pytest.mark.parametrize(("concurrency", "groups"), [(1, 2), (4, 2), (8, 4), (16, 8), (64, 32)])
def test_label_groups_are_half_the_concurrency_at_least_two(concurrency: int, groups: int) -> None:
    assert batch_groups(concurrency) == groups


def test_concurrency_8_splits_the_label_reads_into_4_balanced_groups() -> None:
    branches = _branches(21)
    groups = partition(branches, batch_groups(8))
    assert len(groups) == 4
    assert sorted(b.name for g in groups for b in g) == [b.name for b in branches]
    loads = [sum(b.cost for b in g) for g in groups]
    assert max(loads) - min(loads) <= max(b.cost for b in branches)
    for g in groups:
        assert [b.name for b in g] == sorted(b.name for b in g)
    # Deterministic: the same branches give the same query groups (the plan cache).
    assert partition(list(reversed(branches)), batch_groups(8)) == groups


def test_the_group_count_does_not_grow_with_labels_below_the_branch_bound() -> None:
    for labels in (5, 21, 200, 4 * MAX_BRANCHES):
        assert len(partition(_branches(labels), batch_groups(8))) == min(4, labels)
    # Beyond 4 x MAX_BRANCHES a group would get too long: one more per MAX_BRANCHES.
    assert len(partition(_branches(4 * MAX_BRANCHES + 1), batch_groups(8))) == 5
    assert all(len(g) <= MAX_BRANCHES for g in partition(_branches(1000), batch_groups(8)))
