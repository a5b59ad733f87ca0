"""The metadata extraction engine: probe, plan, five concurrent activities, one report.

Public API (the GUI and the CLI use only these):
    RunOptions          what to read and how (exact / sampled / auto, sample size, timeout)
    ExtractionRun       plan(), run(), rerun_activity(), aclose(); also `async with`
    ProgressEvent       one activity's progress; ProgressCallback receives them
    overall_fraction    the whole run's progress from the latest event of each activity
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..report_constants import ACTIVITY_NAMES
from .progress import ProgressCallback, ProgressEvent, overall_fraction

if TYPE_CHECKING:
    from .options import RunOptions
    from .runner import ExtractionRun


def __getattr__(name: str) -> Any:
    # The runner imports the neo4j driver (a third of the GUI's start-up imports): the
    # window needs RunOptions to draw itself, the runner only once a run starts.
    # RunOptions needs pydantic, which loads after the window's first paint.
    if name == "RunOptions":
        from .options import RunOptions

        return RunOptions
    if name == "ExtractionRun":
        from .runner import ExtractionRun

        return ExtractionRun
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ACTIVITY_NAMES",
    "ExtractionRun",
    "ProgressCallback",
    "ProgressEvent",
    "RunOptions",
    "overall_fraction",
]
