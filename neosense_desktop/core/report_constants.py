"""Names and enums of the report that need no pydantic: core.report re-exports them, and the
window uses them from here so that it paints before the report models load (issue 16)."""

from __future__ import annotations

from enum import StrEnum

ACTIVITY_NAMES = (
    "node_labels",
    "relationship_types",
    "schema",
    "quality_and_context",
    "statistics_and_indexes",
)


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
