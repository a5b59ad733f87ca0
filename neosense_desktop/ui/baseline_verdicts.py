"""Baselines in the window: which run is each connection's baseline, and what every later
run on that connection says against it ("conforms to baseline", "3 changes break the
baseline"), for the Run tab, Recent runs and the History tab.

The verdicts are core.drift_policy's (the same check_drift as `neosense-desktop check`),
computed off the event loop when the saved runs change, and kept per (baseline, run) file
version so a run is read again only when its file changed (a retried run is saved again).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from ..core.baselines import Baseline, BaselineStore
    from ..core.drift_policy import DriftVerdict
    from ..core.errors import NeoSenseError
    from ..core.runs import RunStore, RunSummary

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


def _check_all(
    store: RunStore, baseline_run_id: str, run_ids: list[str]
) -> dict[str, DriftVerdict | NeoSenseError]:
    """Each run against one baseline, the baseline read once (a report can be tens of MB)."""
    from ..core.drift_policy import check_drift
    from ..core.errors import NeoSenseError

    try:
        baseline = store.load(baseline_run_id)
    except NeoSenseError as exc:
        return dict.fromkeys(run_ids, exc)
    results: dict[str, DriftVerdict | NeoSenseError] = {}
    for run_id in run_ids:
        try:
            results[run_id] = check_drift(baseline, store.load(run_id))
        except NeoSenseError as exc:
            results[run_id] = exc
    return results


class BaselineVerdicts(QObject):
    """Signals:
    changed(): the baselines or the verdicts changed.

    Attributes:
        baselines: each connection's baseline, by profile id.
    """

    changed = Signal()

    def __init__(
        self, store: BaselineStore | None, runs: RunStore | None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.runs = runs
        self.baselines: dict[str, Baseline] = {}
        self._verdicts: dict[str, RunVerdict] = {}
        self._cache: dict[tuple[str, int, str, int], RunVerdict] = {}

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
        """Read the baselines and give each newer run of a connection with one its verdict."""
        if self.store is None or self.runs is None:
            return
        loop = asyncio.get_running_loop()
        self.baselines = await loop.run_in_executor(None, self.store.load)
        by_id = {s.id: s for s in saved}
        verdicts: dict[str, RunVerdict] = {}
        to_check: dict[str, list[tuple[RunSummary, tuple[str, int, str, int]]]] = {}
        for summary in saved[:CHECKED_RUNS]:
            baseline = self.baseline_of(summary.profile_id)
            if baseline is None or baseline.run_id == summary.id:
                continue
            base = by_id.get(baseline.run_id)
            if base is None:
                verdicts[summary.id] = RunVerdict(
                    summary.id, baseline.run_id, None, "the baseline run was deleted"
                )
                continue
            if summary.started_at <= base.started_at:
                continue  # made before the baseline: not a later run
            key = (base.id, _file_version(base), summary.id, _file_version(summary))
            cached = self._cache.get(key)
            if cached is not None:
                verdicts[summary.id] = cached
            else:
                to_check.setdefault(base.id, []).append((summary, key))
        for base_id, runs in to_check.items():
            results = await loop.run_in_executor(
                None, _check_all, self.runs, base_id, [s.id for s, _ in runs]
            )
            for summary, key in runs:
                verdict = self._verdict(base_id, summary.id, results[summary.id])
                self._cache[key] = verdict
                verdicts[summary.id] = verdict
        self._verdicts = verdicts
        self.changed.emit()

    @staticmethod
    def _verdict(
        baseline_run_id: str, run_id: str, result: DriftVerdict | NeoSenseError
    ) -> RunVerdict:
        from ..core.errors import NeoSenseError

        if isinstance(result, NeoSenseError):
            log.warning(
                "run %s not checked against baseline %s: %s", run_id, baseline_run_id, result
            )
            # Short: Recent runs is a narrow column; the log has the file and the reason.
            return RunVerdict(run_id, baseline_run_id, None, "a report is unreadable (see the log)")
        return RunVerdict(run_id, baseline_run_id, result)
