"""Reports on disk: atomic JSON export, loading with version checks, the JSON Schema file.

JSON is UTF-8 (non-ASCII kept as is), indented, with keys in a stable order (the models'
field order, then sorted extra keys), so two exports of the same report are byte-identical
and diffs of saved reports stay readable.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import ErrorCode, NeoSenseError
from .files import atomic_write_text as atomic_write_text  # re-exported: formats uses it
from .report import SCHEMA_VERSION, Report, report_json_schema
from .report_limits import (
    DEFAULT_LIMITS,
    NOT_A_REPORT,
    RESTORE_IT,
    parse_report_json,
    read_report_json_bytes,
    unreadable_report,
)
from .terminal_text import printable

MAX_REPORT_BYTES = DEFAULT_LIMITS.max_bytes


def _stable(value: Any) -> Any:
    """Sort the keys of plain dicts (extra fields, contexts) for a stable byte order.

    A float that is not finite (a mean that overflowed) is written as null: NaN and
    Infinity are not JSON, and load_report refuses them."""
    if isinstance(value, dict):
        return {k: _stable(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
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
        raise unreadable_report(
            source, "is not a NeoSense report (no schema_version)", NOT_A_REPORT
        )
    version = str(data["schema_version"])
    if _major(version) != _major(SCHEMA_VERSION):
        raise NeoSenseError(
            ErrorCode.REPORT_INCOMPATIBLE,
            f"{source} uses report format {_shown(version)}; this NeoSense reads format "
            f"{_major(SCHEMA_VERSION)}.x.",
            context={"path": source, "schema_version": version},
        )
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(_shown(str(x)) for x in first["loc"])
        what = f"is damaged: {where}: {_shown(first['msg'], 200)}"
        raise unreadable_report(source, what, RESTORE_IT) from exc


def _shown(text: str, limit: int = 60) -> str:
    """Text from the file inside a refusal: keys and versions are data (a key holding line
    breaks made the one line three), and a 3,000-character key is cut."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return printable(cut)


def load_report(path: Path | str) -> Report:
    """Read a saved report. Raises NeoSenseError FILE_READ_FAILED, FILE_CORRUPT (also for a
    file past report_limits' size or structure limits, refused before it is parsed) or
    REPORT_INCOMPATIBLE (another major schema_version)."""
    source = Path(path)
    try:
        raw = read_report_json_bytes(source)
    except OSError as exc:
        raise NeoSenseError(
            ErrorCode.FILE_READ_FAILED,
            f"Could not read {source}: {exc.strerror or exc}.",
            context={"path": str(source)},
        ) from exc
    return report_from_data(parse_report_json(raw, str(source)), str(source))


def schema_to_json(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_json_schema(path: Path | str) -> Path:
    """Write the report's JSON Schema (resources/report.schema.json is made by this)."""
    target = Path(path)
    atomic_write_text(target, schema_to_json(report_json_schema()))
    return target
