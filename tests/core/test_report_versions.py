"""Reports across schema versions: 1.2 added the server's Cypher languages, 1.3 the run's
concurrency and the server's processors; 1.0 still opens."""

from __future__ import annotations

import json
from pathlib import Path

from neosense_desktop.core.export import load_report, report_to_json
from neosense_desktop.core.report import SCHEMA_VERSION, Report

REPORT_1_0 = {
    "schema_version": "1.0",
    "run": {
        "id": "20260101T000000Z-abcdef",
        "started_at": "2026-01-01T00:00:00Z",
        "mode": "exact",
        "sample_size": 1000,
        "app_version": "0.1.0",
    },
    "server": {
        "address": "127.0.0.1:7687",
        "version": "5.26.19",
        "edition": "community",
        "database": "neo4j",
        "apoc_present": False,
    },
    "labels": [{"name": "Person", "count": 3}],
}


def test_a_1_0_report_opens_without_the_language_fields(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps(REPORT_1_0), encoding="utf-8")
    report = load_report(path)
    assert report.schema_version == "1.0"
    assert report.server.version == "5.26.19"
    assert report.server.default_language is None and report.server.cypher_versions is None
    assert [x.name for x in report.labels] == ["Person"]


def test_the_language_fields_round_trip(tmp_path: Path) -> None:
    data = dict(REPORT_1_0, schema_version=SCHEMA_VERSION)
    data["server"] = dict(
        REPORT_1_0["server"],  # type: ignore[arg-type]
        version="2026.08.1",
        default_language="CYPHER 25",
        cypher_versions=["5", "25"],
    )
    report = Report.model_validate(data)
    path = tmp_path / "new.json"
    path.write_text(report_to_json(report), encoding="utf-8")
    again = load_report(path)
    assert again.server.default_language == "CYPHER 25"
    assert again.server.cypher_versions == ["5", "25"]
    assert SCHEMA_VERSION == "1.4"


def test_a_1_2_report_opens_without_the_concurrency_fields(tmp_path: Path) -> None:
    data = dict(REPORT_1_0, schema_version="1.2")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = load_report(path)
    assert report.run.concurrent_queries is None
    assert report.run.concurrent_queries_requested is None
    assert report.server.processors is None


def test_the_concurrency_fields_round_trip(tmp_path: Path) -> None:
    data = dict(REPORT_1_0, schema_version=SCHEMA_VERSION)
    data["run"] = dict(
        REPORT_1_0["run"],  # type: ignore[arg-type]
        concurrent_queries=16,
        concurrent_queries_requested="auto",
    )
    data["server"] = dict(REPORT_1_0["server"], processors=32)  # type: ignore[arg-type]
    path = tmp_path / "new.json"
    path.write_text(report_to_json(Report.model_validate(data)), encoding="utf-8")
    again = load_report(path)
    assert again.run.concurrent_queries == 16
    assert again.run.concurrent_queries_requested == "auto"
    assert again.server.processors == 32
    fixed = Report.model_validate(
        dict(data, run=dict(data["run"], concurrent_queries=1, concurrent_queries_requested=1))  # type: ignore[arg-type]
    )
    assert fixed.run.concurrent_queries_requested == 1
