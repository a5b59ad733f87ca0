"""The server work of one NeoSense run, query by query, and the floor it puts on wall time.

    scripts/server-work --port 7705 [--mode sampled|exact] [--sample-size 1000] [--repeat 2]
                        [--output FILE.json]

Neo4j Community runs each query on one thread. A run's wall time on a server with C cores
can therefore not drop below (the server time of all its queries) / C, nor below its
longest query, whatever the client does. The built-in procedures it is compared against
are two queries, one core each in turn. This prints both sides:

1. one NeoSense run in this process, as the app runs it, recording every query (name,
   text, parameters) through a client that writes down what it sends;
2. the recorded queries replayed one at a time, `--repeat` times after a warm-up, each
   timed by the server itself (result_available_after + result_consumed_after), summed
   per query name: W, the run's server seconds;
3. db.schema.nodeTypeProperties and relTypeProperties timed the same way: B;
4. the floors: W / C and the longest query, against B, for C = 1, 2, 4, 8.

Speed is reported, never asserted (issue 16's targets are ratios measured by scripts/bench).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import neo4j

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.graph_client import GraphClient, Row

PASSWORD = "neosense-test"
# The peer, named apart from the run's own calls of the same procedures (exact mode uses
# them for value types).
BUILTINS = {
    "peer: db.schema.nodeTypeProperties": "CALL db.schema.nodeTypeProperties()",
    "peer: db.schema.relTypeProperties": "CALL db.schema.relTypeProperties()",
}
CORES = (1, 2, 4, 8)

Recorded = list[tuple[str, str, dict[str, Any]]]


class RecordingClient(GraphClient):
    """A GraphClient that writes down every query it runs, in order."""

    def __init__(self, *args: Any, record: Recorded, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._record = record

    async def read_each(  # type: ignore[override]
        self,
        query_name: str,
        cypher: str,
        on_row: Callable[[Row], None],
        parameters: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> int:
        self._record.append((query_name, cypher, dict(parameters or {})))
        return await super().read_each(query_name, cypher, on_row, parameters, **kwargs)


async def record_run(uri: str, options: RunOptions) -> tuple[Recorded, float]:
    record: Recorded = []
    settings = ConnectionSettings.model_validate({"uri": uri, "user": "neo4j"})

    def factory(s: ConnectionSettings, password: str, timeout_s: float) -> GraphClient:
        return RecordingClient(s, password, query_timeout_s=timeout_s, record=record)

    async with ExtractionRun(settings, PASSWORD, options, client_factory=factory) as run:
        report = await run.run()
    return record, report.run.duration_s


def server_s(session: neo4j.Session, cypher: str, params: dict[str, Any]) -> float:
    summary = session.run(cypher, params).consume()
    return ((summary.result_available_after or 0) + (summary.result_consumed_after or 0)) / 1e3


def replay(uri: str, record: Recorded, repeat: int) -> dict[str, list[float]]:
    """Per query name, the summed server seconds of each repetition (one query at a time)."""
    per_name: dict[str, list[float]] = defaultdict(lambda: [0.0] * repeat)
    longest: dict[str, float] = defaultdict(float)
    with (
        neo4j.GraphDatabase.driver(uri, auth=("neo4j", PASSWORD)) as driver,
        driver.session(database="neo4j", default_access_mode=neo4j.READ_ACCESS) as session,
    ):
        for attempt in range(repeat + 1):  # the first pass warms plans and pages
            for name, cypher, params in record:
                t = server_s(session, cypher, params)
                if attempt:
                    per_name[name][attempt - 1] += t
                    longest[name] = max(longest[name], t)
        for name, cypher in BUILTINS.items():
            for attempt in range(repeat + 1):
                t = server_s(session, cypher, {})
                if attempt:
                    per_name[name][attempt - 1] += t
                    longest[name] = max(longest[name], t)
    return {name: [*times, longest[name]] for name, times in per_name.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=("sampled", "exact", "auto"), default="sampled")
    parser.add_argument("--sample-size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    uri = f"bolt://127.0.0.1:{args.port}"

    options = RunOptions(mode=args.mode, sample_size=args.sample_size)
    asyncio.run(record_run(uri, options))  # warm the server and this process
    record, duration = asyncio.run(record_run(uri, options))
    times = replay(uri, record, args.repeat)

    calls: dict[str, int] = defaultdict(int)
    for name, _, _ in record:
        calls[name] += 1
    rows = []
    for name, values in times.items():
        *runs, longest = values
        rows.append(
            {
                "query": name,
                "calls": calls.get(name, 1),
                "server_s": statistics.median(runs),
                "longest_s": longest,
            }
        )
    rows.sort(key=lambda r: -r["server_s"])
    ours = [r for r in rows if r["query"] not in BUILTINS]
    work = sum(r["server_s"] for r in ours)
    longest = max((r["longest_s"] for r in ours), default=0.0)
    builtins = sum(r["server_s"] for r in rows if r["query"] in BUILTINS)

    print(
        f"NeoSense {args.mode} (sample size {args.sample_size}): {len(record)} queries, "
        f"in-process {duration:.3f} s while recording"
    )
    print("| query | calls | server s (one at a time) | longest s |\n|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['query']} | {r['calls']} | {r['server_s']:.3f} | {r['longest_s']:.3f} |")
    print(
        f"\nW = {work:.3f} server s (NeoSense), B = {builtins:.3f} server s (built-ins); "
        f"W / B = {work / builtins:.2f}"
    )
    print("| server cores C | floor max(W / C, longest query) | floor / B |\n|---:|---:|---:|")
    floors = []
    for c in CORES:
        floor = max(work / c, longest)
        floors.append({"cores": c, "floor_s": floor, "ratio": floor / builtins})
        print(f"| {c} | {floor:.3f} s | {floor / builtins:.2f}x |")
    if args.output:
        args.output.write_text(
            json.dumps(
                {
                    "mode": args.mode,
                    "sample_size": args.sample_size,
                    "queries": len(record),
                    "duration_s": duration,
                    "per_query": rows,
                    "work_s": work,
                    "builtins_s": builtins,
                    "longest_s": longest,
                    "floors": floors,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
