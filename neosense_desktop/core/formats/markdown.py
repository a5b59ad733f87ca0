"""The report as Markdown (GitHub / GitLab flavoured) for wikis and git: the html content.

Every text from the report is escaped for a table cell or a heading: a backslash before each
character Markdown would act on (`|` would split a cell; backticks, `*`, `_`, `~` would format;
`<` and `&` would start HTML; `[` `]` links; `:` emoji shortcodes; `@` mentions; `$` maths;
`#` headings), and line breaks as `<br>`, so each table row stays one line with its columns.
"""

from __future__ import annotations

import re

from ..report import Constraint, Index, Pattern, Report
from ..wording import MULTI_LABEL_RULE, count_text
from . import facts

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$:@#!{}])")
_BREAK = re.compile(r"\r\n|[\r\n\u0085\u2028\u2029]")


def md(text: object) -> str:
    """Plain text -> Markdown inline text that shows exactly that text."""
    return _BREAK.sub("<br>", _SPECIAL.sub(r"\\\1", str(text)))


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(md(h) for h in head) + " |", "|" + "---|" * len(head)]
    out.extend("| " + " | ".join(md(c) for c in row) + " |" for row in rows)
    out.append("")
    return out


def _props(out: list[str], rows: list[facts.PropertyRow]) -> None:
    if not rows:
        out += ["No properties.", ""]
        return
    out += _table(
        ["Property", "Types", "Present on", "From"],
        [[r.name, r.types, r.fill, r.provenance] for r in rows],
    )


def _patterns(out: list[str], items: list[tuple[str, Pattern]]) -> None:
    out += _table(
        ["Pattern", "Relationships"],
        [
            [facts.pattern_text(t, p), count_text(p.count, p.provenance)]
            for t, p in sorted(items, key=lambda tp: (-tp[1].count, tp[0]))
        ],
    )


def _index_table(indexes: list[Index]) -> list[str]:
    return _table(
        ["Name", "Type", "On", "Labels or types", "Properties", "State", "Constraint"],
        [
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
        ],
    )


def _constraint_table(constraints: list[Constraint]) -> list[str]:
    return _table(
        ["Name", "Type", "On", "Labels or types", "Properties", "Index"],
        [
            [
                c.name,
                c.type + (f" ({c.property_type})" if c.property_type else ""),
                c.entity_type,
                ", ".join(c.labels_or_types),
                ", ".join(c.properties),
                c.owned_index or "",
            ]
            for c in constraints
        ],
    )


def render_markdown(report: Report) -> str:
    labels, types = facts.labels_sorted(report), facts.types_sorted(report)
    findings = facts.findings_sorted(report)
    outgoing: dict[str, list[tuple[str, Pattern]]] = {}
    incoming: dict[str, list[tuple[str, Pattern]]] = {}
    for rel in report.relationship_types:
        for p in rel.patterns:
            if p.start is not None:
                outgoing.setdefault(p.start, []).append((rel.name, p))
            if p.end is not None:
                incoming.setdefault(p.end, []).append((rel.name, p))
    on: dict[str, tuple[list[Index], list[Constraint]]] = {}
    for i in report.indexes:
        for name in i.labels_or_types:
            on.setdefault(name, ([], []))[0].append(i)
    for c in report.constraints:
        for name in c.labels_or_types:
            on.setdefault(name, ([], []))[1].append(c)

    server = report.server
    out = [
        f"# {md(server.database)} on {md(server.address)}",
        "",
        f"Neo4j {md(server.version)} {md(server.edition)}, extracted "
        f"{md(report.run.started_at.isoformat())} by NeoSense {md(report.run.app_version)}.",
        "",
        "## Contents",
        "",
        "- [Overview](#overview)",
        f"- [Labels ({len(labels):,})](#labels)",
        *(f"  - [:{md(x.name)}](#label-{n})" for n, x in enumerate(labels)),
        f"- [Relationship types ({len(types):,})](#relationship-types)",
        *(f"  - [\\[:{md(x.name)}\\]](#type-{n})" for n, x in enumerate(types)),
        f"- [Findings ({len(findings):,})](#findings)",
        f"- [Indexes ({len(report.indexes):,})](#indexes)",
        f"- [Constraints ({len(report.constraints):,})](#constraints)",
        "",
        "## Overview",
        "",
        *_table(["", "Value"], [[k, v] for k, v in facts.overview(report)]),
        *(line for note in report.notes for line in (md(note), "")),
        "## Labels",
        "",
    ]

    def schema_on(name: str) -> None:
        indexes, constraints = on.get(name, ([], []))
        if indexes:
            out.extend(["#### Indexes", "", *_index_table(indexes)])
        if constraints:
            out.extend(["#### Constraints", "", *_constraint_table(constraints)])

    for n, label in enumerate(labels):
        out += [
            f'<a id="label-{n}"></a>',
            "",
            f"### :{md(label.name)}",
            "",
            md(facts.amount_text(label.count, label.count_provenance, "node", "nodes")) + ".",
            "",
        ]
        _props(out, facts.property_rows(label.properties))
        if label.name in outgoing:
            out += ["#### Outgoing", ""]
            _patterns(out, outgoing[label.name])
        if label.name in incoming:
            out += ["#### Incoming", ""]
            _patterns(out, incoming[label.name])
        schema_on(label.name)

    out += ["## Relationship types", "", md(MULTI_LABEL_RULE), ""]
    for n, rel in enumerate(types):
        out += [
            f'<a id="type-{n}"></a>',
            "",
            f"### \\[:{md(rel.name)}\\]",
            "",
            md(facts.amount_text(rel.count, rel.count_provenance, "relationship", "relationships"))
            + ".",
            "",
        ]
        _props(out, facts.property_rows(rel.properties))
        if rel.patterns:
            out += ["#### Patterns", ""]
            _patterns(out, [(rel.name, p) for p in rel.patterns])
        schema_on(rel.name)

    out += ["## Findings", ""]
    if findings:
        out += _table(
            ["Severity", "Finding", "About", "What", "Affected", "Examples", "Next step"],
            [
                [
                    f.severity.value,
                    f.code,
                    f.subject,
                    f.message,
                    facts.finding_affected(f),
                    facts.finding_examples(f),
                    facts.finding_next_step(f),
                ]
                for f in findings
            ],
        )
    else:
        out += ["No findings.", ""]
    out += ["## Indexes", ""]
    out += _index_table(report.indexes) if report.indexes else ["No indexes.", ""]
    out += ["## Constraints", ""]
    out += _constraint_table(report.constraints) if report.constraints else ["No constraints.", ""]
    return "\n".join(out).rstrip("\n") + "\n"
