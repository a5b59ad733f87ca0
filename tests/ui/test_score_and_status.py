"""The pieces behind the reading journeys: the score's points, its links, break points in
names, finding phrases, and the per-profile connection state."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from neosense_desktop.core.extraction.quality_scoring import score_findings
from neosense_desktop.core.report import Finding, FindingSubject, Provenance, Severity
from neosense_desktop.ui.connection_status import NOT_CONNECTED, ConnectionStatus
from neosense_desktop.ui.plain_text import BREAK, breakable, cypher_breakable, without_breaks
from neosense_desktop.ui.score_explained import (
    SCORE_KEY,
    SCORE_LINK,
    deduction_points,
    link_key,
    score_html,
)
from neosense_desktop.ui.wording import finding_phrase
from tests.ui.report_factory import make_report

HOSTILE = "<img src=x>`;|\u202e:Evil.name"


def _findings() -> list[Finding]:
    scan = Provenance(method="scan")
    return [
        Finding(
            code="sentinel_values",
            severity=Severity.WARNING,
            subject=f"(:{HOSTILE}).country",
            message="placeholders",
            subjects=[FindingSubject(kind="label", name=HOSTILE, properties=["country"])],
            affected=22,
            affected_provenance=scan,
        ),
        Finding(
            code="mixed_type_property",
            severity=Severity.ERROR,
            subject="(:A).b",
            message="mixed",
            affected=400,
            affected_provenance=scan,
        ),
        Finding(code="naming_conventions", severity=Severity.INFO, subject="x", message="m"),
    ]


def test_points_add_up_to_what_the_score_lost_most_first() -> None:
    quality = score_findings(_findings(), 1_000)
    assert quality.score is not None
    rows = deduction_points(quality)
    assert [d.code for _i, d, _p in rows] == [
        "mixed_type_property",
        "sentinel_values",
        "naming_conventions",
    ]
    assert abs(sum(p for _i, _d, p in rows) - (100 - quality.score)) < 1e-9
    assert all(p > 0 for _i, _d, p in rows)


def test_links_lead_to_findings_and_refuse_anything_else() -> None:
    report = make_report()
    report = report.model_copy(update={"quality": score_findings(_findings(), 1_000)})
    i = next(n for n, d in enumerate(report.quality.deductions) if d.code == "sentinel_values")
    assert link_key(QUrl(f"neosense:deduction/{i}"), report) == (
        "finding",
        "sentinel_values",
        f"(:{HOSTILE}).country",
    )
    assert link_key(QUrl(SCORE_LINK), report) == SCORE_KEY
    for bad in (
        "neosense:deduction/99",
        "neosense:deduction/-1",
        "neosense:deduction/x",
        "file:/etc",
    ):
        assert link_key(QUrl(bad), report) is None, bad
    html = score_html(report)
    assert "<img" not in html and "&lt;img src=x&gt;" in html.replace(BREAK, "")


def test_an_old_report_without_deductions_says_so() -> None:
    report = make_report()  # a score and findings, no deductions (as reports before 1.1)
    assert "does not list what each finding took off" in score_html(report)


def test_break_points_only_between_parts_and_never_copied() -> None:
    marked = breakable("(:Customer).country")
    assert marked.replace(BREAK, "|") == "(:Customer)|.|country"
    assert without_breaks(marked) == "(:Customer).country"
    assert without_breaks(breakable(HOSTILE)) == HOSTILE
    assert BREAK not in breakable("country")
    cypher = "MATCH (x:`A`) WHERE toLower(trim(x.`b`)) IN ['n/a', 'null'] RETURN x"
    marked = cypher_breakable(cypher)
    assert "toLower(" + BREAK + "trim(" in marked and "'n/a'," + BREAK in marked
    assert without_breaks(marked) == cypher


def test_finding_phrases_in_words() -> None:
    assert finding_phrase("sentinel_values", 22) == "22 placeholder values"
    assert finding_phrase("sentinel_values", 1) == "1 placeholder value"
    assert finding_phrase("numeric_strings", 1_200, estimated=True) == (
        "~1,200 numbers stored as text"
    )
    assert finding_phrase("mixed_type_property", 5) == "Property with mixed types: 5 affected"
    assert finding_phrase("key_without_constraint", None) == "Key without a constraint"


def test_connection_state_is_per_profile(qtbot) -> None:  # type: ignore[no-untyped-def]
    changes: list[None] = []
    status = ConnectionStatus(lambda: changes.append(None))
    qtbot.addWidget(status)
    status.show_profile("a")
    status.set_state("a", "Connected: Neo4j 5")
    assert status.text() == "Connected: Neo4j 5" and len(changes) == 1
    status.show_profile("b")
    assert status.text() == NOT_CONNECTED
    status.set_state("a", "Run failed")  # a run on a, ending while b is selected
    assert status.text() == NOT_CONNECTED
    status.show_profile("a")
    assert status.text() == "Run failed"
    status.forget("a")
    assert status.text() == NOT_CONNECTED
    status.show_profile(None)
    assert status.text() == NOT_CONNECTED
