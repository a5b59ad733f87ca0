"""The words for a number's provenance: one source (core.wording) for the window and the
html and Markdown exports, so a count reads the same wherever it is shown."""

from __future__ import annotations

from html import escape

import pytest

from neosense_desktop.core import wording
from neosense_desktop.core.formats import render
from neosense_desktop.core.formats.markdown import md
from neosense_desktop.core.report import Finding, Provenance, Severity
from tests.ui.report_factory import make_report


@pytest.mark.parametrize(
    ("provenance", "cell", "qualified"),
    [
        (Provenance(method="count_store"), "count store", "count store (exact)"),
        (Provenance(method="scan"), "full scan", "full scan (exact)"),
        (
            Provenance(method="sample", sample_size=1000),
            "sample of 1,000",
            "sample of 1,000 (estimate)",
        ),
        (Provenance(method="sample"), "sample", "sample (estimate)"),
        (None, "", ""),
    ],
)
def test_provenance_words(provenance: Provenance | None, cell: str, qualified: str) -> None:
    assert wording.provenance_text(provenance) == cell
    assert wording.provenance_qualified(provenance) == qualified


def test_a_sampled_finding_without_a_sample_size_exports() -> None:
    # A report file can come from anyone: a sample provenance without its size must not stop
    # the export (it once raised TypeError formatting None with ",").
    report = make_report()
    report.quality.findings.append(
        Finding(
            code="numeric_strings",
            severity=Severity.WARNING,
            subject="Label0.prop1",
            message="numbers stored as strings",
            affected=7,
            affected_provenance=Provenance(method="sample"),
            population=100,
        )
    )
    assert "7 of 100 (sample)" in render(report, "html")
    assert md("7 of 100 (sample)") in render(report, "markdown")


def test_exports_state_the_windows_multi_label_rule() -> None:
    report = make_report()
    assert escape(wording.MULTI_LABEL_RULE) in render(report, "html")
    assert md(wording.MULTI_LABEL_RULE) in render(report, "markdown")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.00001, "under 0.1 ms"),
        (0.00026, "0.3 ms"),
        (0.0042, "4.2 ms"),
        (0.045, "45 ms"),
        (0.3, "0.3 s"),
        (1.24, "1.2 s"),
        (42.4, "42 s"),
        (60, "1 min"),
        (125, "2 min 5 s"),
        (7200, "2 h"),
        (7260, "2 h 1 min"),
    ],
)
def test_durations_read_as_people_write_them(seconds: float, text: str) -> None:
    assert wording.duration_text(seconds) == text


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("127.0.0.1:7711", "127.0.0.1:7711"),
        ("2026-12-07 08:09:03 UTC", "2026-12-07 08:09:03 UTC"),
        ("(:Customer).country", "(:Customer).country"),
        (":smile:", "\\:smile:"),
        ("a :100: b", "a \\:100: b"),
        (":+1:", "\\:+1:"),
        ("a|b*c_d", "a\\|b\\*c\\_d"),
        ("#5 @team $x$", "\\#5 \\@team \\$x\\$"),
    ],
)
def test_markdown_escapes_only_where_markdown_acts(text: str, written: str) -> None:
    assert md(text) == written
