"""The quality score explained: its formula with the report's numbers, and what each finding
took off, each finding a link to its row in the Results tree.

The report keeps the formula, the per-severity parts and each finding's deduction
(core/report.py Quality); nothing here recomputes the score. The penalties multiply, so
"points" (what a finding took off, out of 100 - score) split the whole loss in proportion
to each finding's -log(1 - penalty): the points add up to the loss, and a finding that
would have cost twice as much alone gets twice the points.

Links name a deduction by its position (neosense:deduction/3), never by a name from the
report, and the details pane follows no link itself (results_pane).
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl

from ..core.report_constants import Severity
from .plain_text import breakable
from .report_nodes import Section
from .report_sections import SCORE_ROW_KEY
from .wording import finding_title

if TYPE_CHECKING:
    from ..core.report import Deduction, Quality, Report
    from .report_nodes import NodeKey

SCORE_KEY: NodeKey = SCORE_ROW_KEY
QUALITY_SECTION_KEY: NodeKey = Section.QUALITY.key  # its page explains the score too
SCORE_LINK = "neosense:score"
_DEDUCTION_LINK = "neosense:deduction/"
_PART_WORDS = {"errors": "errors", "warnings": "warnings", "infos": "information"}
_SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_SEVERITY_NOUNS = {
    Severity.ERROR: "an error",
    Severity.WARNING: "a warning",
    Severity.INFO: "an information finding",
}


def deduction_points(quality: Quality) -> list[tuple[int, Deduction, float]]:
    """(position in quality.deductions, deduction, points taken off), most points first."""
    deductions = quality.deductions
    if not deductions:
        return []
    # What the score shows was taken off (it is rounded down, never up).
    if quality.score is not None:
        lost = 100.0 - quality.score
    else:
        kept = 1.0
        for d in deductions:
            kept *= 1 - d.penalty
        lost = 100.0 * (1 - kept)
    logs = [-math.log(max(1e-12, 1 - d.penalty)) for d in deductions]
    total = sum(logs)
    points = [lost * x / total if total > 0 else 0.0 for x in logs]
    rows = [(i, d, p) for i, (d, p) in enumerate(zip(deductions, points, strict=True))]
    return sorted(rows, key=lambda r: (-r[2], r[0]))


def share_text(share: float) -> str:
    if share == 0:
        return "0%"
    if share < 0.001:
        return "<0.1%"
    return f"{share:.1%}"


def link_key(url: QUrl, report: Report | None) -> NodeKey | None:
    """The tree key a details link leads to: a deduction's finding, or the score's row."""
    text = url.toString()
    if text == SCORE_LINK:
        return SCORE_KEY
    if report is None or not text.startswith(_DEDUCTION_LINK):
        return None
    position = text.removeprefix(_DEDUCTION_LINK)
    if not position.isdigit():
        return None
    deductions = report.quality.deductions
    i = int(position)
    if i >= len(deductions):
        return None
    return ("finding", deductions[i].code, deductions[i].subject)


def _formula_line(quality: Quality, score: float) -> str:
    parts = [(k, quality.parts[k]) for k in ("errors", "warnings", "infos") if k in quality.parts]
    if not parts:
        return ""
    factors = " × ".join(f"{v:.3f} ({_PART_WORDS[k]})" for k, v in parts)
    return f"100 × {factors} = {score:.1f}"


def _weights_line(deductions: list[Deduction]) -> str:
    weights = {d.severity: d.weight for d in deductions}
    return ", ".join(
        f"{weights[s]:g} for {_SEVERITY_NOUNS[s]}" for s in _SEVERITY_ORDER if s in weights
    )


def score_html(report: Report) -> str:
    """The details page of the score: formula, parts, and the deductions table."""
    quality = report.quality
    if quality.score is None:
        return "<h2>Quality score</h2><p>This report has no quality score.</p>"
    parts = [
        # As the Overview shows it; the formula below gives its decimal.
        f"<h2><span class='muted'>Quality score</span> {quality.score:.0f} / 100</h2>",
    ]
    rows = deduction_points(quality)
    if not rows:
        if quality.findings:
            parts.append(
                "<p>This report does not list what each finding took off (it was made by an "
                "older version of NeoSense).</p>"
            )
        else:
            parts.append("<p>No finding took anything off: the score is 100.</p>")
    else:
        lost = sum(p for _i, _d, p in rows)
        parts.append(
            f"<p>{len(rows):,} findings took off {lost:.1f} points. Select one to see it in "
            "the tree.</p>"
        )
        formula = _formula_line(quality, quality.score)
        if formula:
            parts.append(f"<p><b>Score</b> = {escape(formula)}</p>")
        parts.append(
            "<p class='muted'>Each severity's part multiplies (1 − penalty) over its findings; "
            "penalty = weight × (0.25 + 0.75 × share); weight "
            f"{escape(_weights_line([d for _i, d, _p in rows]))}; share = the part of all "
            "nodes and relationships the finding affects (0 when it has no count). Points: "
            "each finding's part of what was taken off.</p>"
        )
        head = "".join(
            f"<th{' align=right' if i > 1 else ''}>{h}</th>"
            for i, h in enumerate(("Finding", "Severity", "Share", "Points"))
        )
        body = []
        for i, d, points in rows:
            body.append(
                "<tr>"
                f"<td><a href='{_DEDUCTION_LINK}{i}'>{escape(finding_title(d.code))}</a>"
                f"<br><span class='muted'>{escape(breakable(d.subject))}</span></td>"
                f"<td>{escape(d.severity.value.capitalize())}</td>"
                f"<td align=right style='white-space:nowrap'>{escape(share_text(d.share))}</td>"
                f"<td align=right style='white-space:nowrap'>{points:.1f}</td>"
                "</tr>"
            )
        parts.append(
            f"<table cellspacing='0' border='0'><tr>{head}</tr>{''.join(body)}</table><br>"
        )
    if quality.formula:
        parts.append("<h3>The formula, as the report states it</h3>")
        parts.append(f"<p class='muted'>{escape(quality.formula)}</p>")
    return "".join(parts)
