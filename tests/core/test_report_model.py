"""Report schema 1.1: findings with subjects, counts, examples and suggested Cypher; property
profiles; per-label scores. 1.0 reports still open; the largest 1.1 report fits the limits."""

from __future__ import annotations

from pathlib import Path

from neosense_desktop.core.export import load_report, report_to_json, save_report
from neosense_desktop.core.report import (
    MAX_EXAMPLES,
    MAX_FINDINGS,
    MAX_HISTOGRAM_BINS,
    MAX_PROFILES,
    SCHEMA_VERSION,
    Deduction,
    Finding,
    FindingExample,
    FindingSubject,
    HistogramBin,
    PropertyProfile,
    Provenance,
    Severity,
    SubjectScore,
    SuggestedCypher,
    TopValue,
)
from neosense_desktop.core.report_limits import check_report_bytes
from tests.ui.report_factory import make_report

OLD_REPORT = Path(__file__).resolve().parents[1] / "fixtures" / "report-1.0.json"


def test_a_1_0_report_written_by_the_previous_code_still_opens() -> None:
    report = load_report(OLD_REPORT)
    assert report.schema_version == "1.0"
    assert report.run.values is None and report.quality.values_policy is None
    finding = report.quality.findings[0]
    assert finding.code == "orphan_nodes" and finding.subjects == [] and finding.examples == []
    assert finding.affected is None and finding.suggestions == []
    assert report.labels[0].properties[0].profile is None
    assert report.quality.subject_scores == [] and report.quality.deductions == []


def _full_finding(i: int) -> Finding:
    return Finding(
        code="numeric_strings",
        severity=Severity.WARNING,
        subject=f"(:Label{i}).prop1",
        message="prop1 holds numbers stored as strings in 100% of the values read.",
        subjects=[FindingSubject(kind="label", name=f"Label{i}", properties=["prop1"])],
        affected=99_000 + i,
        affected_provenance=Provenance(method="sample", sample_size=1000),
        population=100_000,
        examples=[
            FindingExample(
                element_id=f"4:abcdef01-2345-6789-abcd-ef0123456789:{i * 10 + e}",
                display=f"value {e}",
            )
            for e in range(MAX_EXAMPLES)
        ],
        suggestions=[
            SuggestedCypher(
                purpose="inspect",
                cypher=f"MATCH (n:`Label{i}`) WHERE n.`prop1` IS :: STRING RETURN n LIMIT 25",
            ),
            SuggestedCypher(
                purpose="fix",
                cypher=f"MATCH (n:`Label{i}`) WHERE n.`prop1` IS :: STRING "
                "SET n.`prop1` = toInteger(n.`prop1`)",
                description="convert to INTEGER",
            ),
        ],
    )


def _full_profile() -> PropertyProfile:
    return PropertyProfile(
        provenance=Provenance(method="sample", sample_size=1000),
        entities_read=1000,
        values_read=990,
        null_rate=0.01,
        distinct=850,
        distinct_provenance="approximate",
        min_number=-12.5,
        max_number=1_000_000.25,
        mean_number=4321.125,
        min_length=0,
        max_length=64,
        empty_strings=3,
        sentinel_values=2,
        top_values=[TopValue(value=f"v{t}", type="STRING", count=10, share=0.01) for t in range(5)],
        histogram=[
            HistogramBin(lower=b * 10.0, upper=(b + 1) * 10.0, count=99)
            for b in range(MAX_HISTOGRAM_BINS)
        ],
        histogram_provenance=Provenance(method="sample", sample_size=990),
    )


def test_a_1_1_report_with_every_new_field_round_trips(tmp_path: Path) -> None:
    report = make_report(labels=2, properties=2, types=1)
    report.run.values = "examples"
    report.labels[0].properties[0].profile = _full_profile()
    report.quality.findings = [_full_finding(0)]
    report.quality.values_policy = "examples"
    deduction = Deduction(
        code="numeric_strings",
        subject="(:Label0).prop1",
        severity=Severity.WARNING,
        weight=0.05,
        share=0.5,
        penalty=0.03125,
    )
    report.quality.deductions = [deduction]
    report.quality.subject_scores = [
        SubjectScore(kind="label", name="Label0", score=96.9, deductions=[deduction])
    ]
    path = save_report(report, tmp_path / "r.json")
    back = load_report(path)
    assert back.schema_version == SCHEMA_VERSION  # 1.1 fields, still in 1.2
    assert back == report


def test_the_largest_1_1_report_fits_every_limit() -> None:
    """2,000 labels x 50 properties, MAX_PROFILES full profiles and MAX_FINDINGS findings
    with every field filled: the report's own bounds keep it inside report_limits."""
    report = make_report(labels=2000, properties=50, types=40)
    profile = _full_profile()
    profiled = 0
    for label in report.labels:
        for prop in label.properties:
            if profiled < MAX_PROFILES:
                prop.profile = profile
                profiled += 1
    report.quality.findings = [_full_finding(i) for i in range(MAX_FINDINGS)]
    raw = report_to_json(report).encode("utf-8")
    check_report_bytes(raw, "largest 1.1")  # raises if a limit is passed


def test_models_share_their_fields_set_until_one_is_assigned() -> None:
    """model_post_init shares pydantic's set of the fields given between instances (half
    of a Property's memory); assignment and model_copy give an instance its own again."""
    report = make_report(labels=3, properties=4)
    first, second = report.labels[0].properties[0], report.labels[1].properties[0]
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    assert first.model_fields_set == {"name", "types", "fill_rate", "provenance", "observed"}
    first.profile = None
    assert "profile" in first.model_fields_set
    assert "profile" not in second.model_fields_set
    copied = second.model_copy(update={"profile": None})
    assert "profile" in copied.model_fields_set and "profile" not in second.model_fields_set
    dumped = report.model_dump(exclude_unset=True)["labels"][1]["properties"][0]
    assert "profile" not in dumped and dumped["name"] == "prop0"
