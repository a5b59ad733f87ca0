"""resources/report.schema.json is the published contract: it must match the models."""

from __future__ import annotations

import json
from pathlib import Path

from neosense_desktop.core.export import schema_to_json
from neosense_desktop.core.report import SCHEMA_VERSION, report_json_schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "resources" / "report.schema.json"


def test_schema_file_matches_the_models() -> None:
    expected = schema_to_json(report_json_schema())
    actual = SCHEMA_FILE.read_text(encoding="utf-8")
    assert actual == expected, (
        "resources/report.schema.json is out of date; regenerate it with: .venv/bin/python -c "
        '"from neosense_desktop.core.export import write_json_schema; '
        "write_json_schema('resources/report.schema.json')\""
    )


def test_schema_names_the_contract_fields() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert SCHEMA_VERSION in schema["$id"]
    top = set(schema["properties"])
    assert {
        "schema_version",
        "run",
        "server",
        "activities",
        "labels",
        "relationship_types",
        "indexes",
        "constraints",
        "statistics",
        "quality",
    } <= top
    defs = schema["$defs"]
    assert {"name", "types", "fill_rate", "provenance"} <= set(defs["Property"]["properties"])
    assert {"start", "end", "count"} <= set(defs["Pattern"]["properties"])
    assert set(defs["Provenance"]["properties"]["method"]["enum"]) == {
        "count_store",
        "scan",
        "sample",
    }
