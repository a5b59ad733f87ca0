"""Reports on disk: atomic JSON export, loading with version checks, the JSON Schema file.

JSON is UTF-8 (non-ASCII kept as is), indented, with keys in a stable order (the models'
field order, then sorted extra keys), so two exports of the same report are byte-identical
and diffs of saved reports stay readable.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import ErrorCode, NeoSenseError
from .report import SCHEMA_VERSION, Report, report_json_schema

# A report of 2,000 labels x 50 properties is ~30 MB; anything far beyond that is not a
# report, and reading it whole would freeze the app and eat the machine's memory.
MAX_REPORT_BYTES = 512 * 1024 * 1024


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temp file in the same folder, fsync, then os.replace: never half a file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise NeoSenseError(
            ErrorCode.FILE_WRITE_FAILED,
            f"Could not write {path}: {exc.strerror or exc}.",
            context={"path": str(path)},
        ) from exc


def _stable(value: Any) -> Any:
    """Sort the keys of plain dicts (extra fields, contexts) for a stable byte order."""
    if isinstance(value, dict):
        return {k: _stable(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def report_to_json(report: Report) -> str:
    data = report.model_dump(mode="json")
    return json.dumps(_stable(data), ensure_ascii=False, indent=2) + "\n"


def save_report(report: Report, path: Path | str) -> Path:
    """Export a report as JSON, atomically. Raises NeoSenseError FILE_WRITE_FAILED."""
    target = Path(path)
    atomic_write_text(target, report_to_json(report))
    return target


def _major(version: str) -> str:
    return str(version).split(".", 1)[0]


def report_from_data(data: Any, source: str = "report") -> Report:
    """Validate parsed JSON as a Report of a compatible schema version."""
    if not isinstance(data, dict) or "schema_version" not in data:
        raise NeoSenseError(
            ErrorCode.FILE_CORRUPT,
            f"{source} is not a NeoSense report (no schema_version).",
            suggestions=["Open a report saved by NeoSense (a .json file)."],
            context={"path": source},
        )
    version = str(data["schema_version"])
    if _major(version) != _major(SCHEMA_VERSION):
        raise NeoSenseError(
            ErrorCode.REPORT_INCOMPATIBLE,
            f"{source} uses report format {version}; this NeoSense reads format "
            f"{_major(SCHEMA_VERSION)}.x.",
            context={"path": source, "schema_version": version},
        )
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise NeoSenseError(
            ErrorCode.FILE_CORRUPT,
            f"{source} is damaged: {where}: {first['msg']}.",
            suggestions=["Restore the file from a backup, or run the extraction again."],
            context={"path": source},
        ) from exc


def load_report(path: Path | str) -> Report:
    """Read a saved report. Raises NeoSenseError FILE_READ_FAILED, FILE_CORRUPT or
    REPORT_INCOMPATIBLE (another major schema_version)."""
    source = Path(path)
    try:
        size = source.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise NeoSenseError(
                ErrorCode.FILE_CORRUPT,
                f"{source} is {size / 2**20:,.0f} MB: far larger than any NeoSense report "
                f"(the limit is {MAX_REPORT_BYTES // 2**20} MB), so it was not opened.",
                suggestions=["Check that this is the report you meant to open."],
                context={"path": str(source), "bytes": size},
            )
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NeoSenseError(
            ErrorCode.FILE_READ_FAILED if isinstance(exc, OSError) else ErrorCode.FILE_CORRUPT,
            f"Could not read {source}: {getattr(exc, 'strerror', None) or exc}.",
            context={"path": str(source)},
        ) from exc
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise NeoSenseError(
            ErrorCode.FILE_CORRUPT,
            f"{source} nests JSON too deeply to be a NeoSense report.",
            context={"path": str(source)},
        ) from exc
    except json.JSONDecodeError as exc:
        raise NeoSenseError(
            ErrorCode.FILE_CORRUPT,
            f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}).",
            suggestions=["Restore the file from a backup, or run the extraction again."],
            context={"path": str(source)},
        ) from exc
    return report_from_data(data, str(source))


def schema_to_json(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_json_schema(path: Path | str) -> Path:
    """Write the report's JSON Schema (resources/report.schema.json is made by this)."""
    target = Path(path)
    atomic_write_text(target, schema_to_json(report_json_schema()))
    return target
