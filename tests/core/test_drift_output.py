"""The drift verdict written out: text, JSON, Markdown and JUnit XML (validated against the
Jenkins JUnit schema in tests/fixtures), with hostile names and large verdicts."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from neosense_desktop.core.drift_output import (
    MARKDOWN_LIST_LIMIT,
    RENDERERS,
    CheckContext,
    render_junit,
    render_junit_error,
    render_markdown,
)
from neosense_desktop.core.drift_policy import check_drift
from neosense_desktop.core.report import Label, Property, Provenance, Report
from tests.core.test_drift_policy import _drop_index, _new_warning, baseline_report
from tests.neo4j_support import FIXTURES

JUNIT_SCHEMA = etree.XMLSchema(etree.parse(str(FIXTURES / "junit-jenkins.xsd")))
# C0 and C1 controls, a bidi override, a lone surrogate, XML's two non-characters, markup.
HOSTILE = "Evil\x1b]52;c;aGk=\x07\x9b2J\u202e\ud800\ufffe\uffff<b>&amp;|`x`\n# heading"


def _hostile_pair() -> tuple[Report, Report]:
    baseline = baseline_report()
    baseline.labels.append(
        Label(
            name=HOSTILE,
            count=3,
            properties=[
                Property(
                    name=HOSTILE,
                    types=["STRING"],
                    fill_rate=1.0,
                    provenance=Provenance(method="scan"),
                )
            ],
        )
    )
    current = baseline_report("20261208T000000Z-" + HOSTILE)
    current.server.database = HOSTILE
    _drop_index(current)
    _new_warning(current)
    current.quality.findings[-1].subject = HOSTILE
    return baseline, current


def _context(baseline: Report, current: Report, incomplete: tuple[str, ...] = ()) -> CheckContext:
    return CheckContext(baseline, current, "policy " + HOSTILE, incomplete)


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_carry_no_control_character(fmt: str) -> None:
    baseline, current = _hostile_pair()
    verdict = check_drift(baseline, current)
    out = RENDERERS[fmt](verdict, _context(baseline, current))
    assert verdict.summary() in out
    assert ("Label :`Evil" if fmt == "text" else "Label :\\`Evil") in out
    for ch in "\x1b\x07\x9b\u202e\ud800":
        assert ch not in out, repr(ch)
    # Each change is one line: a name's newline cannot start a line of its own.
    assert not any(line.startswith("# heading") for line in out.splitlines())
    if fmt == "markdown":
        assert "<b>" not in out and "\\<b\\>" in out


def test_json_is_ascii_and_names_the_rule_of_each_violation() -> None:
    baseline, current = _hostile_pair()
    out = RENDERERS["json"](check_drift(baseline, current), _context(baseline, current))
    assert out.isascii()
    data = json.loads(out)
    assert data["conforms"] is False and data["summary"] == "3 changes break the baseline"
    rules = sorted(v["rule"] for v in data["violations"])
    assert rules == [
        "fail.dropped_index",
        "fail.removed_label",
        "quality.new_finding_severities",
    ]
    assert data["current"]["database"] == HOSTILE
    assert all("path" not in v for v in data["violations"] + data["reported"])


def test_junit_validates_and_has_one_failure_per_violation() -> None:
    baseline, current = _hostile_pair()
    verdict = check_drift(baseline, current)
    document = etree.fromstring(render_junit(verdict, _context(baseline, current)))
    assert JUNIT_SCHEMA.validate(document), JUNIT_SCHEMA.error_log
    failures = list(document.iter("failure"))
    assert len(failures) == len(verdict.violations) == 3
    assert sorted(f.get("type") for f in failures) == sorted(verdict.rules)
    suite = document[0]
    cases = list(suite.iter("testcase"))
    assert suite.get("tests") == str(len(cases)) == str(len(verdict.items))
    assert suite.get("failures") == "3" and suite.get("errors") == "0"
    # The removed label's failure sits on the label's test case, its words intact.
    [label_failure] = [f for f in failures if f.get("type") == "fail.removed_label"]
    case = label_failure.getparent()
    assert case.get("classname") == "Labels" and case.get("name").startswith("Label :`Evil")
    assert "<b>&amp;|" in label_failure.get("message")  # markup is text in XML
    assert (
        "\\u001B" in label_failure.get("message")
        and "\x1b" not in etree.tostring(document).decode()
    )


def test_junit_of_an_incomplete_run_has_an_error_case() -> None:
    baseline = baseline_report()
    current = baseline_report("b")
    verdict = check_drift(baseline, current)
    body = render_junit(verdict, _context(baseline, current, ("Properties and types failed: x",)))
    document = etree.fromstring(body)
    assert JUNIT_SCHEMA.validate(document), JUNIT_SCHEMA.error_log
    [error] = document.iter("error")
    assert error.get("message") == "Properties and types failed: x"
    assert document[0].get("errors") == "1" and document[0].get("failures") == "0"
    assert document[0].get("tests") == str(len(verdict.items) + 1)


def test_markdown_lists_stop_at_the_limit_and_say_how_many_more() -> None:
    baseline = baseline_report()
    current = baseline_report("b")
    extra = MARKDOWN_LIST_LIMIT + 37
    current.labels.extend(Label(name=f"L{i}", count=1) for i in range(extra))
    out = render_markdown(check_drift(baseline, current), _context(baseline, current))
    assert out.count("\n- Label :L") == MARKDOWN_LIST_LIMIT
    assert "… and 37 more" in out


def test_junit_without_a_verdict_validates_and_says_why() -> None:
    document = etree.fromstring(render_junit_error("Connected to the database", HOSTILE))
    assert JUNIT_SCHEMA.validate(document), JUNIT_SCHEMA.error_log
    [error] = document.iter("error")
    assert error.get("message").startswith("Evil\\x1b]52") and document[0].get("errors") == "1"
