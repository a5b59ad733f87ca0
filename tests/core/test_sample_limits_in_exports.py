"""The HTML and Markdown exports say what each sample can miss and which keys other labels'
reads saw (issue 23), with the names in them escaped."""

from __future__ import annotations

from html import escape

from neosense_desktop.core.extraction.sample_limits import sample_limit
from neosense_desktop.core.formats.html import render_html
from neosense_desktop.core.formats.markdown import md, render_markdown
from neosense_desktop.core.report import Label, Property, Provenance, RelationshipType, Report
from tests.ui.report_factory import make_report

HOSTILE = "<b>Sw</b>|`x`"


def _sampled_report() -> Report:
    report = make_report(labels=1, properties=0, types=0)
    sample = Provenance(method="sample", sample_size=1000)
    report.labels.append(
        Label(
            name="OS",
            count=8003,
            count_provenance=Provenance(method="count_store"),
            sample_limit=sample_limit(1000, 8003),
            properties=[
                Property(
                    name="versions",
                    types=["LIST<STRING>"],
                    fill_rate=3 / 8003,
                    provenance=sample,
                    observed=3,
                    seen_in=[HOSTILE],
                )
            ],
        )
    )
    report.relationship_types = [
        RelationshipType(
            name="RUNS",
            count=50_000,
            count_provenance=Provenance(method="count_store"),
            sample_limit=sample_limit(1000, 50_000),
        )
    ]
    return report


def test_html_and_markdown_state_each_samples_limit() -> None:
    report = _sampled_report()
    os_limit, runs_limit = report.labels[-1].sample_limit, report.relationship_types[0].sample_limit
    assert os_limit is not None and runs_limit is not None
    nodes = (
        f"Properties from a sample: 1,000 of 8,003 nodes read: a key held by fewer than "
        f"{os_limit.missable_below:,} of them ({os_limit.missable_share:.2%}) may be unseen "
        "(95% confidence)."
    )
    rels = (
        "1,000 of 50,000 relationships read: a key held by fewer than "
        f"{runs_limit.missable_below:,}"
    )
    seen = f"seen on nodes read for :{HOSTILE}"
    page = render_html(report)
    assert escape(nodes) in page and escape(rels) in page and escape(seen) in page
    assert HOSTILE not in page
    text = render_markdown(report)
    assert md(nodes) in text and md(rels) in text and md(seen) in text
    assert HOSTILE not in text
    # A label read whole states no limit.
    assert text.count("Properties from a sample") == 2
