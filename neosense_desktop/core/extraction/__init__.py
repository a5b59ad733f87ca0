"""The metadata extraction engine: probe, plan, five concurrent activities, one report.

Public API (the GUI and the CLI use only these):
    RunOptions          what to read and how (exact / sampled / auto, sample size, timeout)
    ExtractionRun       plan(), run(), rerun_activity(), aclose(); also `async with`
    ProgressEvent       one activity's progress; ProgressCallback receives them
    overall_fraction    the whole run's progress from the latest event of each activity
"""

from .options import ACTIVITY_NAMES, RunOptions
from .progress import ProgressCallback, ProgressEvent, overall_fraction
from .runner import ExtractionRun

__all__ = [
    "ACTIVITY_NAMES",
    "ExtractionRun",
    "ProgressCallback",
    "ProgressEvent",
    "RunOptions",
    "overall_fraction",
]
