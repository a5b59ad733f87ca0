"""Each connection's baseline on disk: kept per profile, written atomically, a damaged file
never overwritten nor fatal, and only run ids accepted."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from neosense_desktop.core.baselines import BaselineStore
from neosense_desktop.core.errors import ErrorCode, NeoSenseError


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEOSENSE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_a_baseline_per_connection_survives_a_new_store(data: Path) -> None:
    store = BaselineStore()
    assert store.load() == {}
    store.mark("staging", "20260101T000000Z-000001")
    store.mark("production", "20260101T000000Z-000002")
    store.mark("staging", "20260102T000000Z-000003")  # a new baseline replaces the old
    again = BaselineStore()
    assert {p: b.run_id for p, b in again.load().items()} == {
        "staging": "20260102T000000Z-000003",
        "production": "20260101T000000Z-000002",
    }
    path = data / "baselines.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert [p.name for p in data.iterdir()] == ["baselines.json"]  # no temp file left
    again.clear("staging")
    assert list(BaselineStore().load()) == ["production"]


@pytest.mark.parametrize(
    "run_id", ["../../etc/passwd", "", "a/b", "x.summary", "<img src=x>", "a" * 200]
)
def test_only_run_ids_can_be_a_baseline(data: Path, run_id: str) -> None:
    with pytest.raises(NeoSenseError) as caught:
        BaselineStore().mark("staging", run_id)
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert not (data / "baselines.json").exists()


def test_a_run_not_made_on_a_saved_connection_cannot_be_a_baseline(data: Path) -> None:
    with pytest.raises(NeoSenseError, match="not made on a saved connection"):
        BaselineStore().mark("", "20260101T000000Z-000001")


@pytest.mark.parametrize(
    "content",
    [
        "{",
        "[]",
        json.dumps({"format": 1, "baselines": {"staging": {"run_id": "../x"}}}),
        json.dumps({"format": 99, "baselines": {}}),
        "[" * 10_000 + "]" * 10_000,
    ],
)
def test_a_damaged_file_reads_as_no_baselines_and_is_kept_aside_on_the_next_write(
    data: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    data.mkdir(parents=True)
    path = data / "baselines.json"
    path.write_text(content, encoding="utf-8")
    store = BaselineStore()
    assert store.load() == {}
    assert path.read_text(encoding="utf-8") == content  # reading never rewrites it
    assert any("cannot be read" in m for m in caplog.messages)
    store.mark("staging", "20260101T000000Z-000001")
    kept = [p for p in data.iterdir() if p.name.startswith("baselines.json.unreadable-")]
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == content
    assert BaselineStore().get("staging") is not None
