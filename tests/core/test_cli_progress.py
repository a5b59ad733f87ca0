"""core/cli_progress: the command line's progress in words; the overall share never goes
back; on a terminal one bar per activity, redrawn in place; names never raw."""

from __future__ import annotations

import io
import re

from neosense_desktop.core.cli_progress import ProgressPrinter
from neosense_desktop.core.extraction.progress import ProgressEvent

ACTIVITIES = ["node_labels", "relationship_types", "schema"]

# The order the old printer ran backwards on: one activity done, then two starting.
EVENTS = [
    ProgressEvent("node_labels", "running", 0.0, "reading label counts from the count store"),
    ProgressEvent("node_labels", "succeeded", 1.0, "done", {"labels": 5}),
    ProgressEvent("relationship_types", "running", 0.0, "started"),
    ProgressEvent("schema", "running", 0.25, "properties of (:Order)", {"properties": 16}),
    ProgressEvent("relationship_types", "running", 0.5, "patterns of [:ORDERS]"),
    ProgressEvent("schema", "succeeded", 1.0, "done", {"properties": 56}),
    ProgressEvent("relationship_types", "succeeded", 1.0, "done", {"types": 4}),
]


def _plain() -> list[str]:
    out = io.StringIO()
    printer = ProgressPrinter(ACTIVITIES, out, live=False)
    for event in EVENTS:
        printer(event)
    return out.getvalue().splitlines()


def test_the_overall_share_never_goes_back_and_ends_at_100() -> None:
    shares = [int(re.match(r"\[\s*(\d+)%\]", line).group(1)) for line in _plain()]  # type: ignore[union-attr]
    assert shares == sorted(shares), shares
    assert shares[0] == 0 and shares[-1] == 100


def test_plain_lines_are_in_words() -> None:
    lines = _plain()
    assert lines[1] == "[ 33%] Node labels: done (5 labels)"
    assert lines[3] == (
        "[ 42%] Properties and types: running 25% - properties of (:Order) (so far: 16 properties)"
    )
    text = "\n".join(lines)
    assert "_" not in text and "=" not in text  # no snake_case, no "properties=16"


def test_a_hostile_name_reaches_the_terminal_escaped() -> None:
    out = io.StringIO()
    printer = ProgressPrinter(ACTIVITIES, out, live=False, prefix="db\x1b[2J: ")
    printer(ProgressEvent("schema", "running", 0.1, "properties of (:\x1b]52;c;aGk=\x07)"))
    assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue()
    assert "\\x1b]52;c;aGk=\\x07" in out.getvalue()


def test_on_a_terminal_one_bar_per_activity_redrawn_in_place() -> None:
    out = io.StringIO()
    printer = ProgressPrinter(ACTIVITIES, out, live=True)
    printer.header = lambda: "4 queries at a time"
    for event in EVENTS:
        printer(event)
    raw = out.getvalue()
    assert raw.startswith("Plan: 4 queries at a time\n")
    frames = raw.split("\x1b[2K\r")
    last = frames[-1].splitlines()
    assert len(frames) == len(EVENTS)  # each event redraws the frame in place
    assert last[0].startswith("Overall") and last[0].endswith("[####################] 100%")
    titles = [line.split("[")[0].strip() for line in last[1:]]
    assert titles == ["Node labels", "Relationship types", "Properties and types"]
    assert all("done" in line for line in last[1:])
    # Only cursor movement and line clearing: no other escape sequence is written.
    escapes = set(re.findall(r"\x1b\[[0-9;]*[A-Za-z]", raw))
    assert escapes <= {"\x1b[2K", "\x1b[1A"}
