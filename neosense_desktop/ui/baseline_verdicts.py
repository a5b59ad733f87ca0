"""Baselines in the window: which run is each connection's baseline, and what every later
run on that connection says against it ("conforms to baseline", "3 changes break the
baseline"), for the Run tab, Recent runs and the History tab.

The verdicts are core.drift_policy's (the same check_drift as `neosense-desktop check`),
computed off the event loop when the saved runs change, newest run first, each shown as soon
as it is known, and kept per (baseline, run) file version so a run is read again only when
its file changed (a retried run is saved again). A baseline is read once and kept; a run shown
this session is not read at all. Reading a report is most of the cost (a 3 MiB report: about
0.8 s to read, 0.3 s to check).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from ..core.errors import NeoSenseError

if TYPE_CHECKING:
    from ..core.baselines import Baseline, BaselineStore
    from ..core.drift_policy import DriftVerdict
    from ..core.report import Report
    from ..core.runs import RunStore, RunSummary

FileKey = tuple[str, int]  # a run id and the version of its file

log = logging.getLogger(__name__)

CHECKED_RUNS = 30  # the newest runs given a verdict (what Recent runs lists)
BASELINE_TEXT = "the baseline"


@dataclass(frozen=True)
class RunVerdict:
    """A run against its connection's baseline: the verdict, or why there is none."""

    run_id: str
    baseline_run_id: str
    verdict: DriftVerdict | None
    problem: str = ""

    @property
    def text(self) -> str:
        if self.verdict is None:
            return f"not checked: {self.problem}"
        return self.verdict.summary()


def _file_version(summary: RunSummary) -> int:
    try:
        return summary.path.stat().st_mtime_ns
    except OSError:
        return 0


class BaselineVerdicts(QObject):
    """Signals:
    changed(): the baselines or the verdicts changed.

    Attributes:
        baselines: each connection's baseline, by profile id.
    """

    changed = Signal()

    def __init__(
        self,
        store: BaselineStore | None,
        runs: RunStore | None,
        parent: QObject | None = None,
        *,
        shown: Callable[[str], Report | None] = lambda _run_id: None,
    ) -> None:
        """shown(run id): the report of that run if it is in memory (shown this session)."""
        super().__init__(parent)
        self.store = store
        self.runs = runs
        self._shown = shown
        self.baselines: dict[str, Baseline] = {}
        self._verdicts: dict[str, RunVerdict] = {}
        self._cache: dict[tuple[FileKey, FileKey], RunVerdict] = {}
        self._baseline_reports: dict[FileKey, Report] = {}

    def baseline_of(self, profile_id: str) -> Baseline | None:
        return self.baselines.get(profile_id) if profile_id else None

    def is_baseline(self, run_id: str) -> bool:
        return any(b.run_id == run_id for b in self.baselines.values())

    def verdict(self, run_id: str) -> RunVerdict | None:
        return self._verdicts.get(run_id)

    def text(self, run_id: str) -> str:
        """ "the baseline", the verdict, or "" for a run not checked (no baseline, or one
        made before the baseline)."""
        if self.is_baseline(run_id):
            return BASELINE_TEXT
        verdict = self._verdicts.get(run_id)
        return verdict.text if verdict is not None else ""

    async def mark(self, summary: RunSummary) -> Baseline:
        """Make this saved run its connection's baseline. Raises NeoSenseError."""
        if self.store is None:
            from ..core.errors import ErrorCode, NeoSenseError

            raise NeoSenseError(ErrorCode.INVALID_INPUT, "Baselines are not kept in this window.")
        loop = asyncio.get_running_loop()
        baseline = await loop.run_in_executor(None, self.store.mark, summary.profile_id, summary.id)
        self.baselines[summary.profile_id] = baseline
        return baseline

    async def refresh(self, saved: list[RunSummary]) -> None:
        """Read the baselines and give each newer run of a connection with one its verdict:
        the known ones at once, then each new one as soon as it is computed."""
        if self.store is None or self.runs is None:
            return
        loop = asyncio.get_running_loop()
        self.baselines = await loop.run_in_executor(None, self.store.load)
        by_id = {s.id: s for s in saved}
        verdicts: dict[str, RunVerdict] = {}
        to_check: list[tuple[RunSummary, RunSummary]] = []
        for summary in saved[:CHECKED_RUNS]:
            baseline = self.baseline_of(summary.profile_id)
            if baseline is None or baseline.run_id == summary.id:
                continue
            base = by_id.get(baseline.run_id)
            if base is None:
                verdicts[summary.id] = RunVerdict(
                    summary.id, baseline.run_id, None, "the baseline run was deleted"
                )
            elif summary.started_at > base.started_at:  # a later run
                cached = self._cache.get(_key(base, summary))
                if cached is not None:
                    verdicts[summary.id] = cached
                else:
                    to_check.append((base, summary))
        self._verdicts = verdicts
        self.changed.emit()
        for base, summary in to_check:
            verdict = await self._check(base, summary)
            self._cache[_key(base, summary)] = verdict
            self._verdicts[summary.id] = verdict
            self.changed.emit()

    async def _report(self, summary: RunSummary) -> Report:
        assert self.runs is not None
        report = self._shown(summary.id)
        if report is not None:
            return report
        loop = asyncio.get_running_loop()
        loaded: Report = await loop.run_in_executor(None, self.runs.load, summary.id)
        return loaded

    async def _check(self, base: RunSummary, summary: RunSummary) -> RunVerdict:
        from ..core.drift_policy import check_drift

        loop = asyncio.get_running_loop()
        try:
            version = (base.id, _file_version(base))
            baseline = self._baseline_reports.get(version)
            if baseline is None:
                baseline = await self._report(base)
                self._baseline_reports = {version: baseline}  # the latest one only
            report = await self._report(summary)
            verdict = await loop.run_in_executor(None, check_drift, baseline, report)
        except NeoSenseError as exc:
            log.warning("run %s not checked against baseline %s: %s", summary.id, base.id, exc)
            # Short: Recent runs is a narrow column; the log has the file and the reason.
            return RunVerdict(summary.id, base.id, None, "a report is unreadable (see the log)")
        return RunVerdict(summary.id, base.id, verdict)


def _key(base: RunSummary, summary: RunSummary) -> tuple[FileKey, FileKey]:
    return (base.id, _file_version(base)), (summary.id, _file_version(summary))
