"""Run history: one folder for the app and the CLI, summaries, and files that cannot be
read are set aside without ever stopping the list (or the app's start)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from neosense_desktop.core import paths
from neosense_desktop.core.runs import RunStore
from tests.core.test_export_runs_diff import make_report


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEOSENSE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


BAD_RUNS = {
    # each broke list_runs (and so the app's start) before: AttributeError, RecursionError
    "activities-list.json": lambda good: {**good, "activities": [1]},
    "deep.json": lambda good: "[" * 100_000 + "]" * 100_000,
    "not-json.json": lambda good: "{",
    "run-is-a-list.json": lambda good: {**good, "run": [1, 2]},
    "no-server.json": lambda good: {k: v for k, v in good.items() if k != "server"},
}


def test_unreadable_run_files_are_skipped_logged_and_set_aside(
    data: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = RunStore()
    good = make_report("20260101T000000Z-000001")
    store.save(good)
    good_json = json.loads((data / "runs" / "20260101T000000Z-000001.json").read_text())
    for name, make in BAD_RUNS.items():
        content = make(good_json)
        text = content if isinstance(content, str) else json.dumps(content)
        (data / "runs" / name).write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="neosense_desktop.core.runs"):
        runs = store.list_runs()
    assert [r.id for r in runs] == [good.run.id]
    quarantine = data / "runs" / "quarantine"
    assert sorted(p.name for p in quarantine.iterdir()) == sorted(BAD_RUNS)
    for name in BAD_RUNS:
        assert any(str(data / "runs" / name) in m for m in caplog.messages), name
    assert [r.id for r in RunStore().list_runs()] == [good.run.id]  # and stays listed


def test_app_and_cli_share_one_run_folder(data: Path) -> None:
    """The app passes paths.runs_dir(); the CLI uses the default: one folder, one list."""
    app_store, cli_store = RunStore(paths.runs_dir()), RunStore()
    app_run = app_store.save(make_report("20260101T000000Z-00000a"))
    cli_run = cli_store.save(make_report("20260101T010000Z-00000b", minutes=60))
    assert app_run.parent == cli_run.parent == data / "runs"
    assert [r.id for r in app_store.list_runs()] == [r.id for r in cli_store.list_runs()]
    assert len(app_store.list_runs()) == 2
    assert not (data / "runs" / "runs").exists()


def test_old_nested_runs_move_up_once_without_loss(data: Path) -> None:
    nested = data / "runs" / "runs"
    nested.mkdir(parents=True)
    texts = {}
    for i in range(3):
        report = make_report(f"20250101T00000{i}Z-old00{i}", minutes=i)
        path = nested / f"{report.run.id}.json"
        path.write_text(json.dumps(report.model_dump(mode="json")), encoding="utf-8")
        texts[path.name] = path.read_bytes()
    (nested / "latest.json").write_bytes(texts["20250101T000002Z-old002.json"])
    # the same run id already in the new place with other content: both are kept
    clash = make_report("20250101T000000Z-old000", minutes=99)
    (data / "runs" / "20250101T000000Z-old000.json").write_text(
        json.dumps(clash.model_dump(mode="json")), encoding="utf-8"
    )
    runs = RunStore().list_runs()
    assert {r.id for r in runs} == {f"20250101T00000{i}Z-old00{i}" for i in range(3)}
    assert not nested.exists()
    for i in (1, 2):
        name = f"20250101T00000{i}Z-old00{i}.json"
        assert (data / "runs" / name).read_bytes() == texts[name]
    quarantine = data / "runs" / "quarantine"
    kept = {p.name: p.read_bytes() for p in quarantine.iterdir()}
    assert kept["20250101T000000Z-old000.json"] == texts["20250101T000000Z-old000.json"]
    assert kept["latest.json"] == texts["20250101T000002Z-old002.json"]
    assert [r.id for r in RunStore().list_runs()] == [r.id for r in runs]  # once: stable


def test_a_save_writes_the_report_once_and_a_summary_the_list_reads(data: Path) -> None:
    store = RunStore()
    report = make_report("20260101T000000Z-000001")
    path = store.save(report)
    assert sorted(p.name for p in (data / "runs").iterdir()) == [
        "20260101T000000Z-000001.json",
        "20260101T000000Z-000001.summary.json",
    ]
    assert not (data / "latest.json").exists()
    summary = json.loads((data / "runs" / "20260101T000000Z-000001.summary.json").read_text())
    assert summary["id"] == report.run.id and summary["database"] == "neo4j"
    # Listing reads only the summary: the full report could be anything meanwhile.
    path.write_text("not even JSON", encoding="utf-8")
    (run,) = store.list_runs()
    assert run.id == report.run.id and run.server_address == "db.example:7687"
    assert run.path == path


def test_reports_saved_before_summaries_get_one_when_listed(data: Path) -> None:
    folder = data / "runs"
    folder.mkdir(parents=True)
    report = make_report("20250101T000000Z-legacy")
    (folder / f"{report.run.id}.json").write_text(
        json.dumps(report.model_dump(mode="json")), encoding="utf-8"
    )
    (run,) = RunStore().list_runs()
    assert run.id == report.run.id
    assert (folder / f"{report.run.id}.summary.json").is_file()
    assert RunStore().load_latest() == report


def test_a_summary_keeps_the_connection_and_the_figures_the_timeline_draws(data: Path) -> None:
    from neosense_desktop.core.runs import RunOrigin

    store = RunStore()
    report = make_report("20260101T000000Z-000001")
    report.statistics.node_count, report.statistics.relationship_count = 1037, 2
    report.quality.score = 61.7
    store.save(report, RunOrigin("profile-1", "staging <b>|;`"))
    (run,) = store.list_runs()
    assert (run.profile_id, run.profile_name) == ("profile-1", "staging <b>|;`")
    assert (run.node_count, run.relationship_count, run.score) == (1037, 2, 61.7)
    assert (run.label_count, run.relationship_type_count, run.property_count) == (1, 1, 1)


def test_a_summary_of_the_first_format_is_made_again_from_its_report(data: Path) -> None:
    store = RunStore()
    report = make_report("20260101T000000Z-000001")
    report.statistics.node_count = 3
    path = store.save(report)
    old = {
        "format": 1,
        "id": report.run.id,
        "started_at": report.run.started_at.isoformat(),
        "server_address": "db.example:7687",
        "database": "neo4j",
    }
    summary = path.with_name(f"{report.run.id}.summary.json")
    summary.write_text(json.dumps(old), encoding="utf-8")
    (run,) = store.list_runs()
    assert run.node_count == 3 and run.profile_id == ""
    assert json.loads(summary.read_text())["format"] == 2
    assert not (data / "runs" / "quarantine").exists()  # nothing was wrong with it


@pytest.mark.parametrize("field", ["node_count", "score"])
def test_a_summary_with_a_figure_that_is_not_a_number_is_made_again(data: Path, field: str) -> None:
    store = RunStore()
    report = make_report("20260101T000000Z-000001")
    path = store.save(report)
    summary = path.with_name(f"{report.run.id}.summary.json")
    data_ = json.loads(summary.read_text())
    data_[field] = "<img src=x>"
    summary.write_text(json.dumps(data_), encoding="utf-8")
    (run,) = store.list_runs()
    assert run.id == report.run.id and getattr(run, field) != "<img src=x>"


def test_a_fifo_among_the_saved_runs_is_set_aside_without_a_hang(data: Path) -> None:
    """A FIFO named like a run blocked open() for ever, so the list (and the app's start)
    never came; it is refused before it is opened and moved to quarantine/."""
    import os
    import subprocess
    import sys

    store = RunStore()
    store.save(make_report("20260101T000000Z-000001"))
    os.mkfifo(data / "runs" / "20260102T000000Z-000002.json")
    # In a child process, so that a regression fails on the timeout instead of hanging.
    code = (
        "from neosense_desktop.core.runs import RunStore;"
        "print([r.id for r in RunStore().list_runs()])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "NEOSENSE_DATA_DIR": str(data)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['20260101T000000Z-000001']"
    assert (data / "runs" / "quarantine" / "20260102T000000Z-000002.json").exists()
