"""The html and Markdown exports are built from the same tables (formats.facts): each row of
each table reaches both pages, every cell escaped only for its own format."""

from __future__ import annotations

import re
from html import escape

from neosense_desktop.core.formats import facts, render
from neosense_desktop.core.formats.markdown import md
from neosense_desktop.core.report import Pattern, Provenance, Report
from tests.ui.report_factory import make_report


def _report() -> Report:
    report = make_report(labels=4)
    report.labels[0].name = "<b>x</b>|p`q"
    report.relationship_types[0].name = "new\nline|REL"
    report.relationship_types[0].patterns.append(
        Pattern(start=None, end="<b>x</b>|p`q", count=3, provenance=Provenance(method="sample"))
    )
    return report


def test_every_row_reaches_both_pages() -> None:
    report = _report()
    page, markdown = render(report, "html"), render(report, "markdown")
    labels, types = facts.entries(report)
    tables = [facts.overview_table(report), facts.index_table(report.indexes)]
    tables += [facts.constraint_table(report.constraints)]
    tables += [facts.finding_table(facts.findings_sorted(report))]
    for entry in labels + types:
        tables += [entry.properties, *(t for _title, t in entry.tables)]
        assert f'id="{entry.anchor}"' in page and f'<a id="{entry.anchor}"></a>' in markdown
    rows = [(table, r, row) for table in tables for r, row in enumerate(table.rows)]
    assert len(rows) > 30
    for table, r, row in rows:
        # A tagged cell (a finding's title) ends in its code in small type: html a span,
        # Markdown the code in backticks.
        tags = [table.tags.get((r, i)) for i in range(len(row))]
        html_cells = "".join(
            re.escape(escape(c, quote=True))
            + (rf'<span class="tag">{re.escape(t)}</span>' if t else "")
            + r"</td>\s*<td[^>]*>"
            for c, t in zip(row[:-1], tags, strict=False)
        ) + re.escape(escape(row[-1], quote=True))
        assert re.search(html_cells, page), row
        md_cells = [md(c) + (f" (`{t}`)" if t else "") for c, t in zip(row, tags, strict=True)]
        assert "| " + " | ".join(md_cells) + " |" in markdown, row
    assert any(table.tags for table, _r, _row in rows)
