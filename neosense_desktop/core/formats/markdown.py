"""The report as Markdown (GitHub / GitLab flavoured) for wikis and git: the html content.

Every text from the report is escaped for a table cell or a heading: a backslash before each
character Markdown would act on (`|` would split a cell; backticks, `*`, `_`, `~` would format;
`<` and `&` would start HTML; `[` `]` links; `@` mentions; `$` maths; `#` headings and issue
links; a `:` only where it opens an emoji shortcode), and line breaks as `<br>`, so each table
row stays one line with its columns.
Hidden and bidirectional controls are shown as markers such as ⟨U+202E⟩ (formats.shown), so
"\u202egnp.exe" cannot read as "exe.png".
"""

from __future__ import annotations

import re

from ..report import Report
from ..wording import MULTI_LABEL_RULE, time_text
from . import facts
from .shown import visible

# What Markdown acts on anywhere in a line; a colon only where it opens an emoji shortcode
# (":name:", a name with a letter, or GitHub's two all-digit ones), so an address reads
# "127.0.0.1:7711" and a time "08:09:03", not "127.0.0.1\:7711".
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$@#]|:(?=[\w+-]*[A-Za-z_+-][\w+-]*:|(?:100|1234):))")
_BREAK = re.compile(r"\r\n|[\r\n\u0085\u2028\u2029]")


def md(text: object) -> str:
    """Plain text -> Markdown inline text that shows exactly that text."""
    return _BREAK.sub("<br>", _SPECIAL.sub(r"\\\1", visible(str(text))))


def _table(table: facts.Table) -> list[str]:
    head, rows = table.head, table.rows
    out = ["| " + " | ".join(md(h) for h in head) + " |", "|" + "---|" * len(head)]
    for r, row in enumerate(rows):
        cells = [
            md(c) + (f" (`{_code(table.tags[(r, i)])}`)" if (r, i) in table.tags else "")
            for i, c in enumerate(row)
        ]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    return out


def _code(text: str) -> str:
    """A finding's code inside backticks: it is [a-z_] in every report NeoSense writes; a
    hand-made one loses what could end the span or the cell."""
    return re.sub(r"[`|\r\n]", "", visible(text))


def _or_none(table: facts.Table, none: str) -> list[str]:
    return _table(table) if table.rows else [none, ""]


def _entry(entry: facts.Entry) -> list[str]:
    heading = f":{md(entry.name)}" if entry.kind == "label" else f"\\[:{md(entry.name)}\\]"
    out = [f'<a id="{entry.anchor}"></a>', "", f"### {heading}", "", md(entry.amount) + ".", ""]
    out += [md(entry.limit), ""] if entry.limit else []
    out += _or_none(entry.properties, "No properties.")
    for title, table in entry.tables:
        out += [f"#### {md(title)}", "", *_table(table)]
    return out


def render_markdown(report: Report) -> str:
    labels, types = facts.entries(report)
    findings = facts.findings_sorted(report)
    server = report.server
    out = [
        f"# {md(server.database)} on {md(server.address)}",
        "",
        f"Neo4j {md(server.version)} {md(server.edition)}, extracted "
        f"{md(time_text(report.run.started_at))} by NeoSense {md(report.run.app_version)}.",
        "",
        "## Contents",
        "",
        "- [Overview](#overview)",
        f"- [Labels ({len(labels):,})](#labels)",
        *(f"  - [:{md(x.name)}](#{x.anchor})" for x in labels),
        f"- [Relationship types ({len(types):,})](#relationship-types)",
        *(f"  - [\\[:{md(x.name)}\\]](#{x.anchor})" for x in types),
        f"- [Findings ({len(findings):,})](#findings)",
        f"- [Indexes ({len(report.indexes):,})](#indexes)",
        f"- [Constraints ({len(report.constraints):,})](#constraints)",
        "",
        "## Overview",
        "",
        *_table(facts.overview_table(report)),
        *(line for note in report.notes for line in (md(note), "")),
        "## Labels",
        "",
    ]
    for entry in labels:
        out += _entry(entry)
    out += ["## Relationship types", "", md(MULTI_LABEL_RULE), ""]
    for entry in types:
        out += _entry(entry)
    out += ["## Findings", "", *_or_none(facts.finding_table(findings), "No findings.")]
    out += ["## Indexes", "", *_or_none(facts.index_table(report.indexes), "No indexes.")]
    out += ["## Constraints", ""]
    out += _or_none(facts.constraint_table(report.constraints), "No constraints.")
    return "\n".join(out).rstrip("\n") + "\n"
