"""Saving, loading, the run history and report diffs, on real files."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from neosense_desktop.core.diff import diff_reports
from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.export import load_report, save_report, write_json_schema
from neosense_desktop.core.report import (
    ActivityResult,
    ActivityStatus,
    Constraint,
    Index,
    Label,
    Pattern,
    Property,
    Provenance,
    RelationshipType,
    Report,
    RunInfo,
    ServerInfo,
)
from neosense_desktop.core.runs import RunStore


def make_report(run_id: str = "20260101T000000Z-aaaaaa", minutes: int = 0) -> Report:
    scan = Provenance(method="scan")
    return Report(
        run=RunInfo(
            id=run_id,
            started_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes),
            mode="exact",
            sample_size=1000,
            app_version="0.1.0",
        ),
        server=ServerInfo(
            address="db.example:7687", version="5.26.0", edition="community", database="neo4j"
        ),
        activities={"node_labels": ActivityResult(status=ActivityStatus.SUCCEEDED)},
        labels=[
            Label(
                name="Pérson `x`.é",
                count=3,
                properties=[
                    Property(name="age", types=["INTEGER"], fill_rate=1.0, provenance=scan)
                ],
            )
        ],
        relationship_types=[
            RelationshipType(
                name="KNOWS",
                count=2,
                patterns=[Pattern(start="Pérson `x`.é", end=None, count=2)],
            )
        ],
        indexes=[
            Index(
                name="i",
                type="RANGE",
                entity_type="NODE",
                labels_or_types=["A"],
                properties=["p"],
                state="ONLINE",
            )
        ],
        constraints=[],
    )


def test_round_trip_is_byte_stable(tmp_path: Path) -> None:
    report = make_report()
    path = save_report(report, tmp_path / "r.json")
    loaded = load_report(path)
    assert loaded == report
    first = path.read_bytes()
    save_report(loaded, tmp_path / "r2.json")
    assert (tmp_path / "r2.json").read_bytes() == first
    assert "Pérson" in first.decode("utf-8")  # UTF-8, not \u escapes
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(NeoSenseError) as info:
        load_report(tmp_path / "missing.json")
    assert info.value.code is ErrorCode.FILE_READ_FAILED
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(NeoSenseError) as info:
        load_report(bad)
    assert info.value.code is ErrorCode.FILE_CORRUPT
    data = json.loads(make_report().model_dump_json())
    data["schema_version"] = "2.0"
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(NeoSenseError) as info:
        load_report(newer)
    assert info.value.code is ErrorCode.REPORT_INCOMPATIBLE
    data["schema_version"] = "1.7"  # a newer minor version with an unknown field still opens
    data["future_field"] = {"x": 1}
    newer.write_text(json.dumps(data), encoding="utf-8")
    assert load_report(newer).run.id == make_report().run.id
    del data["run"]
    newer.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(NeoSenseError) as info:
        load_report(newer)
    assert info.value.code is ErrorCode.FILE_CORRUPT and "run" in info.value.message


def test_save_into_unwritable_place_is_a_typed_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(NeoSenseError) as info:
        save_report(make_report(), blocker / "r.json")
    assert info.value.code is ErrorCode.FILE_WRITE_FAILED


def test_json_schema_written(tmp_path: Path) -> None:
    path = write_json_schema(tmp_path / "s.json")
    assert json.loads(path.read_text())["title"] == "Report"


def test_run_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEOSENSE_DATA_DIR", str(tmp_path))
    store = RunStore()
    assert store.list_runs() == []
    old = make_report("20260101T000000Z-000001", minutes=0)
    new = make_report("20260101T010000Z-000002", minutes=60)
    store.save(old)
    path = store.save(new)
    assert path == tmp_path / "runs" / "20260101T010000Z-000002.json"
    (tmp_path / "runs" / "broken.json").write_text("{", encoding="utf-8")
    runs = store.list_runs()
    assert [r.id for r in runs] == [new.run.id, old.run.id]
    assert runs[0].server_address == "db.example:7687" and runs[0].database == "neo4j"
    assert store.load(old.run.id) == old
    assert store.load_latest() == new
    with pytest.raises(NeoSenseError):
        store.load("../../etc/passwd")
    assert not os.path.exists(tmp_path / "runs" / "..json")


def test_diff_identical_is_empty() -> None:
    assert diff_reports(make_report(), make_report()).is_empty


def test_diff_finds_every_kind_of_change() -> None:
    a = make_report()
    b = make_report("20260101T010000Z-bbbbbb")
    lab = b.labels[0]
    lab.count = 5
    lab.properties[0].types = ["INTEGER", "STRING"]
    lab.properties.append(
        Property(name="name", types=["STRING"], fill_rate=0.5, provenance=Provenance(method="scan"))
    )
    b.labels.append(Label(name="New", count=1))
    b.relationship_types[0].patterns.append(Pattern(start="New", end="New", count=1))
    b.indexes = []
    b.constraints = [
        Constraint(
            name="c",
            type="UNIQUENESS",
            entity_type="NODE",
            labels_or_types=["New"],
            properties=["id"],
        )
    ]
    d = diff_reports(a, b)
    found = {(c.category, c.kind) for c in d.changes}
    assert {
        ("label", "changed"),
        ("label", "added"),
        ("property", "changed"),
        ("property", "added"),
        ("pattern", "added"),
        ("index", "removed"),
        ("constraint", "added"),
    } <= found
    count_change = next(c for c in d.changes if c.path[-1] == "count" and c.category == "label")
    assert (count_change.before, count_change.after) == (3, 5) and "(+2)" in count_change.message
    type_change = next(c for c in d.changes if c.path[-1] == "types")
    assert type_change.after == ["INTEGER", "STRING"]
    assert "difference" in d.text()
    back = diff_reports(b, a)
    assert ("label", "removed") in {(c.category, c.kind) for c in back.changes}
