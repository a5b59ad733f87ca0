"""merge_activity without a server: each activity's re-run replaces exactly the fields it
owns in the run's report, and leaves every other activity's results alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from neosense_desktop.core.extraction.runner import merge_activity
from neosense_desktop.core.report import (
    Index,
    Label,
    LabelCombination,
    Pattern,
    Property,
    Provenance,
    Quality,
    RelationshipType,
    Report,
    RunInfo,
    ServerInfo,
    Statistics,
)

COUNTED = Provenance(method="count_store")
SCANNED = Provenance(method="scan")


def _report(**fields: object) -> Report:
    return Report(
        run=RunInfo(
            id="r",
            started_at=datetime(2026, 1, 1, tzinfo=UTC),
            mode="exact",
            sample_size=1000,
            app_version="test",
        ),
        server=ServerInfo(address="h:1", version="5.26.19", edition="community", database="neo4j"),
        **fields,  # type: ignore[arg-type]
    )


def _prop(name: str) -> Property:
    return Property(name=name, types=["STRING"], fill_rate=1.0, provenance=SCANNED)


def _label(name: str, count: int, *props: str) -> Label:
    return Label(
        name=name, count=count, count_provenance=COUNTED, properties=[_prop(p) for p in props]
    )


def _type(
    name: str, count: int, *props: str, pattern: tuple[str, str] | None = None
) -> RelationshipType:
    return RelationshipType(
        name=name,
        count=count,
        count_provenance=COUNTED,
        properties=[_prop(p) for p in props],
        patterns=[Pattern(start=pattern[0], end=pattern[1], count=count)] if pattern else [],
    )


def _run_before() -> Report:
    """A finished run: every activity has written its fields."""
    return _report(
        labels=[_label("A", 3, "a"), _label("B", 5, "b")],
        relationship_types=[_type("T", 2, "t", pattern=("A", "B"))],
        label_combinations=[LabelCombination(labels=["A", "B"], count=1)],
        indexes=[Index(name="i", type="RANGE", entity_type="NODE", state="ONLINE")],
        statistics=Statistics(node_count=8),
        quality=Quality(score=90.0),
        notes=["an old note"],
    )


def _labels(report: Report) -> list[tuple[str, int, list[str]]]:
    return [(x.name, x.count, [p.name for p in x.properties]) for x in report.labels]


def _types(report: Report) -> list[tuple[str, int, list[str], list[tuple[str | None, str | None]]]]:
    return [
        (x.name, x.count, [p.name for p in x.properties], [(p.start, p.end) for p in x.patterns])
        for x in report.relationship_types
    ]


# (activity, its re-run's scratch report, labels after, types after)
CASES = [
    (
        "node_labels",
        _report(labels=[_label("A", 30), _label("C", 7)]),
        # counts replaced, properties kept (schema's), a new label added, sorted by name;
        # B, which the re-run no longer counts, is gone from the database and the report
        [("A", 30, ["a"]), ("C", 7, [])],
        [("T", 2, ["t"], [("A", "B")])],
    ),
    (
        "relationship_types",
        _report(relationship_types=[_type("T", 20, pattern=("B", "A")), _type("S", 1)]),
        [("A", 3, ["a"]), ("B", 5, ["b"])],
        # count and patterns replaced, properties kept; S added and sorted first
        [("S", 1, [], []), ("T", 20, ["t"], [("B", "A")])],
    ),
    (
        "schema",
        _report(
            labels=[_label("A", 999, "x", "y")],
            relationship_types=[_type("T", 999, "z", pattern=("X", "Y"))],
        ),
        # properties replaced; counts and patterns stay the other activities'; B, which
        # the re-run read no more, keeps its count but not its old properties
        [("A", 3, ["x", "y"]), ("B", 5, [])],
        [("T", 2, ["z"], [("A", "B")])],
    ),
]


@pytest.mark.parametrize(
    ("activity", "scratch", "labels", "types"), CASES, ids=[c[0] for c in CASES]
)
def test_a_rerun_replaces_what_its_activity_owns(
    activity: str,
    scratch: Report,
    labels: list[tuple[str, int, list[str]]],
    types: list[tuple[str, int, list[str], list[tuple[str | None, str | None]]]],
) -> None:
    target = _run_before()
    merge_activity(target, scratch, activity)
    assert _labels(target) == labels
    assert _types(target) == types
    # Fields other activities own are untouched.
    assert target.quality.score == 90.0
    assert target.statistics.node_count == 8
    assert [i.name for i in target.indexes] == ["i"]


def test_a_merged_label_is_a_copy_not_the_scratch_reports_object() -> None:
    target = _run_before()
    scratch = _report(labels=[_label("C", 7, "c")])
    merge_activity(target, scratch, "schema")
    scratch.labels[0].properties.clear()
    assert _labels(target)[-1] == ("C", 7, ["c"])


@pytest.mark.parametrize(
    ("activity", "replaced", "kept"),
    [
        ("quality_and_context", {"quality", "label_combinations"}, {"statistics", "indexes"}),
        (
            "statistics_and_indexes",
            {"statistics", "indexes", "constraints"},
            {"quality", "label_combinations"},
        ),
    ],
)
def test_whole_sections_are_replaced_by_their_activity(
    activity: str, replaced: set[str], kept: set[str]
) -> None:
    target = _run_before()
    before = target.model_copy(deep=True)
    scratch = _report()  # the re-run found nothing: its sections are empty
    merge_activity(target, scratch, activity)
    for section in replaced:
        assert getattr(target, section) == getattr(scratch, section), section
    for section in kept:
        assert getattr(target, section) == getattr(before, section), section
    assert _labels(target) == _labels(before) and _types(target) == _types(before)


def test_notes_are_added_once() -> None:
    target = _run_before()
    merge_activity(target, _report(notes=["an old note", "a new note"]), "quality_and_context")
    merge_activity(target, _report(notes=["a new note"]), "quality_and_context")
    assert target.notes == ["an old note", "a new note"]


def test_a_type_the_rerun_no_longer_finds_leaves_the_report() -> None:
    target = _run_before()
    merge_activity(target, _report(relationship_types=[_type("S", 4)]), "relationship_types")
    assert _types(target) == [("S", 4, [], [])]


def test_a_rerun_finding_everything_again_changes_only_its_fields() -> None:
    target = _run_before()
    before = target.model_copy(deep=True)
    again = _report(labels=[_label("A", 3), _label("B", 5)])
    merge_activity(target, again, "node_labels")
    assert target == before
