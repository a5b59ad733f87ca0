"""Baselines in the window when files go wrong: the baseline run deleted, a later run's
report damaged. Each run says why it was not checked; nothing else stops."""

from __future__ import annotations

from datetime import timedelta

from neosense_desktop.core.baselines import BaselineStore
from neosense_desktop.core.paths import runs_dir
from neosense_desktop.core.report import Report
from neosense_desktop.core.runs import RunOrigin, RunStore
from tests.ui.helpers import wait_for
from tests.ui.journeys.journey_support import screenshot
from tests.ui.report_factory import make_report
from tests.ui.window_support import open_window


def _report(number: int, labels: int = 3) -> Report:
    report = make_report(labels=labels)
    report.run.id = f"20261207T0800{number:02d}Z-{number:06d}"
    report.run.started_at += timedelta(minutes=number)
    return report


def _recent(window: object) -> list[str]:
    recent = window.files.recent_list  # type: ignore[attr-defined]
    return [recent.item(i).text() for i in range(recent.count())]


async def test_runs_say_why_they_were_not_checked_against_a_baseline() -> None:
    store = RunStore(runs_dir())
    origin = RunOrigin("p1", "Staging")
    base, good, damaged = _report(1), _report(2, labels=2), _report(3)
    for report in (base, good, damaged):
        store.save(report, origin)
    store.folder.joinpath(f"{damaged.run.id}.json").write_text("{", encoding="utf-8")
    BaselineStore().mark("p1", base.run.id)
    async with open_window() as window:
        await wait_for(
            lambda: (
                len(_recent(window)) == 3
                and _recent(window)[2].endswith("the baseline")
                and _recent(window)[1].endswith("break the baseline")
            ),
            10,
            "the baseline and the verdicts in Recent runs (each shown when known)",
        )
        texts = _recent(window)
        assert texts[1].endswith("changes break the baseline"), texts  # Label2 removed
        assert texts[0].endswith("not checked: a report is unreadable (see the log)"), texts
        assert "Traceback" not in texts[0]
        await screenshot(window, "baseline-unreadable-run")

    # The baseline run deleted: later runs say so, and nothing else is lost.
    store.folder.joinpath(f"{base.run.id}.json").unlink()
    async with open_window() as window:
        await wait_for(lambda: len(_recent(window)) == 2, 10, "the two runs left")
        await wait_for(
            lambda: "not checked: the baseline run was deleted" in _recent(window)[1], 10, "why"
        )
        assert BaselineStore().get("p1") is not None  # kept: the user decides
