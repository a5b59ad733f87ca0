"""The quality score and its parts, from the findings (FORMULA): pure, no query."""

from __future__ import annotations

from ..report import Deduction, Finding, Quality, Severity, SubjectScore

SEVERITY_WEIGHTS = {Severity.ERROR: 0.2, Severity.WARNING: 0.05, Severity.INFO: 0.005}
FORMULA = (
    "score = 100 * product over findings of (1 - penalty); penalty = weight * (0.25 + 0.75 * "
    "share), weight = 0.2 for an error, 0.05 for a warning, 0.005 for info; share = affected "
    "entities / all nodes and relationships (per-label score: / the label's or type's "
    "entities), 0 when the finding has no count. Any warning or error therefore lowers the "
    "score below 100 (by at least 1.25 points for a warning). parts: the product of "
    "(1 - penalty) per severity."
)


def penalty(finding: Finding, total: int | None) -> Deduction:
    weight = SEVERITY_WEIGHTS[finding.severity]
    share = 0.0
    if finding.affected is not None and finding.affected_provenance is not None and total:
        share = min(1.0, finding.affected / total)
    return Deduction(
        code=finding.code,
        subject=finding.subject,
        severity=finding.severity,
        weight=weight,
        share=round(share, 6),
        penalty=round(weight * (0.25 + 0.75 * share), 6),
    )


def score_findings(findings: list[Finding], graph_size: int) -> Quality:
    """The score and its parts from the findings (see FORMULA)."""
    deductions = [penalty(f, graph_size) for f in findings]
    parts = {s.value + "s": 1.0 for s in Severity}
    for d in deductions:
        parts[d.severity.value + "s"] *= 1 - d.penalty
    score = 100.0
    for value in parts.values():
        score *= value
    subjects: dict[tuple[str, str], list[Deduction]] = {}
    populations: dict[tuple[str, str], int | None] = {}
    for finding in findings:
        for about in finding.subjects:
            if about.kind in ("label", "relationship_type") and about.name is not None:
                key = (about.kind, about.name)
                populations.setdefault(key, finding.population)
                subjects.setdefault(key, []).append(penalty(finding, finding.population))
    subject_scores = []
    for (kind, name), taken in sorted(subjects.items()):
        value = 100.0
        for d in taken:
            value *= 1 - d.penalty
        subject_scores.append(
            SubjectScore(kind=kind, name=name, score=round_down(value), deductions=taken)  # type: ignore[arg-type]
        )
    return Quality(
        score=round_down(score),
        formula=FORMULA,
        findings=findings,
        parts={k: round(v, 6) for k, v in parts.items()},
        deductions=deductions,
        subject_scores=subject_scores,
    )


def round_down(score: float) -> float:
    """One decimal, never rounded up to 100 when something was deducted."""
    return int(score * 10) / 10
