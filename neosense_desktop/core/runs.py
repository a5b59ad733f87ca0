"""Saved runs: every report also goes to <data dir>/runs/<run-id>.json and latest.json."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .errors import ErrorCode, NeoSenseError
from .export import atomic_write_text, load_report, report_to_json
from .paths import data_dir
from .report import Report

log = logging.getLogger(__name__)

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@dataclass(frozen=True)
class RunSummary:
    """One saved run, as the history list shows it."""

    id: str
    started_at: datetime
    server_address: str
    database: str
    path: Path
    mode: str = ""
    failed_activities: int = 0


class RunStore:
    """The folder of saved runs. `root` defaults to the user data dir."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else data_dir()

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def latest_path(self) -> Path:
        return self.root / "latest.json"

    def _path_for(self, run_id: str) -> Path:
        if not _SAFE_ID.match(run_id):
            raise NeoSenseError(
                ErrorCode.INVALID_INPUT,
                f"'{run_id}' is not a valid run id.",
                suggestions=["Pick a run from the list of saved runs."],
            )
        return self.runs_dir / f"{run_id}.json"

    def save(self, report: Report) -> Path:
        """Write runs/<run-id>.json and latest.json, each atomically."""
        text = report_to_json(report)
        path = self._path_for(report.run.id)
        atomic_write_text(path, text)
        atomic_write_text(self.latest_path, text)
        return path

    def list_runs(self) -> list[RunSummary]:
        """Saved runs, newest first. Unreadable or corrupt files are skipped and logged."""
        summaries: list[RunSummary] = []
        if not self.runs_dir.is_dir():
            return summaries
        for path in self.runs_dir.glob("*.json"):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                run, server = data["run"], data["server"]
                activities = data.get("activities") or {}
                summaries.append(
                    RunSummary(
                        id=str(run["id"]),
                        started_at=datetime.fromisoformat(str(run["started_at"])),
                        server_address=str(server["address"]),
                        database=str(server["database"]),
                        path=path,
                        mode=str(run.get("mode", "")),
                        failed_activities=sum(
                            1
                            for a in activities.values()
                            if isinstance(a, dict) and a.get("status") == "failed"
                        ),
                    )
                )
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("skipping unreadable saved run %s: %s", path, exc)
        summaries.sort(key=lambda s: (s.started_at, s.id), reverse=True)
        return summaries

    def load(self, run_id: str) -> Report:
        return load_report(self._path_for(run_id))

    def load_latest(self) -> Report:
        return load_report(self.latest_path)
