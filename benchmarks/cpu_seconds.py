"""CPU-seconds of exact metadata extraction, which do not depend on how many cores there are.

    scripts/cpu-seconds --port 7705 [--runs 3] [--output FILE.json]

Wall time on a 2-core machine mixes work with waiting for a core. This measures the work:

- server CPU-seconds per tool run: the Neo4j JVM's utime + stime from /proc/<pid>/stat
  before and after, for Neo4j's built-in procedures (db.schema.nodeTypeProperties and
  relTypeProperties, the exact peer) and for NeoSense exact and sampled (the engine
  in-process, run as the app runs it);
- client CPU-seconds of the NeoSense run (this process, pinned to one core with
  sched_setaffinity, as `taskset -c 0` would);
- per phase: NeoSense once more with one query in flight at a time, so each query has the
  server to itself and its time is its server work; summed per query name (the phase).

The server keeps whatever cores it has (2 here). Speed is reported, never asserted.
Linux only (/proc).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import neo4j

from neosense_desktop.core.report import ACTIVITY_NAMES

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "neosense-test"
_QUERY_LINE = re.compile(r"query (\S+): (\d+) rows in ([0-9.]+) s")


def server_pid(port: int) -> int:
    pid_file = REPO / ".neo4j" / "instances" / str(port) / "run" / "neosense-neo4j.pid"
    return int(pid_file.read_text().strip())


def process_cpu_s(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def own_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def builtin(uri: str) -> None:
    with (
        neo4j.GraphDatabase.driver(uri, auth=("neo4j", PASSWORD)) as driver,
        driver.session(database="neo4j", default_access_mode=neo4j.READ_ACCESS) as session,
    ):
        session.run("CALL db.schema.nodeTypeProperties()").consume()
        session.run("CALL db.schema.relTypeProperties()").consume()


class _QueryLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


WITHOUT_QUALITY = [a for a in ACTIVITY_NAMES if a != "quality_and_context"]


def neosense(
    uri: str, mode: str, concurrency: int, sample: int, activities: list[str] | None = None
) -> tuple[float, list[str]]:
    """One in-process run; (the report's own duration, the per-query log lines)."""
    from neosense_desktop.core.connection import ConnectionSettings
    from neosense_desktop.core.extraction import ExtractionRun, RunOptions

    handler = _QueryLog()
    logger = logging.getLogger("neosense_desktop.core.graph_client")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:

        async def go() -> float:
            settings = ConnectionSettings.model_validate({"uri": uri, "user": "neo4j"})
            options = RunOptions(
                mode=mode,  # type: ignore[arg-type]
                sample_size=sample,
                max_concurrent_queries=concurrency,
                query_timeout_s=600,
                activities=activities or list(ACTIVITY_NAMES),
            )
            async with ExtractionRun(settings, PASSWORD, options) as run:
                report = await run.run()
            return float(report.run.duration_s or 0.0)

        return asyncio.run(go()), handler.lines
    finally:
        logger.removeHandler(handler)


def phases(lines: list[str]) -> list[dict[str, Any]]:
    acc: dict[str, list[float]] = {}
    for line in lines:
        m = _QUERY_LINE.search(line)
        if m:
            acc.setdefault(m.group(1), []).append(float(m.group(3)))
    rows = [{"query": k, "calls": len(v), "server_s": round(sum(v), 3)} for k, v in acc.items()]
    return sorted(rows, key=lambda r: -float(r["server_s"]))


def measure(port: int, runs: int, sample: int) -> dict[str, Any]:
    uri = f"bolt://127.0.0.1:{port}"
    pid = server_pid(port)
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # the client on one core
    tools: dict[str, Any] = {
        "builtin exact": lambda: builtin(uri),
        "neosense exact": lambda: neosense(uri, "exact", 4, sample),
        "neosense sampled": lambda: neosense(uri, "sampled", 4, sample),
        # quality_and_context's added cost (issue 15: sampled may grow by at most 20 %)
        "neosense exact, no quality": lambda: neosense(uri, "exact", 4, sample, WITHOUT_QUALITY),
        "neosense sampled, no quality": lambda: neosense(
            uri, "sampled", 4, sample, WITHOUT_QUALITY
        ),
    }
    results: dict[str, dict[str, list[float]]] = {
        name: {"wall_s": [], "server_cpu_s": [], "client_cpu_s": []} for name in tools
    }
    builtin(uri)  # warm the page cache and the plans
    for _ in range(runs):
        for name, run in tools.items():
            s0, c0, w0 = process_cpu_s(pid), own_cpu_s(), time.perf_counter()
            outcome = run()
            wall = time.perf_counter() - w0
            results[name]["wall_s"].append(round(wall, 3))
            if outcome is not None:  # NeoSense: the report's own duration
                results[name].setdefault("in_process_s", []).append(round(outcome[0], 3))
            results[name]["server_cpu_s"].append(round(process_cpu_s(pid) - s0, 3))
            results[name]["client_cpu_s"].append(round(own_cpu_s() - c0, 3))
    serial_s, serial_log = neosense(uri, "exact", 1, sample)
    return {
        "port": port,
        "runs": runs,
        "cores": os.cpu_count(),
        "tools": {
            name: {key: {"median": statistics.median(v), "runs": v} for key, v in r.items()}
            for name, r in results.items()
        },
        "exact_serial": {"duration_s": round(serial_s, 3), "phases": phases(serial_log)},
    }


def print_tables(result: dict[str, Any]) -> None:
    print("| tool | wall s | in-process s | server CPU-s | client CPU-s (1 core) |")
    print("|---|---:|---:|---:|---:|")
    for name, r in result["tools"].items():
        inside = f"{r['in_process_s']['median']:.2f}" if "in_process_s" in r else "-"
        print(
            f"| {name} | {r['wall_s']['median']:.2f} | {inside} | "
            f"{r['server_cpu_s']['median']:.2f} | {r['client_cpu_s']['median']:.2f} |"
        )
    tools = result["tools"]
    for mode in ("exact", "sampled"):
        full, bare = tools[f"neosense {mode}"], tools[f"neosense {mode}, no quality"]
        print(
            f"quality_and_context adds, {mode}: "
            f"{full['in_process_s']['median'] - bare['in_process_s']['median']:+.2f} s in-process "
            f"({full['in_process_s']['median'] / bare['in_process_s']['median'] - 1:+.0%}), "
            f"{full['server_cpu_s']['median'] - bare['server_cpu_s']['median']:+.2f} server CPU-s"
        )
    exact = result["tools"]["neosense exact"]["server_cpu_s"]["median"]
    peer = result["tools"]["builtin exact"]["server_cpu_s"]["median"]
    if peer:
        print(f"\nneosense exact / builtin, server CPU-s: {exact / peer:.2f}")
    serial = result["exact_serial"]
    print(
        f"\nNeoSense exact, one query at a time ({serial['duration_s']:.2f} s): "
        "server seconds per phase"
    )
    print("| query (phase) | calls | server s |")
    print("|---|---:|---:|")
    for row in serial["phases"]:
        print(f"| {row['query']} | {row['calls']} | {row['server_s']:.2f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    logging.getLogger("neo4j").setLevel(logging.ERROR)  # the procedures' format warnings
    result = measure(args.port, args.runs, args.sample)
    print_tables(result)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
