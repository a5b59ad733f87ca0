"""Wall time with the server on 1 core and then on 2: what a server core buys each tool.

    .venv/bin/python -m benchmarks.core_scaling --port 7705 [--runs 3]

The Neo4j JVM of a local benchmark server (scripts/neo4j-local) is pinned with
`taskset -a -p` to CPU 0, then to CPUs 0-1; this process runs on CPU 1 throughout. Per
setting, after one warm-up each: the built-in procedures (db.schema.nodeTypeProperties and
relTypeProperties, one session), a NeoSense sampled run and an exact run, in-process (the
report's own duration), medians of --runs. The affinity is restored to every CPU at the end.
Linux only. Speed is printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time

import neo4j

from benchmarks.cpu_seconds import PASSWORD, server_pid
from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.extraction import ExtractionRun, RunOptions


def builtins(uri: str) -> float:
    with (
        neo4j.GraphDatabase.driver(uri, auth=("neo4j", PASSWORD)) as driver,
        driver.session(database="neo4j", default_access_mode=neo4j.READ_ACCESS) as session,
    ):
        t = time.perf_counter()
        session.run("CALL db.schema.nodeTypeProperties()").consume()
        session.run("CALL db.schema.relTypeProperties()").consume()
        return time.perf_counter() - t


async def neosense(uri: str, mode: str) -> float:
    settings = ConnectionSettings.model_validate({"uri": uri, "user": "neo4j"})
    async with ExtractionRun(settings, PASSWORD, RunOptions(mode=mode)) as run:
        report = await run.run()
    return report.run.duration_s


def pin_server(pid: int, cpus: str) -> None:
    subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(pid)], check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    uri = f"bolt://127.0.0.1:{args.port}"
    pid = server_pid(args.port)
    if (os.cpu_count() or 1) < 2:
        print("needs 2 CPUs")
        return 1
    os.sched_setaffinity(0, {1})
    print("| server cores | built-ins | NeoSense sampled | NeoSense exact |\n|---|---:|---:|---:|")
    try:
        for cpus, label in (("0", "1"), ("0,1", "2")):
            pin_server(pid, cpus)
            builtins(uri)
            asyncio.run(neosense(uri, "sampled"))
            asyncio.run(neosense(uri, "exact"))
            times: dict[str, list[float]] = {"b": [], "s": [], "e": []}
            for _ in range(args.runs):
                times["b"].append(builtins(uri))
                times["s"].append(asyncio.run(neosense(uri, "sampled")))
                times["e"].append(asyncio.run(neosense(uri, "exact")))
            b, s, e = (statistics.median(times[k]) for k in "bse")
            print(f"| {label} | {b:.2f} s | {s:.2f} s = {s / b:.2f}x | {e:.2f} s = {e / b:.2f}x |")
    finally:
        pin_server(pid, f"0-{(os.cpu_count() or 2) - 1}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
