"""The command line's progress, in the window's words.

On a terminal: one live bar per activity, redrawn in place ("Properties and types  [#####
-----]  52 %  properties of (:Order)"), and a last frame that stays. Elsewhere (a log, CI):
plain lines, one per change, whose overall percentage never goes back.

The overall share is the mean over every activity the run was asked for, those not started
counting 0, so a starting activity cannot pull it down (a mean over the activities heard
from so far went 100 % -> 50 % -> 24 %). Counts read "so far: 16 properties", so a running
total is not taken for one label's. Every name passes through terminal_text.printable.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from .terminal_text import printable
from .wording import activity_title, counters_text, state_word

if TYPE_CHECKING:
    from .extraction.progress import ProgressEvent

BAR_WIDTH = 20
FINAL_STATES = ("succeeded", "failed", "cancelled", "skipped")


def _counts(event: ProgressEvent) -> str:
    """What an activity found: "(56 properties)" once done, "(so far: 16 properties)" while
    it runs, so a running total is not read as one label's."""
    words = counters_text(dict(event.counts))
    return f"({words})" if event.state in FINAL_STATES else f"(so far: {words})"


class ProgressPrinter:
    """A run's on_progress callback that prints to `out` (stderr for the CLI)."""

    def __init__(
        self,
        activities: Sequence[str],
        out: TextIO,
        *,
        prefix: str = "",
        live: bool | None = None,
    ) -> None:
        self.activities = list(activities)
        self.out = out
        self.prefix = printable(prefix)
        self.live = out.isatty() if live is None else live
        self.events: dict[str, ProgressEvent] = {}
        self.shown_overall = 0.0
        self.header: Any = None  # a callable giving the plan's line, printed once
        self._drawn_lines = 0

    # ------------------------------------------------------------------ shared
    def fraction(self, activity: str) -> float:
        event = self.events.get(activity)
        if event is None:
            return 0.0
        if event.state in FINAL_STATES:
            return 1.0
        return min(max(event.fraction, 0.0), 1.0)

    def overall(self) -> float:
        """The run's share done, never less than what was shown before."""
        if not self.activities:
            return 1.0
        now = sum(self.fraction(a) for a in self.activities) / len(self.activities)
        self.shown_overall = max(self.shown_overall, now)
        return self.shown_overall

    def __call__(self, event: ProgressEvent) -> None:
        if event.activity not in self.activities:
            self.activities.append(event.activity)
        self.events[event.activity] = event
        if self.header is not None:
            header, self.header = self.header, None
            self._write_line(f"{self.prefix}Plan: {printable(header())}")
        if self.live:
            self._redraw()
        else:
            self._write_line(self._plain_line(event))

    # ------------------------------------------------------------------ plain
    def _plain_line(self, event: ProgressEvent) -> str:
        words = [
            f"{self.prefix}[{self.overall():4.0%}]",
            f"{activity_title(event.activity)}: {state_word(event.state)}",
        ]
        if event.state == "running":
            words.append(f"{self.fraction(event.activity):.0%}")
        if event.message and event.message not in ("started", "done"):
            words.append(f"- {printable(event.message)}")
        if event.counts:
            words.append(_counts(event))
        return " ".join(words)

    def _write_line(self, text: str) -> None:
        if self.live and self._drawn_lines:
            self._clear_frame()
        self.out.write(text + "\n")
        self.out.flush()

    # ------------------------------------------------------------------ live
    def _frame(self) -> list[str]:
        width = max(40, shutil.get_terminal_size((100, 20)).columns)
        titles = [activity_title(a) for a in self.activities]
        pad = max((len(t) for t in titles), default=0)
        lines = [f"{self.prefix}Overall {'':{max(0, pad - 7)}} {self._bar(self.overall())}"]
        for activity, title in zip(self.activities, titles, strict=True):
            event = self.events.get(activity)
            state = state_word(event.state) if event is not None else "waiting"
            tail = state
            if event is not None and event.state == "running" and event.message:
                tail = printable(event.message)
            if event is not None and event.counts:
                tail += f" {_counts(event)}"
            line = f"{self.prefix}{title:<{pad}} {self._bar(self.fraction(activity))}  {tail}"
            lines.append(line[: width - 1])
        return lines

    @staticmethod
    def _bar(share: float) -> str:
        filled = round(share * BAR_WIDTH)
        return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {share:4.0%}"

    def _clear_frame(self) -> None:
        # Up to the frame's first line, clearing each: the next frame is drawn in its place.
        self.out.write("\x1b[2K\x1b[1A" * self._drawn_lines + "\x1b[2K\r")
        self._drawn_lines = 0

    def _redraw(self) -> None:
        if self._drawn_lines:
            self._clear_frame()
        frame = self._frame()
        self.out.write("\n".join(frame) + "\n")
        self.out.flush()
        self._drawn_lines = len(frame)
