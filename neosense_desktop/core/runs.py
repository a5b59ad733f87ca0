"""Saved runs: one folder, shared by the app and the CLI (paths.runs_dir() by default).

    <runs>/<run-id>.json           the full report, written once per save
    <runs>/<run-id>.summary.json   what the Recent runs list shows, so listing never parses
                                   a full report
    <runs>/quarantine/             files that could not be read, moved aside (never deleted)

Listing never fails because of one file: whatever goes wrong with a file (bad JSON, wrong
shapes, too deep, unreadable) it is logged with its path, moved to quarantine/ and skipped.
Versions before 0.2 of the app wrote to <runs>/runs/; those files are moved up once.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ErrorCode, NeoSenseError
from .files import atomic_write_text, ensure_private_dir
from .paths import data_dir, runs_dir
from .report_limits import ReportLimits, parse_report_json, read_report_json_bytes

if TYPE_CHECKING:  # pydantic and the report models load on first use, after the first paint
    from .report import Report

log = logging.getLogger(__name__)

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
SUMMARY_SUFFIX = ".summary.json"
QUARANTINE = "quarantine"
LEGACY_NESTED = "runs"  # the app's old <runs>/runs/ folder
SUMMARY_FORMAT = 2
# Format 1 had no connection nor figures: such a summary is made again from its report.
OLD_SUMMARY_FORMATS = (1,)
# A summary is a handful of short fields; anything bigger is not one.
_SUMMARY_LIMITS = ReportLimits(max_bytes=64 * 1024, max_depth=4, max_values=64)


def is_run_id(text: str) -> bool:
    """A run id the store can hold: a safe file name, never a summary's."""
    return bool(_SAFE_ID.match(text)) and not text.endswith(".summary")


def _load_report(path: Path) -> Report:
    from .export import load_report

    return load_report(path)


@dataclass(frozen=True)
class RunOrigin:
    """The saved connection a run was made on (the report itself does not name it)."""

    profile_id: str = ""
    profile_name: str = ""


@dataclass(frozen=True)
class RunSummary:
    """One saved run, as the history list and the timeline show it.

    profile_id and profile_name are empty for runs saved without a connection (the CLI,
    or summaries remade from a report); the figures are None where the run had none.
    """

    id: str
    started_at: datetime
    server_address: str
    database: str
    path: Path
    mode: str = ""
    failed_activities: int = 0
    profile_id: str = ""
    profile_name: str = ""
    node_count: int | None = None
    relationship_count: int | None = None
    label_count: int | None = None
    relationship_type_count: int | None = None
    property_count: int | None = None
    score: float | None = None
    findings: int = 0


def property_count(report: Report) -> int:
    """Distinct property names on labels and relationship types: what the report read,
    not the server's property key tokens (which outlive the values that used them)."""
    names = {p.name for owner in report.labels for p in owner.properties}
    names.update(p.name for owner in report.relationship_types for p in owner.properties)
    return len(names)


def _summary_data(report: Report, origin: RunOrigin | None = None) -> dict[str, Any]:
    origin = origin or RunOrigin()
    stats = report.statistics
    return {
        "format": SUMMARY_FORMAT,
        "id": report.run.id,
        "started_at": report.run.started_at.isoformat(),
        "server_address": report.server.address,
        "database": report.server.database,
        "mode": report.run.mode,
        "failed_activities": sum(
            1 for a in report.activities.values() if a.status.value == "failed"
        ),
        "profile_id": origin.profile_id,
        "profile_name": origin.profile_name,
        "node_count": stats.node_count,
        "relationship_count": stats.relationship_count,
        "label_count": len(report.labels),
        "relationship_type_count": len(report.relationship_types),
        "property_count": property_count(report),
        "score": report.quality.score,
        "findings": len(report.quality.findings),
    }


def _optional_int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not a count: {value!r}")
    return value


def _summary_from(data: Any, report_path: Path) -> RunSummary:
    if not isinstance(data, dict) or data.get("format") != SUMMARY_FORMAT:
        raise ValueError("not a run summary")
    started = datetime.fromisoformat(str(data["started_at"]))
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    score = data.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        raise ValueError(f"not a score: {score!r}")
    return RunSummary(
        id=str(data["id"]),
        started_at=started,
        server_address=str(data["server_address"]),
        database=str(data["database"]),
        path=report_path,
        mode=str(data.get("mode", "")),
        failed_activities=int(data.get("failed_activities", 0)),
        profile_id=str(data.get("profile_id") or ""),
        profile_name=str(data.get("profile_name") or ""),
        node_count=_optional_int(data.get("node_count")),
        relationship_count=_optional_int(data.get("relationship_count")),
        label_count=_optional_int(data.get("label_count")),
        relationship_type_count=_optional_int(data.get("relationship_type_count")),
        property_count=_optional_int(data.get("property_count")),
        score=None if score is None else float(score),
        findings=_optional_int(data.get("findings")) or 0,
    )


class RunStore:
    """The folder of saved runs: `folder` exactly (default paths.runs_dir())."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else runs_dir()
        self._migrated = False

    @property
    def quarantine_dir(self) -> Path:
        return self.folder / QUARANTINE

    def _path_for(self, run_id: str) -> Path:
        if not is_run_id(run_id):
            raise NeoSenseError(
                ErrorCode.INVALID_INPUT,
                f"'{run_id}' is not a valid run id.",
                suggestions=["Pick a run from the list of saved runs."],
            )
        return self.folder / f"{run_id}.json"

    @staticmethod
    def _summary_path(report_path: Path) -> Path:
        return report_path.with_name(report_path.stem + SUMMARY_SUFFIX)

    def _prepare(self) -> None:
        """Make the folder private, and move the old nested layout up, once per store."""
        if self._migrated:
            return
        try:
            if self.folder == runs_dir():
                ensure_private_dir(data_dir())
            ensure_private_dir(self.folder)
        except OSError as exc:
            log.warning("cannot prepare the runs folder %s: %s", self.folder, exc)
            return
        self._migrated = True
        nested = self.folder / LEGACY_NESTED
        if nested.is_dir():
            self._move_up(nested)

    def _move_up(self, nested: Path) -> None:
        """Move every file of the old <runs>/runs/ up a level; keep both copies if they
        differ (the older one goes to quarantine/), so nothing is lost."""
        for old in sorted(nested.iterdir()):
            try:
                if old.name == "latest.json" or not old.is_file():
                    # latest.json was a second copy of a run; keep it, but out of the list.
                    self._quarantine(old, "an old copy of the latest run")
                    continue
                target = self.folder / old.name
                if not target.exists():
                    os.replace(old, target)
                elif target.read_bytes() == old.read_bytes():
                    old.unlink()
                else:
                    self._quarantine(old, f"differs from {target}")
            except OSError as exc:
                log.warning("could not move the old saved run %s: %s", old, exc)
        try:
            nested.rmdir()
            log.info("moved the saved runs of %s to %s", nested, self.folder)
        except OSError as exc:
            log.warning("old runs folder %s kept: %s", nested, exc)
        old_latest = self.folder / "latest.json"
        if old_latest.is_file():
            self._quarantine(old_latest, "an old copy of the latest run")

    def _quarantine(self, path: Path, reason: str) -> None:
        """Move a file that cannot be used to quarantine/, never deleting it."""
        try:
            ensure_private_dir(self.quarantine_dir)
            target = self.quarantine_dir / path.name
            if target.exists():
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
                target = self.quarantine_dir / f"{path.name}.{stamp}"
            os.replace(path, target)
            log.warning("saved run file %s set aside as %s: %s", path, target, reason)
        except OSError as exc:
            log.warning("saved run file %s skipped (%s); could not move it: %s", path, reason, exc)

    def save(self, report: Report, origin: RunOrigin | None = None) -> Path:
        """Write <run-id>.json, then its summary, each atomically. Raises FileWriteError.

        origin: the connection the run was made on, kept in its summary (the history of a
        connection and its baseline are found by it)."""
        self._prepare()
        path = self._path_for(report.run.id)
        from .export import report_to_json

        atomic_write_text(path, report_to_json(report))
        atomic_write_text(
            self._summary_path(path),
            json.dumps(_summary_data(report, origin), ensure_ascii=False),
        )
        return path

    def _read_summary(self, summary_path: Path, report_path: Path) -> RunSummary | None:
        """The summary; None when it is of an older format (made again from the report)."""
        raw = read_report_json_bytes(summary_path, _SUMMARY_LIMITS)
        data = parse_report_json(raw, str(summary_path), _SUMMARY_LIMITS)
        if isinstance(data, dict) and data.get("format") in OLD_SUMMARY_FORMATS:
            return None
        return _summary_from(data, report_path)

    def _backfill(self, report_path: Path) -> RunSummary:
        """A summary for a report saved before summaries existed (reads it once)."""
        report = _load_report(report_path)
        data = _summary_data(report)
        try:
            atomic_write_text(self._summary_path(report_path), json.dumps(data))
        except NeoSenseError as exc:
            log.warning("no summary written for %s: %s", report_path, exc)
        return _summary_from(data, report_path)

    def list_runs(self) -> list[RunSummary]:
        """Saved runs, newest first. Never raises because of a file: an unreadable one is
        logged, moved to quarantine/ and skipped."""
        self._prepare()
        try:
            names = sorted(p.name for p in self.folder.glob("*.json"))
        except OSError as exc:
            log.warning("cannot list saved runs in %s: %s", self.folder, exc)
            return []
        summaries: list[RunSummary] = []
        for name in names:
            if name.endswith(SUMMARY_SUFFIX):
                continue
            report_path = self.folder / name
            summary_path = self._summary_path(report_path)
            if summary_path.is_file():
                try:
                    summary = self._read_summary(summary_path, report_path)
                    if summary is not None:
                        summaries.append(summary)
                        continue
                except Exception as exc:  # any damage: rebuild it from the report below
                    self._quarantine(summary_path, f"unreadable summary: {exc!r}")
            try:
                summaries.append(self._backfill(report_path))
            except Exception as exc:  # one bad file must never stop the list (or the app)
                self._quarantine(report_path, f"unreadable: {exc!r}")
        for name in names:  # a summary whose report is gone shows nothing: set it aside
            if name.endswith(SUMMARY_SUFFIX):
                report = self.folder / (name[: -len(SUMMARY_SUFFIX)] + ".json")
                if not report.exists():
                    self._quarantine(self.folder / name, "its report is missing")
        summaries.sort(key=lambda s: (s.started_at, s.id), reverse=True)
        return summaries

    def load(self, run_id: str) -> Report:
        return _load_report(self._path_for(run_id))

    def load_latest(self) -> Report:
        """The newest saved run. Raises NeoSenseError FILE_READ_FAILED if there is none."""
        runs = self.list_runs()
        if not runs:
            raise NeoSenseError(
                ErrorCode.FILE_READ_FAILED,
                f"There is no saved run in {self.folder}.",
                suggestions=["Run an extraction first."],
                context={"path": str(self.folder)},
            )
        return _load_report(runs[0].path)
