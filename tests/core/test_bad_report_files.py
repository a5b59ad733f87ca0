"""Report files that are corrupted, truncated, huge or of another version; exports that
cannot be written. Each gets a clear error, and nothing that existed is lost."""

from __future__ import annotations

import errno
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neosense_desktop.core import export, files
from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.export import load_report, report_to_json, save_report
from neosense_desktop.core.report import (
    SCHEMA_VERSION,
    Label,
    Property,
    Provenance,
    Report,
    RunInfo,
    ServerInfo,
)


def _report(n_labels: int = 3) -> Report:
    return Report(
        run=RunInfo(
            id="r1",
            started_at=datetime(2026, 1, 2, tzinfo=UTC),
            mode="auto",
            sample_size=100,
            app_version="test",
        ),
        server=ServerInfo(
            address="h:7687", version="5.26.0", edition="community", database="neo4j"
        ),
        labels=[
            Label(
                name=f"L{i} ünï`",
                count=i,
                properties=[
                    Property(
                        name="p",
                        types=["STRING"],
                        fill_rate=0.5,
                        provenance=Provenance(method="sample", sample_size=10),
                    )
                ],
            )
            for i in range(n_labels)
        ],
    )


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return save_report(_report(), tmp_path / "good.json")


def test_round_trip(good: Path) -> None:
    assert load_report(good) == _report()


def test_every_truncation_is_reported_as_damaged(good: Path, tmp_path: Path) -> None:
    text = good.read_bytes()
    cut = tmp_path / "cut.json"
    for end in range(0, len(text) - 2, max(1, len(text) // 97)):
        cut.write_bytes(text[:end])
        with pytest.raises(NeoSenseError) as info:
            load_report(cut)
        assert info.value.code is ErrorCode.FILE_CORRUPT, end
        assert str(cut) in info.value.message


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "junk.json"
        path.write_bytes(data)
        with pytest.raises(NeoSenseError) as info:
            load_report(path)
    assert info.value.code in (ErrorCode.FILE_CORRUPT, ErrorCode.REPORT_INCOMPATIBLE)


@settings(max_examples=200)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
        max_leaves=20,
    )
)
def test_random_json_is_refused_with_a_clear_error(value: object) -> None:
    import json

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "other.json"
        path.write_text(json.dumps(value))
        with pytest.raises(NeoSenseError) as info:
            load_report(path)
    assert info.value.code in (ErrorCode.FILE_CORRUPT, ErrorCode.REPORT_INCOMPATIBLE)
    assert info.value.suggestions


def test_other_major_version_is_incompatible(tmp_path: Path) -> None:
    path = tmp_path / "future.json"
    path.write_text(
        report_to_json(_report()).replace(
            f'"schema_version": "{SCHEMA_VERSION}"', '"schema_version": "2.0"'
        )
    )
    with pytest.raises(NeoSenseError) as info:
        load_report(path)
    assert info.value.code is ErrorCode.REPORT_INCOMPATIBLE
    assert "2.0" in info.value.message


def test_newer_minor_version_with_extra_fields_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "minor.json"
    path.write_text(
        report_to_json(_report()).replace(
            f'"schema_version": "{SCHEMA_VERSION}"',
            '"schema_version": "1.7", "future_field": {"x": 1}',
        )
    )
    assert load_report(path).labels == _report().labels


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:  # sparse: instant, no disk used
        handle.truncate(export.MAX_REPORT_BYTES + 1)
    with pytest.raises(NeoSenseError) as info:
        load_report(path)
    assert info.value.code is ErrorCode.FILE_CORRUPT
    assert "limit" in info.value.message


def test_deeply_nested_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(NeoSenseError) as info:
        load_report(path)
    assert info.value.code is ErrorCode.FILE_CORRUPT


def test_missing_or_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(NeoSenseError) as info:
        load_report(tmp_path / "nope.json")
    assert info.value.code is ErrorCode.FILE_READ_FAILED
    with pytest.raises(NeoSenseError) as info:
        load_report(tmp_path)  # a folder
    assert info.value.code is ErrorCode.FILE_READ_FAILED


def test_export_into_a_missing_folder_creates_it(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "r.json"
    save_report(_report(), target)
    assert load_report(target) == _report()


def test_export_where_a_folder_cannot_exist(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(NeoSenseError) as info:
        save_report(_report(), blocker / "r.json")
    assert info.value.code is ErrorCode.FILE_WRITE_FAILED
    assert info.value.suggestions
    assert blocker.read_text() == "x"


@pytest.mark.parametrize(
    ("fault", "where"),
    [
        (errno.ENOSPC, "fsync"),  # the disk fills up while the file is written
        (errno.EACCES, "mkstemp"),  # a read-only folder (root ignores chmod, so inject it)
        (errno.EROFS, "replace"),  # a read-only file system at the final rename
    ],
)
def test_failed_export_keeps_the_previous_file_and_leaves_no_debris(
    good: Path, monkeypatch: pytest.MonkeyPatch, fault: int, where: str
) -> None:
    before = good.read_bytes()

    def boom(*_a: object, **_k: object) -> None:
        raise OSError(fault, os.strerror(fault))

    target = {
        "fsync": (files.os, "fsync"),
        "mkstemp": (files.tempfile, "mkstemp"),
        "replace": (files.os, "replace"),
    }[where]
    monkeypatch.setattr(*target, boom)
    with pytest.raises(NeoSenseError) as info:
        save_report(_report(7), good)
    monkeypatch.undo()
    assert info.value.code is ErrorCode.FILE_WRITE_FAILED
    assert os.strerror(fault) in info.value.message
    assert good.read_bytes() == before
    assert sorted(p.name for p in good.parent.iterdir()) == ["good.json"]
