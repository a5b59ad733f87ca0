"""quality_scoring without a server: the score, its parts, each finding's penalty and the
per-label scores follow the published FORMULA (weights 0.2 / 0.05 / 0.005, penalty =
weight x (0.25 + 0.75 x share)), rounded down to one decimal."""

from __future__ import annotations

import pytest

from neosense_desktop.core.extraction.quality_scoring import (
    FORMULA,
    penalty,
    round_down,
    score_findings,
)
from neosense_desktop.core.report import Finding, FindingSubject, Provenance, Severity

COUNTED = Provenance(method="scan")
ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def _finding(
    severity: Severity,
    affected: int | None = None,
    counted: bool = True,
    about: tuple[str, str] | None = None,
    population: int | None = None,
    code: str = "c",
) -> Finding:
    subjects = [FindingSubject(kind=about[0], name=about[1])] if about else []  # type: ignore[arg-type]
    return Finding(
        code=code,
        severity=severity,
        subject="s",
        message="m",
        subjects=subjects,
        affected=affected,
        affected_provenance=COUNTED if counted and affected is not None else None,
        population=population,
    )


# (what, findings, graph size, score, parts)
CASES = [
    ("nothing found", [], 100, 100.0, {"errors": 1.0, "warnings": 1.0, "infos": 1.0}),
    # No count: a quarter of the weight. 100 x (1 - 0.05 x 0.25) = 98.75, shown as 98.7.
    ("a warning without a count", [_finding(WARNING)], 100, 98.7, {"warnings": 0.9875}),
    # Half the graph: 0.2 x (0.25 + 0.375) = 0.125.
    ("an error on half the graph", [_finding(ERROR, 50)], 100, 87.5, {"errors": 0.875}),
    # A count without provenance counts as no count.
    ("an error with an unsourced count", [_finding(ERROR, 50, counted=False)], 100, 95.0, {}),
    # More affected than the graph holds: the share stops at 1, the penalty at the weight.
    ("an error on more than the graph", [_finding(ERROR, 500)], 100, 80.0, {"errors": 0.8}),
    ("an empty graph", [_finding(ERROR, 5)], 0, 95.0, {"errors": 0.95}),
    # 100 x (1 - 0.00125) = 99.875: never rounded up, so 99.8.
    ("one info", [_finding(INFO)], 100, 99.8, {"infos": 0.99875}),
    # Severities multiply: 0.875 x 0.9875 = 0.8640625.
    (
        "an error and a warning",
        [_finding(ERROR, 50), _finding(WARNING)],
        100,
        86.4,
        {"errors": 0.875, "warnings": 0.9875},
    ),
    # Two warnings: 0.9875 squared = 0.97515625.
    ("two warnings", [_finding(WARNING), _finding(WARNING)], 100, 97.5, {"warnings": 0.975156}),
]


@pytest.mark.parametrize(
    ("findings", "graph_size", "score", "parts"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_score_follows_the_formula(
    findings: list[Finding], graph_size: int, score: float, parts: dict[str, float]
) -> None:
    quality = score_findings(findings, graph_size)
    assert quality.score == score
    assert quality.formula == FORMULA
    assert {k: v for k, v in quality.parts.items() if k in parts} == parts
    assert len(quality.deductions) == len(findings)
    assert quality.findings == findings


def test_any_warning_keeps_the_score_below_100() -> None:
    tiny = score_findings([_finding(WARNING, 1)], 10**12)
    assert tiny.score is not None and tiny.score < 100.0


def test_each_label_is_scored_against_its_own_entities() -> None:
    findings = [
        # All 10 nodes of Person: against the graph's 1000 a 1 % share, against Person 100 %.
        _finding(ERROR, 10, about=("label", "Person"), population=10, code="all_of_person"),
        _finding(WARNING, about=("label", "Person"), population=10, code="person_warning"),
        _finding(WARNING, 4, about=("relationship_type", "KNOWS"), population=8),
        _finding(WARNING, about=("property_key", "name")),  # not a label or type: no score
    ]
    quality = score_findings(findings, 1000)
    scores = {(s.kind, s.name): s for s in quality.subject_scores}
    assert set(scores) == {("label", "Person"), ("relationship_type", "KNOWS")}
    person = scores[("label", "Person")]
    # 100 x (1 - 0.2) x (1 - 0.0125) = 79.0
    assert person.score == 79.0
    assert [d.code for d in person.deductions] == ["all_of_person", "person_warning"]
    assert person.deductions[0].share == 1.0
    # half of KNOWS: 0.05 x (0.25 + 0.375) = 0.03125 -> 96.875, shown as 96.8
    assert scores[("relationship_type", "KNOWS")].score == 96.8
    # The graph-level deduction of the same finding uses the graph's size.
    assert quality.deductions[0].share == 0.01


# (what, finding, total, weight, share, penalty)
PENALTIES = [
    ("an error without a count", _finding(ERROR), 100, 0.2, 0.0, 0.05),
    ("a warning on a tenth", _finding(WARNING, 10), 100, 0.05, 0.1, 0.01625),
    ("an info on all", _finding(INFO, 100), 100, 0.005, 1.0, 0.005),
    ("a count beyond the total stops at 1", _finding(WARNING, 300), 100, 0.05, 1.0, 0.05),
    ("a count without provenance", _finding(ERROR, 50, counted=False), 100, 0.2, 0.0, 0.05),
    ("no total", _finding(ERROR, 50), None, 0.2, 0.0, 0.05),
    ("an empty total", _finding(ERROR, 50), 0, 0.2, 0.0, 0.05),
    # 1/3 rounded to 6 places, and 0.05 x (0.25 + 0.25) = 0.025.
    ("the share is rounded", _finding(WARNING, 1), 3, 0.05, 0.333333, 0.025),
]


@pytest.mark.parametrize(
    ("finding", "total", "weight", "share", "taken"),
    [c[1:] for c in PENALTIES],
    ids=[c[0] for c in PENALTIES],
)
def test_the_penalty_follows_the_formula(
    finding: Finding, total: int | None, weight: float, share: float, taken: float
) -> None:
    deduction = penalty(finding, total)
    assert (deduction.weight, deduction.share, deduction.penalty) == (weight, share, taken)
    assert (deduction.code, deduction.severity) == (finding.code, finding.severity)


@pytest.mark.parametrize(
    ("score", "shown"),
    [(100.0, 100.0), (99.99, 99.9), (98.75, 98.7), (0.04, 0.0), (86.40625, 86.4), (50.0, 50.0)],
)
def test_scores_are_rounded_down_to_one_decimal(score: float, shown: float) -> None:
    assert round_down(score) == shown
