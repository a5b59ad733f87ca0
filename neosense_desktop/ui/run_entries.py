"""One entry per run, as every list of runs in the window names it: Compare's pickers, the
History tab and Recent runs.

"staging · 2026-12-07 08:09:03 · 1,037 nodes · score 61.7": the connection first (the
profile the run was made on; the file name for a report opened from a file), then when it
started, then what tells two runs of one connection apart. A run is one entry whether it is
saved, shown this session, or both: its key is its run id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.terminal_text import printable

if TYPE_CHECKING:
    from ..core.profiles import Profile
    from ..core.report import Report
    from ..core.runs import RunSummary

RUN_SOURCE_PREFIX = "run on "


def score_text(score: float | None) -> str:
    if score is None:
        return "no score"
    return f"score {score:.0f}" if float(score).is_integer() else f"score {score:.1f}"


def nodes_text(count: int | None) -> str:
    if count is None:
        return "nodes not counted"
    return f"{count:,} node" + ("" if count == 1 else "s")


@dataclass(frozen=True)
class RunEntry:
    """A run the window can compare.

    Attributes:
        key: the run id.
        connection: what the person calls where it ran (profile name, or file name).
        profile_id: the saved connection it ran on; "" when not known.
        report: the report, when it is in memory (shown this session); else it is loaded
            from the run store by key.
        saved: the run store has it.
    """

    key: str
    connection: str
    profile_id: str
    started_at: datetime
    server_address: str
    database: str
    node_count: int | None
    score: float | None
    report: Report | None = None
    saved: bool = False

    @property
    def text(self) -> str:
        return (
            f"{printable(self.connection)} · {self.started_at:%Y-%m-%d %H:%M:%S} · "
            f"{nodes_text(self.node_count)} · {score_text(self.score)}"
        )

    def same_connection(self, other: RunEntry) -> bool:
        """Made on the same saved connection; where either does not say, on the same
        server and database."""
        if self.profile_id and other.profile_id:
            return self.profile_id == other.profile_id
        return (self.server_address, self.database) == (other.server_address, other.database)


def connection_name(summary: RunSummary, profiles: list[Profile]) -> str:
    if summary.profile_name:
        profile = next((p for p in profiles if p.id == summary.profile_id), None)
        return profile.name if profile is not None else summary.profile_name
    return f"{summary.database} on {summary.server_address}"


def entry_from_summary(summary: RunSummary, profiles: list[Profile]) -> RunEntry:
    return RunEntry(
        key=summary.id,
        connection=connection_name(summary, profiles),
        profile_id=summary.profile_id,
        started_at=summary.started_at,
        server_address=summary.server_address,
        database=summary.database,
        node_count=summary.node_count,
        score=summary.score,
        saved=True,
    )


def source_name(source: str) -> str:
    """The connection of a report shown this session, from where it came from."""
    if source.startswith(RUN_SOURCE_PREFIX):
        return source[len(RUN_SOURCE_PREFIX) :]
    return Path(source).name or source


def entry_from_report(report: Report, source: str, profile_id: str = "") -> RunEntry:
    return RunEntry(
        key=report.run.id,
        connection=source_name(source),
        profile_id=profile_id,
        started_at=report.run.started_at,
        server_address=report.server.address,
        database=report.server.database,
        node_count=report.statistics.node_count,
        score=report.quality.score,
        report=report,
    )


def merge_entries(
    saved: list[RunSummary], shown: list[tuple[str, Report]], profiles: list[Profile]
) -> list[RunEntry]:
    """Every run once, newest first: a saved run shown this session keeps its saved name
    and carries its report (no reading it again); a report opened from a file that is not
    a saved run is an entry of its own."""
    from dataclasses import replace

    in_memory = {report.run.id: (source, report) for source, report in shown}
    entries = []
    for summary in saved:
        entry = entry_from_summary(summary, profiles)
        if summary.id in in_memory:
            entry = replace(entry, report=in_memory.pop(summary.id)[1])
        entries.append(entry)
    entries.extend(entry_from_report(report, source) for source, report in in_memory.values())
    entries.sort(key=lambda e: (e.started_at, e.key), reverse=True)
    return entries
