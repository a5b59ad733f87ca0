"""The baseline of each connection: the saved run later runs on it are checked against.

    <data>/baselines.json   {"format": 1, "baselines": {profile id: {"run_id", "marked_at"}}}

One small file for every connection, written atomically (files.atomic_write_text). A file
that cannot be read (damaged, hand-edited, too big) is never overwritten: it is logged and
moved aside as baselines.json.unreadable-<time> before the next write, and reads as "no
baselines" meanwhile. Ids that are not run ids are refused, so a baseline can only ever name
a file in the run store.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import ErrorCode, NeoSenseError
from .files import FileWriteError, atomic_write_text, ensure_private_dir
from .paths import data_dir
from .report_limits import ReportLimits, parse_report_json, read_report_json_bytes
from .runs import is_run_id

log = logging.getLogger(__name__)

BASELINES_FILE = "baselines.json"
BASELINES_FORMAT = 1
# A few short fields per connection: 10,000 connections fit well within these.
_LIMITS = ReportLimits(max_bytes=4 * 2**20, max_depth=4, max_values=100_000)


@dataclass(frozen=True)
class Baseline:
    """The run a connection's later runs are checked against."""

    profile_id: str
    run_id: str
    marked_at: datetime


def _parse(data: Any) -> dict[str, Baseline]:
    if not isinstance(data, dict) or data.get("format") != BASELINES_FORMAT:
        raise ValueError("not a baselines file")
    entries = data.get("baselines")
    if not isinstance(entries, dict):
        raise ValueError("no baselines in it")
    baselines: dict[str, Baseline] = {}
    for profile_id, entry in entries.items():
        if not isinstance(entry, dict) or not is_run_id(str(entry.get("run_id", ""))):
            raise ValueError(f"the baseline of {profile_id!r} names no run")
        marked = datetime.fromisoformat(str(entry.get("marked_at")))
        if marked.tzinfo is None:
            marked = marked.replace(tzinfo=UTC)
        baselines[str(profile_id)] = Baseline(str(profile_id), str(entry["run_id"]), marked)
    return baselines


class BaselineStore:
    """The baselines file: `path` exactly (default <data>/baselines.json)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else data_dir() / BASELINES_FILE
        self._unreadable = False

    def load(self) -> dict[str, Baseline]:
        """Every connection's baseline, by profile id. Never raises because of the file."""
        if not self.path.exists():
            return {}
        try:
            raw = read_report_json_bytes(self.path, _LIMITS)
            baselines = _parse(parse_report_json(raw, str(self.path), _LIMITS))
        except Exception as exc:  # any damage: no baselines, and the file is kept
            log.warning("the baselines file %s cannot be read (%r); no baselines", self.path, exc)
            self._unreadable = True
            return {}
        self._unreadable = False
        return baselines

    def get(self, profile_id: str) -> Baseline | None:
        return self.load().get(profile_id)

    def mark(self, profile_id: str, run_id: str) -> Baseline:
        """Make run_id the baseline of the connection. Raises NeoSenseError (a bad id,
        FILE_WRITE_FAILED)."""
        if not profile_id:
            raise NeoSenseError(
                ErrorCode.INVALID_INPUT,
                "This run was not made on a saved connection, so it cannot be its baseline.",
                suggestions=["Run the extraction from a saved connection, then mark that run."],
            )
        if not is_run_id(run_id):
            raise NeoSenseError(ErrorCode.INVALID_INPUT, f"'{run_id}' is not a valid run id.")
        baselines = self.load()
        baseline = Baseline(profile_id, run_id, datetime.now(UTC))
        baselines[profile_id] = baseline
        self._write(baselines)
        return baseline

    def clear(self, profile_id: str) -> None:
        baselines = self.load()
        if baselines.pop(profile_id, None) is not None:
            self._write(baselines)

    def _write(self, baselines: dict[str, Baseline]) -> None:
        if self._unreadable and self.path.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            kept = self.path.with_name(f"{self.path.name}.unreadable-{stamp}")
            try:
                os.replace(self.path, kept)
            except OSError as exc:
                raise NeoSenseError(
                    ErrorCode.FILE_WRITE_FAILED,
                    f"The baselines file {self.path} cannot be read, and could not be moved "
                    f"aside to write a new one: {exc.strerror or exc}.",
                    context={"path": str(self.path)},
                ) from exc
            log.warning("the unreadable baselines file was kept as %s", kept)
            self._unreadable = False
        data = {
            "format": BASELINES_FORMAT,
            "baselines": {
                b.profile_id: {"run_id": b.run_id, "marked_at": b.marked_at.isoformat()}
                for b in baselines.values()
            },
        }
        try:
            ensure_private_dir(self.path.parent)
        except OSError as exc:
            raise FileWriteError(self.path, exc) from exc
        atomic_write_text(self.path, json.dumps(data, ensure_ascii=False, indent=1))
