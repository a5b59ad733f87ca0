"""The details pane's document: the selected row as a short page to read.

One function per kind of row builds HTML for a read-only QTextBrowser. Every piece of text
from the report (names, values, messages, Cypher) is html.escape'd here, and the browser
follows no link and loads no resource (results_pane), so a report from anyone shows as
text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

from ..core.report_constants import Severity
from .plain_text import breakable, cypher_breakable
from .report_nodes import COLUMNS, NodeKind, display_text
from .report_sections import (
    PropertyFindings,
    finding_line,
    findings_about,
    last_read_text,
    pattern_estimated,
    pattern_name,
    property_findings,
    property_holders,
)
from .score_explained import QUALITY_SECTION_KEY, SCORE_KEY, score_html
from .wording import (
    MULTI_LABEL_RULE,
    finding_phrase,
    finding_title,
    is_estimate,
    plural,
    provenance_sentence,
    provenance_text,
    sample_limit_text,
    seen_in_text,
)

if TYPE_CHECKING:  # pydantic and the report models load after the first paint
    from ..core.report import (
        Constraint,
        Finding,
        FindingSubject,
        Index,
        Label,
        Pattern,
        Property,
        PropertyProfile,
        RelationshipType,
        Report,
    )
    from .report_nodes import Node

FILL_CELLS = 10
# Findings whose values count as filled though they say "no value": named beside the fill.
FILL_HINT_CODES = frozenset({"sentinel_values", "empty_strings"})
MAX_SUBJECTS = 5  # a finding about 40 names lists them in its message already
SPARK = "▁▂▃▄▅▆▇█"
SEVERITY_COLOURS = {
    Severity.ERROR: "#c62828",
    Severity.WARNING: "#b26a00",
    Severity.INFO: "#1565c0",
}

STYLE = (
    "<style>"
    "h2 { margin-bottom: 2px; } h3 { margin-top: 14px; margin-bottom: 4px; }"
    "td, th { padding: 2px 6px; } th { text-align: left; background: #eeeeee; }"
    ".muted { color: #666666; } .num { text-align: right; }"
    "pre { background: #f4f4f4; padding: 4px; white-space: pre-wrap; }"
    "</style>"
)


# ----------------------------------------------------------------------------- pieces
def _h2(kind: str, name: str) -> str:
    """A page title; the name may wrap at its dots and colons, never inside a word."""
    return f"<h2><span class='muted'>{escape(kind)}</span> {escape(breakable(name))}</h2>"


def _cypher(statement: str) -> str:
    """Cypher to copy, wrapping between its tokens (copy drops the break marks)."""
    return f"<pre>{escape(cypher_breakable(statement))}</pre>"


def _h3(text: str) -> str:
    return f"<h3>{escape(text)}</h3>"


def _p(text: str, cls: str = "") -> str:
    attr = f" class='{cls}'" if cls else ""
    return f"<p{attr}>{escape(text)}</p>"


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: frozenset[int] = frozenset(),
    wrap_last: bool = False,
) -> str:
    """A table; headers are escaped here, cells must come escaped (they may hold markup).

    Cells do not wrap (a name broken mid-word, or a bar with its percentage below it, reads
    badly) except, with wrap_last, the last column's free text.
    """
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    last = len(headers) - 1

    def cell(i: int, text: str) -> str:
        align = " align='right'" if i in numeric else ""
        nowrap = "" if wrap_last and i == last else " style='white-space:nowrap'"
        return f"<td{align}{nowrap}>{text}</td>"

    body = "".join(
        "<tr>" + "".join(cell(i, c) for i, c in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table cellspacing='0' border='0'><tr>{head}</tr>{body}</table><br>"


def _pairs(rows: Iterable[tuple[str, str]]) -> str:
    """A two-column key/value table; both sides escaped here."""
    body = "".join(
        f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in rows if v
    )
    return f"<table cellspacing='0'>{body}</table>"


def fill_bar(rate: float) -> str:
    """A fill rate as a bar of ten cells (the percentage goes beside it, in its own cell:
    in one cell Qt may break the line inside the number)."""
    full = max(0, min(FILL_CELLS, round(rate * FILL_CELLS)))
    return (
        f"<span style='color:#2e7d32'>{'█' * full}</span>"
        f"<span style='color:#c8c8c8'>{'█' * (FILL_CELLS - full)}</span>"
    )


def sparkline(counts: Sequence[int]) -> str:
    top = max(counts, default=0)
    if top <= 0:
        return ""
    return "".join(SPARK[min(len(SPARK) - 1, round(c / top * (len(SPARK) - 1)))] for c in counts)


def _count(value: int, estimated: bool) -> str:
    return f"{'~' if estimated else ''}{value:,}"


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.4g}"


def profile_lines(profile: PropertyProfile) -> list[str]:
    """A property profile as short lines of plain text (escape them to show)."""
    lines = [f"{profile.null_rate:.1%} null of {profile.entities_read:,}"]
    if profile.distinct is not None:
        approx = "~" if profile.distinct_provenance == "approximate" else ""
        lines.append(f"{approx}{profile.distinct:,} distinct")
    if profile.min_number is not None and profile.max_number is not None:
        mean = f", mean {_number(profile.mean_number)}" if profile.mean_number is not None else ""
        lines.append(f"{_number(profile.min_number)} … {_number(profile.max_number)}{mean}")
    if profile.min_temporal and profile.max_temporal:
        lines.append(f"{profile.min_temporal} … {profile.max_temporal}")
    if profile.min_length is not None and profile.max_length is not None:
        lines.append(f"length {profile.min_length:,}–{profile.max_length:,}")
    if profile.empty_strings:
        lines.append(plural(profile.empty_strings, "empty string"))
    if profile.sentinel_values:
        lines.append(plural(profile.sentinel_values, "placeholder value"))
    if profile.histogram:
        spark = sparkline([b.count for b in profile.histogram])
        lines.append(f"histogram {spark}")
    if profile.top_values:
        tops = ", ".join(f"{t.value!r} {t.share:.0%}" for t in profile.top_values)
        lines.append(f"top: {tops}")
    return lines


def _property_table(
    props: Sequence[Property],
    owner_count: int | None,
    findings: Callable[[str], list[Finding]] | None = None,
) -> str:
    """Two lines per property, to read whole in a pane a third of the window wide: its
    name and fill; below, its types, holders and source, its findings in their colour and
    its values (a table of seven columns was cut off at the pane's edge)."""
    if not props:
        return _p("No properties.", "muted")
    head = "<tr><th>Property</th><th>Fill rate</th></tr>"
    body = []
    for prop in props:
        holders, estimated, _tip = property_holders(prop, owner_count)
        found = findings(prop.name) if findings is not None else []
        body.append(
            "<tr>"
            f"<td><b>{escape(breakable(prop.name))}</b></td>"
            f"<td style='white-space:nowrap'>{fill_bar(prop.fill_rate)}&nbsp;"
            f"{escape(_percent(prop.fill_rate))}</td>"
            "</tr>"
        )
        held = f"{_count(holders, estimated)} holders · " if holders is not None else ""
        # Keys its own sample missed come from other labels' reads: say whose.
        elsewhere = f" · {seen_in_text(prop.seen_in)}" if prop.seen_in else ""
        about = [
            f"<span class='muted'>{escape(', '.join(prop.types))} · {held}"
            f"{escape(provenance_text(prop.provenance) + elsewhere)}</span>"
        ]
        about += [
            f"<span style='color:{SEVERITY_COLOURS.get(f.severity, '#000000')}'>"
            f"{escape(_finding_phrase(f))}</span>"
            for f in found
        ]
        if prop.profile is not None:
            values = " · ".join(profile_lines(prop.profile))
            about.append(f"<span class='muted'>{escape(values)}</span>")
        body.append(
            f"<tr><td colspan='2' style='padding-bottom:6px'>{'<br>'.join(about)}</td></tr>"
        )
    return f"<table cellspacing='0' border='0'>{head}{''.join(body)}</table><br>"


def _stacked(
    headers: tuple[str, str], rows: Iterable[tuple[str, str, str]], numeric: bool = True
) -> str:
    """A table to read in a narrow pane: per row, a name and a short value, then a muted
    line below (rows: name html, value html, line text, the html escaped by the caller)."""
    align = " align='right'" if numeric else ""
    head = f"<tr><th>{escape(headers[0])}</th><th{align}>{escape(headers[1])}</th></tr>"
    body = "".join(
        f"<tr><td>{name}</td><td{align} style='white-space:nowrap'>{value}</td></tr>"
        + (
            f"<tr><td colspan='2' class='muted' style='padding-bottom:4px'>{line}</td></tr>"
            if line
            else ""
        )
        for name, value, line in rows
    )
    return f"<table cellspacing='0' border='0'>{head}{body}</table><br>"


def _percent(rate: float) -> str:
    """A fill rate to one decimal; a rate above 0 that would show as 0.0% says so."""
    return "<0.1%" if 0 < rate < 0.0005 else f"{rate:.1%}"


def _patterns_table(items: Sequence[tuple[str, Pattern]]) -> str:
    rows = [
        (
            escape(breakable(pattern_name(p, rel_type))),
            _count(p.count, pattern_estimated(p)),
            escape(
                f"the count store bounds it at {p.upper_bound:,}"
                if p.upper_bound is not None
                else provenance_text(p.provenance)
            ),
        )
        for rel_type, p in items
    ]
    return _stacked(("Pattern", "Relationships"), rows)


def _schema_items_on(report: Report, name: str) -> str:
    indexes = [i for i in report.indexes if name in i.labels_or_types]
    constraints = [c for c in report.constraints if name in c.labels_or_types]
    if not indexes and not constraints:
        return _p("None.", "muted")
    rows = [
        (
            escape(breakable(i.name)),
            "index",
            escape(f"{i.type} ({', '.join(i.properties)}), {i.state.lower()}"),
        )
        for i in indexes
    ] + [
        (
            escape(breakable(c.name)),
            "constraint",
            escape(f"{c.type} ({', '.join(c.properties)})"),
        )
        for c in constraints
    ]
    return _stacked(("Name", "Kind"), rows, numeric=False)


def touches(finding: Finding, kind: str, name: str) -> bool:
    """Whether a finding concerns this label or relationship type."""
    for subject in finding.subjects:
        if subject.kind == kind and subject.name == name:
            return True
        if kind == "label" and subject.kind == "label_set" and name in subject.labels:
            return True
    if finding.subjects:
        return False
    # Reports before 1.1 name their subject only as text.
    marker = f"(:{name})" if kind == "label" else f"[:{name}]"
    return finding.subject == name or finding.subject.startswith(marker)


def _findings_list(findings: Sequence[Finding]) -> str:
    if not findings:
        return _p("No findings.", "muted")
    items = []
    for f in findings:
        colour = SEVERITY_COLOURS.get(f.severity, "#000000")
        affected = f" — {_affected(f)}" if f.affected is not None else ""
        severity = escape(f.severity.value.capitalize())
        items.append(
            f"<li><span style='color:{colour}'><b>{severity}</b></span> "
            f"{escape(finding_title(f.code))}: {escape(f.message)}{escape(affected)}</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def _finding_phrase(f: Finding) -> str:
    """ "22 placeholder values": a finding beside the property it concerns."""
    return finding_phrase(f.code, f.affected, is_estimate(f.affected_provenance))


def _owner_findings(
    report: Report | None, kind: str, owner: str
) -> Callable[[str], list[Finding]] | None:
    if report is None:
        return None
    concerns: PropertyFindings = property_findings(report)
    return lambda prop: findings_about(concerns, kind, owner, prop)


def _affected(f: Finding) -> str:
    if f.affected is None:
        return ""
    estimated = f.affected_provenance is not None and f.affected_provenance.method == "sample"
    text = f"{'~' if estimated else ''}{f.affected:,} affected"
    if f.population:
        text += f" of {f.population:,}"
    return text


# ----------------------------------------------------------------------------- kinds
def label_html(label: Label, report: Report | None) -> str:
    parts = [_h2("Label", f":{label.name}")]
    parts.append(
        f"<p><b>{label.count:,}</b> {'node' if label.count == 1 else 'nodes'}. "
        f"{escape(provenance_sentence(label.count_provenance))}</p>"
    )
    if label.sample_limit is not None:
        parts.append(
            _p(f"Properties from a sample: {sample_limit_text(label.sample_limit, 'nodes')}.")
        )
    parts.append(_h3(f"Properties ({len(label.properties)})"))
    parts.append(
        _property_table(label.properties, label.count, _owner_findings(report, "label", label.name))
    )
    if report is not None:
        outgoing = [
            (t.name, p)
            for t in report.relationship_types
            for p in t.patterns
            if p.start == label.name
        ]
        incoming = [
            (t.name, p)
            for t in report.relationship_types
            for p in t.patterns
            if p.end == label.name
        ]
        parts.append(_h3(f"Outgoing ({plural(len(outgoing), 'pattern')})"))
        parts.append(_patterns_table(outgoing) if outgoing else _p("None.", "muted"))
        parts.append(_h3(f"Incoming ({plural(len(incoming), 'pattern')})"))
        parts.append(_patterns_table(incoming) if incoming else _p("None.", "muted"))
        if outgoing or incoming:
            parts.append(_p(MULTI_LABEL_RULE, "muted"))
        parts.append(_h3("Indexes and constraints"))
        parts.append(_schema_items_on(report, label.name))
        found = [f for f in report.quality.findings if touches(f, "label", label.name)]
        parts.append(_h3(f"Findings ({len(found)})"))
        parts.append(_findings_list(found))
    return "".join(parts)


def rel_type_html(rel: RelationshipType, report: Report | None) -> str:
    parts = [_h2("Relationship type", f"[:{rel.name}]")]
    parts.append(
        f"<p><b>{rel.count:,}</b> {'relationship' if rel.count == 1 else 'relationships'}. "
        f"{escape(provenance_sentence(rel.count_provenance))}</p>"
    )
    parts.append(_h3(f"Patterns ({len(rel.patterns)})"))
    if rel.patterns:
        parts.append(_patterns_table([(rel.name, p) for p in rel.patterns]))
        parts.append(_p(MULTI_LABEL_RULE, "muted"))
    else:
        parts.append(_p("None.", "muted"))
    parts.append(_h3(f"Properties ({len(rel.properties)})"))
    if rel.sample_limit is not None:
        parts.append(
            _p(f"Read from a sample: {sample_limit_text(rel.sample_limit, 'relationships')}.")
        )
    parts.append(
        _property_table(
            rel.properties, rel.count, _owner_findings(report, "relationship_type", rel.name)
        )
    )
    if report is not None:
        parts.append(_h3("Indexes and constraints"))
        parts.append(_schema_items_on(report, rel.name))
        found = [f for f in report.quality.findings if touches(f, "relationship_type", rel.name)]
        parts.append(_h3(f"Findings ({len(found)})"))
        parts.append(_findings_list(found))
    return "".join(parts)


def pattern_html(p: Pattern, rel_type: str) -> str:
    estimated = pattern_estimated(p)
    rows = [
        ("Relationships", _count(p.count, estimated)),
        ("Source", provenance_sentence(p.provenance)),
        ("Count store bound", f"{p.upper_bound:,}" if p.upper_bound is not None else ""),
    ]
    return _h2("Pattern", pattern_name(p, rel_type)) + _pairs(rows) + _p(MULTI_LABEL_RULE, "muted")


def property_html(prop: Property, owner: Node | None, report: Report | None = None) -> str:
    from ..core.report import Label, RelationshipType

    owner_name = ""
    owner_count: int | None = None
    found: list[Finding] = []
    concerns = property_findings(report) if report is not None else None
    if owner is not None:
        if isinstance(owner.payload, Label):
            owner_name, owner_count = f"(:{owner.payload.name})", owner.payload.count
            found = findings_about(concerns, "label", owner.payload.name, prop.name)
        elif isinstance(owner.payload, RelationshipType):
            owner_name, owner_count = f"[:{owner.payload.name}]", owner.payload.count
            found = findings_about(concerns, "relationship_type", owner.payload.name, prop.name)
    holders, estimated, tip = property_holders(prop, owner_count)
    parts = [_h2("Property", f"{owner_name}.{prop.name}" if owner_name else prop.name)]
    # A filled value can still be a placeholder ("NULL", "N/A"): say so beside the rate.
    hints = "".join(f", {_finding_phrase(f)}" for f in found if f.code in FILL_HINT_CODES)
    parts.append(
        f"<p>{fill_bar(prop.fill_rate)}&nbsp;{prop.fill_rate:.1%} filled{escape(hints)}"
        + (f" — {_count(holders, estimated)} holders" if holders is not None else "")
        + "</p>"
    )
    parts.append(_pairs([("Types", ", ".join(prop.types)), ("Holders", tip)]))
    if found:
        parts.append(_h3(f"Findings ({len(found)})"))
        items = "".join(
            f"<li><span style='color:{SEVERITY_COLOURS.get(f.severity, '#000000')}'>"
            f"<b>{escape(finding_line(f))}</b></span><br>{escape(f.message)}</li>"
            for f in found
        )
        parts.append(f"<ul>{items}</ul>")
    if prop.profile is not None:
        parts.append(_h3("Values"))
        parts.append(
            "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in profile_lines(prop.profile)) + "</ul>"
        )
        parts.append(_p(provenance_sentence(prop.profile.provenance), "muted"))
    return "".join(parts)


def index_html(ix: Index) -> str:
    from ..core.formats.cypher import index_statement

    population = f"{ix.population_percent:.0f}%" if ix.population_percent is not None else ""
    rows = [
        ("Type", ix.type),
        ("On", f"{ix.entity_type.lower()} {', '.join(ix.labels_or_types) or '*'}"),
        ("Properties", ", ".join(ix.properties)),
        ("State", ix.state),
        ("Populated", population),
        ("Owned by constraint", ix.owning_constraint or ""),
        ("Reads since server start", f"{ix.read_count:,}" if ix.read_count is not None else ""),
        ("Last read", last_read_text(ix)),
    ]
    parts = [_h2("Index", ix.name), _pairs(rows)]
    if ix.options:
        options = ", ".join(f"{k}: {v}" for k, v in sorted(ix.options.items()))
        parts.append(_h3("Options"))
        parts.append(f"<pre>{escape(options)}</pre>")
    statement = index_statement(ix)
    if statement:
        parts.append(_h3("Definition (Cypher)"))
        parts.append(_cypher(statement))
    return "".join(parts)


def constraint_html(c: Constraint) -> str:
    from ..core.formats.cypher import constraint_statement

    rows = [
        ("Type", c.type),
        ("On", f"{c.entity_type.lower()} {', '.join(c.labels_or_types) or '*'}"),
        ("Properties", ", ".join(c.properties)),
        ("Required type", c.property_type or ""),
        ("Backing index", c.owned_index or ""),
    ]
    parts = [_h2("Constraint", c.name), _pairs(rows)]
    statement = constraint_statement(c)
    if statement:
        parts.append(_h3("Definition (Cypher)"))
        parts.append(_cypher(statement))
    return "".join(parts)


def finding_html(f: Finding) -> str:
    colour = SEVERITY_COLOURS.get(f.severity, "#000000")
    parts = [
        _h2("Finding", finding_title(f.code)),
        f"<p><span style='color:{colour}'><b>{escape(f.severity.value.capitalize())}</b></span>"
        f" — {escape(f.subject)}</p>",
        _p(f.message),
    ]
    if f.affected is not None:
        source = f" {provenance_sentence(f.affected_provenance)}" if f.affected_provenance else ""
        parts.append(f"<p><b>How many:</b> {escape(_affected(f))}.{escape(source)}</p>")
    concerns = [_subject_text(x) for x in f.subjects[:MAX_SUBJECTS]]
    if len(f.subjects) > MAX_SUBJECTS:
        concerns.append(f"and {len(f.subjects) - MAX_SUBJECTS:,} more")
    if concerns:
        parts.append(f"<p><b>Concerns:</b> {escape('; '.join(concerns))}</p>")
    if f.examples:
        parts.append(_h3(f"Examples ({len(f.examples)})"))
        rows = [
            [escape(x.display or "(value not kept)"), escape(x.element_id or "")]
            for x in f.examples
        ]
        parts.append(_table(["Example", "elementId"], rows))
    if f.suggestions:
        parts.append(_h3("What to do"))
        for s in f.suggestions:
            title = "Inspect" if s.purpose == "inspect" else "Fix"
            parts.append(
                f"<p><b>{title}</b>{': ' + escape(s.description) if s.description else ''}</p>"
            )
            parts.append(_cypher(s.cypher))
        parts.append(_p("Copy the Cypher and run it yourself: NeoSense only reads.", "muted"))
    return "".join(parts)


def _subject_text(subject: FindingSubject) -> str:
    kind = subject.kind.replace("_", " ")
    if subject.kind == "label_set":
        return f"{kind} {':'.join(subject.labels)}"
    name = subject.name or "the whole graph"
    props = f" ({', '.join(subject.properties)})" if subject.properties else ""
    return f"{kind} {name}{props}"


def _generic_html(node: Node) -> str:
    kind = node.kind.value.replace("_", " ").capitalize()
    rows = [(COLUMNS[c], display_text(node, c)) for c in range(1, len(COLUMNS))]
    parts = [_h2(kind, node.name), _pairs(rows)]
    if node.count_tip:
        parts.append(_p(node.count_tip[:1].upper() + node.count_tip[1:], "muted"))
    return "".join(parts)


def details_html(node: Node, report: Report | None) -> str:
    """The details page of a row (every text escaped)."""
    from ..core.report import Constraint, Finding, Index, Label, Pattern, Property, RelationshipType

    payload = node.payload
    if isinstance(payload, Label):
        body = label_html(payload, report)
    elif isinstance(payload, RelationshipType):
        body = rel_type_html(payload, report)
    elif isinstance(payload, Pattern) and node.key and node.key[0] == "pattern":
        body = pattern_html(payload, node.key[2])
    elif isinstance(payload, Property):
        owner = node.parent
        while owner is not None and owner.kind is NodeKind.GROUP:
            owner = owner.parent
        body = property_html(payload, owner, report)
    elif isinstance(payload, Index):
        body = index_html(payload)
    elif isinstance(payload, Constraint):
        body = constraint_html(payload)
    elif isinstance(payload, Finding):
        body = finding_html(payload)
    elif node.key in (SCORE_KEY, QUALITY_SECTION_KEY) and report is not None:
        body = score_html(report)
    else:
        body = _generic_html(node)
    return STYLE + body
