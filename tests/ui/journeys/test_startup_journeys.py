"""Journeys of starting the app on a damaged run history: it opens, says what it set aside,
and what was readable is still there."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QListWidget

from neosense_desktop.core.paths import runs_dir
from neosense_desktop.core.runs import RunStore, RunSummary
from tests.ui.helpers import wait_for
from tests.ui.journeys.journey_support import screenshot
from tests.ui.report_factory import make_report
from tests.ui.window_support import open_window


def _recent(window: object) -> QListWidget:
    found = window.findChild(QListWidget, "recent-runs")  # type: ignore[attr-defined]
    assert isinstance(found, QListWidget)
    return found


async def test_journey_start_with_damaged_run_files_keeps_the_good_run() -> None:
    folder = runs_dir()
    good = RunStore(folder).save(make_report(labels=3))
    # What a crash, a bad sync or a stranger's file leaves: each once stopped the app.
    (folder / "activities-not-objects.json").write_text(
        json.dumps({**json.loads(good.read_text()), "activities": [1]}), encoding="utf-8"
    )
    (folder / "deeply-nested.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (folder / "truncated.json").write_text(good.read_text()[:100], encoding="utf-8")

    async with open_window() as window:
        recent = _recent(window)
        await wait_for(lambda: recent.count() == 1, 10, "the one readable run in Recent runs")
        await screenshot(window, "start-with-damaged-runs")
    left = sorted(p.name for p in folder.glob("*.json") if not p.name.endswith(".summary.json"))
    assert left == [good.name]
    set_aside = {p.name for p in (folder / "quarantine").iterdir()}
    assert {"activities-not-objects.json", "deeply-nested.json", "truncated.json"} <= set_aside


class ExplodingRunStore(RunStore):
    """A run store whose listing fails in a way nobody foresaw (the fault injected)."""

    def list_runs(self) -> list[RunSummary]:
        raise RecursionError("maximum recursion depth exceeded while decoding a JSON array")


async def test_journey_start_when_listing_runs_raises_still_opens_and_says_so(
    tmp_path: Path,
) -> None:
    async with open_window(runs=ExplodingRunStore(tmp_path / "runs")) as window:
        await wait_for(
            lambda: "saved runs could not be listed" in window.statusBar().currentMessage(),
            10,
            "the status bar to say the run history was skipped",
        )
        assert "RecursionError" in window.statusBar().currentMessage()
        assert window.isVisible() and window.act_run is not None
        assert _recent(window).count() == 0
        await screenshot(window, "start-when-run-listing-raises")
