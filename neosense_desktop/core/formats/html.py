"""The report as one self-contained HTML page: inline CSS, the schema picture as inline SVG.

It loads nothing: a Content-Security-Policy forbids every fetch, so it opens the same with
no network, from a mail attachment or a wiki upload. Every text from the report goes through
html.escape (quotes too, since names also land in attributes such as SVG titles); element
ids are numbers, never names.

Names are shown as they are, never as they pretend to be: hidden and bidirectional controls
appear as markers such as ⟨U+202E⟩ (formats.shown), and each name in a heading, the contents
or the header is isolated in <bdi>, so a right-to-left name cannot reorder what is around
it. A long name wraps in tables; the contents list and the headings cut it with an
ellipsis, and its title attribute holds the full name.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from ..report import Report
from ..wording import MULTI_LABEL_RULE, time_text
from . import facts
from .picture import MAX_LABELS_DRAWN, report_label_colours, schema_svg
from .shown import cut, visible

# The longest name the contents list (two columns) and a section heading show; the full
# name is in the title attribute, and in the tables.
MAX_CONTENTS_NAME_CHARS = 40
MAX_HEADING_NAME_CHARS = 120
LONG_CELL_CHARS = 60

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
 margin:0 auto;max-width:1800px;padding:1rem 2.5rem 4rem;color:#1d1d1f;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-top:1rem}
h3{margin-bottom:.3rem}code,.name{font-family:"DejaVu Sans Mono",Consolas,monospace;
 white-space:pre-wrap}
h1,h3,td.long,nav li{overflow-wrap:anywhere}
table{border-collapse:collapse;margin:.4rem 0 1rem;min-width:50%}
table.wide{width:100%}
th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f4f4f6}td.num{text-align:right;font-variant-numeric:tabular-nums;
 white-space:nowrap}
.muted{color:#666}.swatch{display:inline-block;width:.8em;height:.8em;border-radius:50%;
 margin-right:.35em;border:1px solid #333;vertical-align:baseline}
.tag{display:inline-block;margin-left:.4em;padding:0 .35em;border-radius:3px;
 background:#eef0f3;color:#555;font:11px/1.5 "DejaVu Sans Mono",Consolas,monospace}
nav ol{columns:3 14rem;margin-top:0}nav ol ol{columns:auto}nav>ol>li{break-inside:avoid}
.sev-error{color:#b00020;font-weight:600}.sev-warning{color:#a35200;font-weight:600}
svg.schema{max-width:100%;height:auto;border:1px solid #eee;background:#fcfcfd}
svg .edge-label{font-size:10px;fill:#555;text-anchor:middle}
svg .label-name{font-size:12px;font-weight:600;text-anchor:middle;fill:#1d1d1f}
svg .legend-title{font-size:12px;font-weight:700;fill:#1d1d1f}
svg .legend-name{font-size:12px;fill:#1d1d1f;white-space:pre}
@page{size:A4;margin:12mm}
@media print{nav{display:none}body{max-width:none;padding:0;font-size:10pt}
 h2{break-after:avoid}tr,svg{break-inside:avoid}th{background:#eee}
 table.wide{font-size:9pt}}
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _e(text: object) -> str:
    return escape(visible(str(text)), quote=True)


def _name(name: str, limit: int | None = None) -> str:
    """A name isolated in <bdi>; cut at limit characters, with the full name in a title."""
    if limit is None or len(name) <= limit:
        return f"<bdi>{_e(name)}</bdi>"
    return f'<bdi title="{_e(name)}">{_e(cut(name, limit))}</bdi>'


def _cell(text: str, css: str | None) -> str:
    # A long text (a name of 3,000 characters) may break anywhere, so that it wraps
    # instead of widening the page; short ones keep their words, so that the long one
    # cannot squeeze the other columns to a character each.
    if len(text) > LONG_CELL_CHARS:
        css = f"{css} long" if css else "long"
    return f'<td class="{_e(css)}">{_e(text)}</td>' if css else f"<td>{_e(text)}</td>"


def _table(
    table: facts.Table,
    css: Callable[[int, str], str | None] | None = None,
    *,
    wide: bool = False,
) -> str:
    """The table's texts escaped; css gives a cell's class (numeric columns by default);
    a tag (a finding's code) follows its cell's text in small type; wide fills the page."""
    opening = '<table class="wide">' if wide else "<table>"
    out = [opening, "<thead><tr>", *(f"<th>{_e(h)}</th>" for h in table.head)]
    out.append("</tr></thead><tbody>")
    for r, row in enumerate(table.rows):
        out.append("<tr>")
        for i, c in enumerate(row):
            cell = _cell(c, css(i, c) if css else ("num" if i in table.numeric else None))
            tag = table.tags.get((r, i))
            if tag is not None:
                cell = cell[: -len("</td>")] + f'<span class="tag">{_e(tag)}</span></td>'
            out.append(cell)
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _or_none(
    table: facts.Table,
    none: str,
    css: Callable[[int, str], str | None] | None = None,
    *,
    wide: bool = False,
) -> str:
    return _table(table, css, wide=wide) if table.rows else f'<p class="muted">{_e(none)}</p>'


# Finding cells: the severity coloured, names and Cypher in a monospace font.
_FINDING_NAME_COLUMNS = frozenset({2, 6})


def _finding_css(col: int, text: str) -> str | None:
    if col == 0:
        return f"sev-{text}"
    return "name" if col in _FINDING_NAME_COLUMNS else None


def _entry_section(entry: facts.Entry, colours: dict[str, str]) -> str:
    if entry.kind == "label":
        heading = (
            f'<span class="swatch" style="background:{colours[entry.name]}"></span>'
            f'<span class="name">:{_name(entry.name, MAX_HEADING_NAME_CHARS)}</span>'
        )
    else:
        heading = f'<span class="name">[:{_name(entry.name, MAX_HEADING_NAME_CHARS)}]</span>'
    out = [
        f'<section id="{entry.anchor}"><h3>{heading}</h3>',
        f"<p>{_e(entry.amount)}</p>",
        f'<p class="muted">{_e(entry.limit)}</p>' if entry.limit else "",
        _or_none(entry.properties, "No properties."),
    ]
    for title, table in entry.tables:
        out += [f"<h4>{_e(title)}</h4>", _table(table)]
    out.append("</section>")
    return "".join(out)


def render_html(report: Report) -> str:
    labels, types = facts.entries(report)
    findings = facts.findings_sorted(report)
    colours = report_label_colours(report)
    title = f"{report.server.database} on {report.server.address} — NeoSense report"
    toc = [
        '<nav id="toc"><h2>Contents</h2><ol>',
        '<li><a href="#overview">Overview</a></li>',
        '<li><a href="#picture">Schema picture</a></li>',
        f'<li><a href="#labels">Labels ({len(labels):,})</a><ol>',
        *(
            f'<li><a href="#{x.anchor}">:{_name(x.name, MAX_CONTENTS_NAME_CHARS)}</a></li>'
            for x in labels
        ),
        f'</ol></li><li><a href="#types">Relationship types ({len(types):,})</a><ol>',
        *(
            f'<li><a href="#{x.anchor}">[:{_name(x.name, MAX_CONTENTS_NAME_CHARS)}]</a></li>'
            for x in types
        ),
        f'</ol></li><li><a href="#findings">Findings ({len(findings):,})</a></li>',
        f'<li><a href="#indexes">Indexes ({len(report.indexes):,})</a></li>',
        f'<li><a href="#constraints">Constraints ({len(report.constraints):,})</a></li>',
        "</ol></nav>",
    ]
    drawn = min(len(report.labels), MAX_LABELS_DRAWN)
    picture_note = (
        f'<p class="muted">The {drawn:,} largest of {len(report.labels):,} labels are drawn.</p>'
        if drawn < len(report.labels)
        else ""
    )
    body = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
        f'<header><h1>{_name(report.server.database)}</h1><p class="muted">'
        f"{_e(report.server.address)} · Neo4j {_e(report.server.version)} "
        f"{_e(report.server.edition)} · extracted {_e(time_text(report.run.started_at))} "
        f"by NeoSense {_e(report.run.app_version)}</p></header>",
        *toc,
        '<section id="overview"><h2>Overview</h2>',
        _table(facts.overview_table(report)),
        *(f'<p class="muted">{_e(note)}</p>' for note in report.notes),
        "</section>",
        '<section id="picture"><h2>Schema picture</h2>',
        schema_svg(report),
        picture_note,
        "</section>",
        '<section id="labels"><h2>Labels</h2>',
        *(_entry_section(x, colours) for x in labels),
        "</section>",
        '<section id="types"><h2>Relationship types</h2>',
        f'<p class="muted">{_e(MULTI_LABEL_RULE)}</p>',
        *(_entry_section(x, colours) for x in types),
        "</section>",
        '<section id="findings"><h2>Findings</h2>',
        _or_none(facts.finding_table(findings), "No findings.", _finding_css, wide=True),
        "</section>",
        '<section id="indexes"><h2>Indexes</h2>',
        _or_none(facts.index_table(report.indexes), "No indexes.", wide=True),
        "</section>",
        '<section id="constraints"><h2>Constraints</h2>',
        _or_none(facts.constraint_table(report.constraints), "No constraints.", wide=True),
        "</section></body></html>",
    ]
    return "\n".join(body) + "\n"
