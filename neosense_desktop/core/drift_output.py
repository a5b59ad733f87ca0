"""A drift verdict written out: text for a terminal, JSON for a program, Markdown for a
pull-request comment, JUnit XML for a CI server.

Every name in a verdict is data from the graph (or from a hand-made report). The text goes
through terminal_text.printable (no escape sequence reaches the terminal), the Markdown
through formats.markdown.md as well (no name formats, links or mentions), the JSON is ASCII
(a lone surrogate or a C1 control is a \\u escape), and the XML keeps only the characters XML
1.0 allows (printable's escapes for the rest), so a CI server can always parse the file.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

from .diff import Change
from .drift_policy import DriftVerdict
from .formats.markdown import md
from .report import Report
from .terminal_text import printable

_SIGNS = {"added": "+", "removed": "-", "changed": "~"}


def _items_checked(count: int) -> str:
    return "1 item checked." if count == 1 else f"{count:,} items checked."


@dataclass(frozen=True)
class CheckContext:
    """What the verdict was about, for its header: the two runs, the policy's source and
    the activities of the current run that did not complete."""

    baseline: Report
    current: Report
    policy_source: str  # "default policy" or the policy file's path
    incomplete: Sequence[str] = ()  # "Quality and context failed: timed out"


def _run_line(report: Report) -> str:
    started = report.run.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    nodes = report.statistics.node_count
    counted = f", {nodes:,} nodes" if nodes is not None else ""
    return (
        f"{report.server.database} on {report.server.address} · {started}{counted} "
        f"(run {report.run.id}, {report.run.mode})"
    )


def _violation_lines(verdict: DriftVerdict) -> list[tuple[Change, str]]:
    return list(zip(verdict.violations, verdict.rules, strict=True))


def render_text(verdict: DriftVerdict, context: CheckContext) -> str:
    lines = [f"Schema check: {verdict.summary()}"]
    lines.append(f"  baseline: {printable(_run_line(context.baseline))}")
    lines.append(f"  current:  {printable(_run_line(context.current))}")
    lines.append(f"  policy:   {printable(context.policy_source)}")
    for problem in context.incomplete:
        lines.append(f"  incomplete: {printable(problem)}")
    if verdict.violations:
        lines.append("")
        lines.append(f"Breaks the baseline ({len(verdict.violations):,}):")
        for change, rule in _violation_lines(verdict):
            lines.append(f"  {_SIGNS[change.kind]} {printable(change.message)}  [policy {rule}]")
    if verdict.reported:
        lines.append("")
        lines.append(f"Reported, not failing ({len(verdict.reported):,}):")
        lines.extend(f"  {_SIGNS[c.kind]} {printable(c.message)}" for c in verdict.reported)
    lines.append(f"\n{_items_checked(len(verdict.items))}")
    return "\n".join(lines) + "\n"


def _run_json(report: Report) -> dict[str, Any]:
    return {
        "run_id": report.run.id,
        "started_at": report.run.started_at.isoformat(),
        "mode": report.run.mode,
        "server": report.server.address,
        "database": report.server.database,
        "node_count": report.statistics.node_count,
    }


def render_json(verdict: DriftVerdict, context: CheckContext) -> str:
    data = {
        "conforms": verdict.conforms,
        "complete": not context.incomplete,
        "summary": verdict.summary(),
        "baseline": _run_json(context.baseline),
        "current": _run_json(context.current),
        "policy": context.policy_source,
        "incomplete": list(context.incomplete),
        "items_checked": len(verdict.items),
        "violations": [
            {**change.as_json(), "rule": rule} for change, rule in _violation_lines(verdict)
        ],
        "reported": [change.as_json() for change in verdict.reported],
    }
    return json.dumps(data, ensure_ascii=True, indent=2, default=str) + "\n"


def _md(text: str) -> str:
    return md(printable(text))


# A pull-request comment holds at most 65,536 characters (GitHub): each list stops here and
# says how many more there are.
MARKDOWN_LIST_LIMIT = 200


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= MARKDOWN_LIST_LIMIT:
        return lines
    more = len(lines) - MARKDOWN_LIST_LIMIT
    return [
        *lines[:MARKDOWN_LIST_LIMIT],
        f"- … and {more:,} more (the JUnit or JSON output has all)",
    ]


def render_markdown(verdict: DriftVerdict, context: CheckContext) -> str:
    """For a pull-request comment: a headline, the two runs, then the changes as lists (at
    most MARKDOWN_LIST_LIMIT lines each)."""
    mark = "✅" if verdict.conforms and not context.incomplete else "❌"
    lines = [f"### {mark} NeoSense schema check: {_md(verdict.summary())}", ""]
    lines.append(f"- **Baseline:** {_md(_run_line(context.baseline))}")
    lines.append(f"- **Current:** {_md(_run_line(context.current))}")
    lines.append(f"- **Policy:** {_md(context.policy_source)}")
    for problem in context.incomplete:
        lines.append(f"- **Incomplete:** {_md(problem)}")
    if verdict.violations:
        lines += ["", f"#### Breaks the baseline ({len(verdict.violations):,})", ""]
        lines += _capped(
            [
                f"- {_md(change.message)} (policy `{rule}`)"
                for change, rule in _violation_lines(verdict)
            ]
        )
    if verdict.reported:
        lines += ["", f"#### Reported, not failing ({len(verdict.reported):,})", ""]
        lines += _capped([f"- {_md(change.message)}" for change in verdict.reported])
    lines += ["", _items_checked(len(verdict.items))]
    return "\n".join(lines) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}


# -- JUnit XML ------------------------------------------------------------------------------
def xml_text(text: str) -> str:
    """Text XML 1.0 can hold: printable's escapes for control, bidi and surrogate
    characters, and for the two non-characters U+FFFE and U+FFFF."""
    safe = printable(text, keep_newlines=True)
    return safe.replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")


def _rule_hint(rule: str) -> str:
    table, key = rule.split(".", 1)
    if table == "fail":
        return f"Policy key {rule}: set it to false under [{table}] to allow this change."
    if key == "new_finding_severities":
        return f"Policy key {rule}: leave this severity out of the list to allow it."
    return f"Policy key {rule}: raise or remove this threshold under [{table}] to allow it."


def render_junit(verdict: DriftVerdict, context: CheckContext) -> bytes:
    """One test suite; one test case per checked item (class: its category, name: the item
    in words); one failure per violation, its message in words and its type the policy key;
    the reported changes of an item in its system-out; an activity that did not complete as
    an error test case of its own."""
    violations: dict[str, list[tuple[Change, str]]] = {}
    for change, rule in _violation_lines(verdict):
        violations.setdefault(change.subject, []).append((change, rule))
    reported: dict[str, list[Change]] = {}
    for change in verdict.reported:
        reported.setdefault(change.subject, []).append(change)

    failures = len(verdict.violations)
    errors = len(context.incomplete)
    listed_subjects = {item.subject for item in verdict.items}
    unlisted = sum(1 for subject in violations if subject not in listed_subjects)
    tests = len(verdict.items) + unlisted + errors
    stamp = datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat()
    suites = ElementTree.Element(
        "testsuites",
        name="neosense-desktop check",
        tests=str(tests),
        failures=str(failures),
        errors=str(errors),
        time="0",
    )
    suite = ElementTree.SubElement(
        suites,
        "testsuite",
        name=xml_text(f"Schema of {context.current.server.database} against its baseline"),
        tests=str(tests),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        time=f"{context.current.run.duration_s or 0:.3f}",
        timestamp=stamp,
        hostname=xml_text(socket.gethostname()),
    )
    properties = ElementTree.SubElement(suite, "properties")
    for name, value in (
        ("baseline", _run_line(context.baseline)),
        ("current", _run_line(context.current)),
        ("policy", context.policy_source),
        ("verdict", verdict.summary()),
    ):
        ElementTree.SubElement(properties, "property", name=name, value=xml_text(value))
    for problem in context.incomplete:
        case = ElementTree.SubElement(suite, "testcase", classname="Run", name="Run completed")
        case.set("time", "0")
        error = ElementTree.SubElement(
            case, "error", type="incomplete_run", message=xml_text(problem)
        )
        error.text = xml_text(
            f"{problem}\nItems this activity reads may show as removed: the verdict cannot be "
            "trusted until a run completes."
        )
    cases = [(item.category, item.subject) for item in verdict.items]
    listed = {subject for _category, subject in cases}
    # A violation whose item the list does not name still gets its test case: no failure
    # may go unreported.
    cases += [("Other", subject) for subject in violations if subject not in listed]
    for category, subject in cases:
        case = ElementTree.SubElement(
            suite, "testcase", classname=category, name=xml_text(subject), time="0"
        )
        for change, rule in violations.get(subject, []):
            failure = ElementTree.SubElement(
                case, "failure", type=rule, message=xml_text(change.message)
            )
            failure.text = xml_text(f"{change.message}\n{_rule_hint(rule)}")
        notes = reported.get(subject)
        if notes:
            out = ElementTree.SubElement(case, "system-out")
            out.text = xml_text("\n".join(f"Reported: {c.message}" for c in notes))
    ElementTree.indent(suites)
    body: bytes = ElementTree.tostring(suites, encoding="utf-8", xml_declaration=True)
    return body + b"\n"


def render_junit_error(case: str, message: str) -> bytes:
    """A JUnit file for a check that could not judge (no connection): one test case, one
    error, so the CI server says why rather than finding no file."""
    suites = ElementTree.Element(
        "testsuites", name="neosense-desktop check", tests="1", failures="0", errors="1", time="0"
    )
    suite = ElementTree.SubElement(
        suites,
        "testsuite",
        name="Schema against its baseline",
        tests="1",
        failures="0",
        errors="1",
        skipped="0",
        time="0",
        timestamp=datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat(),
        hostname=xml_text(socket.gethostname()),
    )
    testcase = ElementTree.SubElement(suite, "testcase", classname="Run", name=case, time="0")
    error = ElementTree.SubElement(testcase, "error", type="no_verdict", message=xml_text(message))
    error.text = xml_text(f"{message}\nNo verdict: the database was not read.")
    ElementTree.indent(suites)
    body: bytes = ElementTree.tostring(suites, encoding="utf-8", xml_declaration=True)
    return body + b"\n"
