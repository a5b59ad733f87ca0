"""Run options: a validated description of what a run reads and how.

Invalid input fails with a pydantic ValidationError naming the field (negative sample size,
unknown mode, unknown activity), which the CLI and the GUI show as is.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..report import ACTIVITY_NAMES, ValuesPolicy
from .concurrency import AUTO

__all__ = ["ACTIVITY_NAMES", "RunOptions"]


class RunOptions(BaseModel):
    """How a run reads the database.

    mode:
        exact    read every node and relationship (full scans, each under the timeout);
        sampled  counts from the count store, everything else from a bounded sample spread
                 over each whole label or type;
        auto     exact for labels and types with fewer than `exact_threshold` entities,
                 sampled above.
    """

    model_config = ConfigDict(extra="forbid")

    mode: Literal["exact", "sampled", "auto"] = Field(
        default="auto", description="exact, sampled, or auto (exact below exact_threshold)"
    )
    sample_size: int = Field(
        default=1000, ge=1, le=10_000_000, description="entities read per sampled label or type"
    )
    query_timeout_s: float = Field(
        default=60.0, gt=0, le=86_400, description="server-side timeout of every query"
    )
    exact_threshold: int = Field(
        default=100_000,
        ge=0,
        description="auto mode: labels and types with fewer entities than this are read exactly",
    )
    activities: list[str] = Field(
        default_factory=lambda: list(ACTIVITY_NAMES), description="the activities to run"
    )
    values: ValuesPolicy = Field(
        default="stats",
        description="how much of the values may leave the database: none (no profiles, so a "
        "report is safe to share), stats (numeric and temporal stats, string lengths; no raw "
        "strings), examples (adds top values and example values)",
    )
    max_concurrent_queries: int = Field(
        default=AUTO,
        ge=0,
        le=64,
        description="queries in flight at once across all activities; 0 (or 'auto') decides "
        "from the server's processor count: clamp(2 x processors, 4, 16), 4 when unknown",
    )

    @field_validator("max_concurrent_queries", mode="before")
    @classmethod
    def _auto_concurrency(cls, value: object) -> object:
        # "auto" (the CLI's word) and None (a missing choice) both mean AUTO.
        if value is None or (isinstance(value, str) and value.strip().lower() == "auto"):
            return AUTO
        return value

    @field_validator("activities")
    @classmethod
    def _check_activities(cls, value: list[str]) -> list[str]:
        unknown = [a for a in value if a not in ACTIVITY_NAMES]
        if unknown:
            raise ValueError(
                f"unknown activity {', '.join(unknown)}; choose from: " + ", ".join(ACTIVITY_NAMES)
            )
        if not value:
            raise ValueError("choose at least one activity")
        # Keep the canonical order and drop duplicates, so reports and progress are stable.
        return [a for a in ACTIVITY_NAMES if a in value]

    def is_exact(self, size: int) -> bool:
        """Whether a label or type with `size` entities is read exactly under this mode."""
        if self.mode == "exact":
            return True
        if self.mode == "sampled":
            # A sample as large as the whole label is the whole label: read it in full.
            return size <= self.sample_size
        return size < self.exact_threshold or size <= self.sample_size
