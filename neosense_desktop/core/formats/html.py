"""The report as one self-contained HTML page: inline CSS, the schema picture as inline SVG.

It loads nothing: a Content-Security-Policy forbids every fetch, so it opens the same with
no network, from a mail attachment or a wiki upload. Every text from the report goes through
html.escape (quotes too, since names also land in attributes such as SVG titles); element
ids are numbers, never names.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from ..report import Constraint, Index, Label, Pattern, RelationshipType, Report
from ..wording import MULTI_LABEL_RULE, count_text
from . import facts
from .picture import MAX_LABELS_DRAWN, report_label_colours, schema_svg

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
 margin:0 auto;max-width:1150px;padding:1rem 2rem 4rem;color:#1d1d1f;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-top:1rem}
h3{margin-bottom:.3rem}code,.name{font-family:"DejaVu Sans Mono",Consolas,monospace;
 white-space:pre-wrap;word-break:break-all}
table{border-collapse:collapse;margin:.4rem 0 1rem;min-width:50%}
th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f4f4f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#666}.swatch{display:inline-block;width:.8em;height:.8em;border-radius:50%;
 margin-right:.35em;border:1px solid #333;vertical-align:baseline}
nav ol{columns:2;margin-top:0}nav ol ol{columns:auto}
.sev-error{color:#b00020;font-weight:600}.sev-warning{color:#a35200;font-weight:600}
svg.schema{max-width:100%;height:auto;border:1px solid #eee;background:#fcfcfd}
svg .edge-label{font-size:10px;fill:#555;text-anchor:middle}
svg .label-name{font-size:12px;font-weight:600;text-anchor:middle;fill:#1d1d1f}
@media print{nav{display:none}}
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _table(head: list[str], rows: list[list[str]], numeric: frozenset[int] = frozenset()) -> str:
    """A table of plain texts (escaped here)."""
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>")
        out.extend(
            f'<td class="num">{_e(c)}</td>' if i in numeric else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _index_rows(indexes: list[Index]) -> list[list[str]]:
    return [
        [
            i.name,
            i.type,
            i.entity_type,
            ", ".join(i.labels_or_types),
            ", ".join(i.properties),
            i.state,
            i.owning_constraint or "",
        ]
        for i in indexes
    ]


INDEX_HEAD = ["Name", "Type", "On", "Labels or types", "Properties", "State", "Constraint"]
CONSTRAINT_HEAD = ["Name", "Type", "On", "Labels or types", "Properties", "Index"]


def _constraint_rows(constraints: list[Constraint]) -> list[list[str]]:
    return [
        [
            c.name,
            c.type + (f" ({c.property_type})" if c.property_type else ""),
            c.entity_type,
            ", ".join(c.labels_or_types),
            ", ".join(c.properties),
            c.owned_index or "",
        ]
        for c in constraints
    ]


def _properties(props: list[facts.PropertyRow]) -> str:
    if not props:
        return '<p class="muted">No properties.</p>'
    return _table(
        ["Property", "Types", "Present on", "From"],
        [[p.name, p.types, p.fill, p.provenance] for p in props],
    )


class _Index:
    """Per label and per type: its patterns, indexes and constraints (built once)."""

    def __init__(self, report: Report) -> None:
        self.colours = report_label_colours(report)
        self.outgoing: dict[str, list[tuple[str, Pattern]]] = defaultdict(list)
        self.incoming: dict[str, list[tuple[str, Pattern]]] = defaultdict(list)
        for rel in report.relationship_types:
            for p in rel.patterns:
                if p.start is not None:
                    self.outgoing[p.start].append((rel.name, p))
                if p.end is not None:
                    self.incoming[p.end].append((rel.name, p))
        self.indexes: dict[str, list[Index]] = defaultdict(list)
        for i in report.indexes:
            for name in i.labels_or_types:
                self.indexes[name].append(i)
        self.constraints: dict[str, list[Constraint]] = defaultdict(list)
        for c in report.constraints:
            for name in c.labels_or_types:
                self.constraints[name].append(c)


def _patterns(items: list[tuple[str, Pattern]]) -> str:
    rows = [
        [facts.pattern_text(t, p), count_text(p.count, p.provenance)]
        for t, p in sorted(items, key=lambda tp: (-tp[1].count, tp[0]))
    ]
    return _table(["Pattern", "Relationships"], rows, frozenset({1}))


def _label_section(n: int, label: Label, idx: _Index) -> str:
    out = [
        f'<section id="label-{n}"><h3><span class="swatch" style="background:'
        f'{idx.colours[label.name]}"></span><span class="name">:{_e(label.name)}</span></h3>',
        f"<p>{_e(facts.amount_text(label.count, label.count_provenance, 'node', 'nodes'))}</p>",
        _properties(facts.property_rows(label.properties)),
    ]
    if idx.outgoing.get(label.name):
        out += ["<h4>Outgoing</h4>", _patterns(idx.outgoing[label.name])]
    if idx.incoming.get(label.name):
        out += ["<h4>Incoming</h4>", _patterns(idx.incoming[label.name])]
    _schema_on(out, label.name, idx)
    out.append("</section>")
    return "".join(out)


def _schema_on(out: list[str], name: str, idx: _Index) -> None:
    if idx.indexes.get(name):
        out += ["<h4>Indexes</h4>", _table(INDEX_HEAD, _index_rows(idx.indexes[name]))]
    if idx.constraints.get(name):
        out += [
            "<h4>Constraints</h4>",
            _table(CONSTRAINT_HEAD, _constraint_rows(idx.constraints[name])),
        ]


def _type_section(n: int, rel: RelationshipType, idx: _Index) -> str:
    out = [
        f'<section id="type-{n}"><h3><span class="name">[:{_e(rel.name)}]</span></h3>',
        "<p>"
        + _e(facts.amount_text(rel.count, rel.count_provenance, "relationship", "relationships"))
        + "</p>",
        _properties(facts.property_rows(rel.properties)),
    ]
    if rel.patterns:
        out += ["<h4>Patterns</h4>", _patterns([(rel.name, p) for p in rel.patterns])]
    _schema_on(out, rel.name, idx)
    out.append("</section>")
    return "".join(out)


def render_html(report: Report) -> str:
    labels, types = facts.labels_sorted(report), facts.types_sorted(report)
    findings = facts.findings_sorted(report)
    idx = _Index(report)
    title = f"{report.server.database} on {report.server.address} — NeoSense report"
    toc = [
        '<nav id="toc"><h2>Contents</h2><ol>',
        '<li><a href="#overview">Overview</a></li>',
        '<li><a href="#picture">Schema picture</a></li>',
        f'<li><a href="#labels">Labels ({len(labels):,})</a><ol>',
        *(f'<li><a href="#label-{n}">:{_e(x.name)}</a></li>' for n, x in enumerate(labels)),
        f'</ol></li><li><a href="#types">Relationship types ({len(types):,})</a><ol>',
        *(f'<li><a href="#type-{n}">[:{_e(x.name)}]</a></li>' for n, x in enumerate(types)),
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
        f'<header><h1>{_e(report.server.database)}</h1><p class="muted">'
        f"{_e(report.server.address)} · Neo4j {_e(report.server.version)} "
        f"{_e(report.server.edition)} · extracted {_e(report.run.started_at.isoformat())} "
        f"by NeoSense {_e(report.run.app_version)}</p></header>",
        *toc,
        '<section id="overview"><h2>Overview</h2>',
        _table(["", "Value"], [[k, v] for k, v in facts.overview(report)]),
        *(f'<p class="muted">{_e(note)}</p>' for note in report.notes),
        "</section>",
        '<section id="picture"><h2>Schema picture</h2>',
        schema_svg(report),
        picture_note,
        "</section>",
        '<section id="labels"><h2>Labels</h2>',
        *(_label_section(n, x, idx) for n, x in enumerate(labels)),
        "</section>",
        '<section id="types"><h2>Relationship types</h2>',
        f'<p class="muted">{_e(MULTI_LABEL_RULE)}</p>',
        *(_type_section(n, x, idx) for n, x in enumerate(types)),
        "</section>",
        '<section id="findings"><h2>Findings</h2>',
        (
            "<table><thead><tr><th>Severity</th><th>Finding</th><th>About</th>"
            "<th>What</th><th>Affected</th><th>Examples</th><th>Next step</th></tr></thead><tbody>"
            + "".join(
                f'<tr><td class="sev-{_e(f.severity.value)}">{_e(f.severity.value)}</td>'
                f'<td>{_e(f.code)}</td><td class="name">{_e(f.subject)}</td>'
                f"<td>{_e(f.message)}</td><td>{_e(facts.finding_affected(f))}</td>"
                f'<td class="name">{_e(facts.finding_examples(f))}</td>'
                f'<td class="name">{_e(facts.finding_next_step(f))}</td></tr>'
                for f in findings
            )
            + "</tbody></table>"
            if findings
            else '<p class="muted">No findings.</p>'
        ),
        "</section>",
        '<section id="indexes"><h2>Indexes</h2>',
        _table(INDEX_HEAD, _index_rows(report.indexes))
        if report.indexes
        else '<p class="muted">No indexes.</p>',
        "</section>",
        '<section id="constraints"><h2>Constraints</h2>',
        _table(CONSTRAINT_HEAD, _constraint_rows(report.constraints))
        if report.constraints
        else '<p class="muted">No constraints.</p>',
        "</section></body></html>",
    ]
    return "\n".join(body) + "\n"
