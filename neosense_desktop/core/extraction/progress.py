"""Progress events: each activity reports what it has done so far.

The GUI and the CLI both consume the same events through a callback; the whole run's
progress is derived from the latest event of each activity (overall_fraction).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

ActivityState = Literal["waiting", "running", "succeeded", "failed", "cancelled", "skipped"]
FINAL_STATES: frozenset[str] = frozenset({"succeeded", "failed", "cancelled", "skipped"})


@dataclass(frozen=True)
class ProgressEvent:
    """One activity's progress.

    Attributes:
        activity: one of ACTIVITY_NAMES.
        state: waiting, running, or a final state.
        fraction: 0..1, the share of the activity's planned units that are done.
        message: what it is doing now, for a status line.
        counts: numbers found so far (e.g. {"labels": 12, "properties": 40}).
        elapsed_s: seconds since the activity started.
    """

    activity: str
    state: ActivityState
    fraction: float
    message: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0

    @property
    def done(self) -> bool:
        return self.state in FINAL_STATES


ProgressCallback = Callable[[ProgressEvent], None]


def overall_fraction(events_by_activity: Mapping[str, ProgressEvent]) -> float:
    """The run's progress: the mean of each activity's fraction, a finished one counting 1."""
    if not events_by_activity:
        return 0.0
    total = sum(
        1.0 if e.done else min(max(e.fraction, 0.0), 1.0) for e in events_by_activity.values()
    )
    return total / len(events_by_activity)
