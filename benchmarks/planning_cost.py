"""Each query of one NeoSense run: what planning costs on a cleared cache, apart from execution.

    python -m benchmarks.planning_cost --port 7831 [--mode sampled|exact] [--sample-size 1000]
                                       [--repeat 3] [--output FILE.json]

A user's first run meets a query cache that has never seen NeoSense's texts (issue 28). This
records one run in this process as the app runs it (server_work.RecordingClient: name, text,
parameters of every query), then replays the recorded queries one at a time:

1. the caches cleared (`CALL db.clearQueryCaches()`, untimed), an EXPLAIN of the text: the
   server's result_available_after is its planning time on a cold cache;
2. the same EXPLAIN again: a cache hit (warm);
3. the query itself, now planned: result_available_after + result_consumed_after is its
   execution.

Prints a table per query (name, UNION ALL branches, text length, cold planning ms, warm ms,
execution ms), summed per name, with the run's totals, medians of --repeat replays. The
first line also gives the recorded run's in-process duration on a cleared cache and warm.

Speed is reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import neo4j

from benchmarks.server_work import PASSWORD, Recorded, record_run
from neosense_desktop.core.extraction import RunOptions

CLEAR = "CALL db.clearQueryCaches()"


def clear_caches(driver: neo4j.Driver) -> None:
    """Empty the server's query caches (needs an admin), outside any timed region."""
    driver.execute_query(CLEAR, database_="neo4j")


def _server_ms(session: neo4j.Session, cypher: str, params: dict[str, Any]) -> tuple[int, int]:
    summary = session.run(cypher, params).consume()
    return summary.result_available_after or 0, summary.result_consumed_after or 0


def measure(driver: neo4j.Driver, record: Recorded) -> list[dict[str, Any]]:
    """One row per recorded query, in the run's order."""
    rows = []
    with driver.session(database="neo4j", default_access_mode=neo4j.READ_ACCESS) as session:
        for name, cypher, params in record:
            clear_caches(driver)
            cold, _ = _server_ms(session, "EXPLAIN " + cypher, params)
            warm, _ = _server_ms(session, "EXPLAIN " + cypher, params)
            first, consumed = _server_ms(session, cypher, params)
            rows.append(
                {
                    "query": name,
                    "branches": cypher.count(" UNION ALL ") + 1,
                    "chars": len(cypher),
                    "cold_plan_ms": cold,
                    "warm_plan_ms": warm,
                    "execution_ms": first + consumed,
                }
            )
    return rows


def per_name(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    acc: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "calls": 0,
            "branches": 0,
            "chars": 0,
            "cold_plan_ms": 0,
            "warm_plan_ms": 0,
            "execution_ms": 0,
        }
    )
    for r in rows:
        a = acc[r["query"]]
        a["calls"] += 1
        for k in ("branches", "chars", "cold_plan_ms", "warm_plan_ms", "execution_ms"):
            a[k] += r[k]
    out = [{"query": k, **v} for k, v in acc.items()]
    return sorted(out, key=lambda r: -r["cold_plan_ms"])


def table(named: list[dict[str, Any]]) -> str:
    lines = [
        "| query | calls | branches | text chars | cold planning ms | warm planning ms "
        "| execution ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in named:
        lines.append(
            f"| {r['query']} | {r['calls']} | {r['branches']} | {r['chars']:,} | "
            f"{r['cold_plan_ms']} | {r['warm_plan_ms']} | {r['execution_ms']} |"
        )
    tot = {
        k: sum(r[k] for r in named)
        for k in ("calls", "branches", "chars", "cold_plan_ms", "warm_plan_ms", "execution_ms")
    }
    lines.append(
        f"| **all** | {tot['calls']} | {tot['branches']} | {tot['chars']:,} | "
        f"{tot['cold_plan_ms']} | {tot['warm_plan_ms']} | {tot['execution_ms']} |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=("sampled", "exact", "auto"), default="sampled")
    parser.add_argument("--sample-size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="replays; medians are printed")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    uri = f"bolt://127.0.0.1:{args.port}"
    options = RunOptions(mode=args.mode, sample_size=args.sample_size)

    with neo4j.GraphDatabase.driver(
        uri, auth=("neo4j", PASSWORD), notifications_min_severity="OFF"
    ) as driver:
        clear_caches(driver)
        record, cold_duration = asyncio.run(record_run(uri, options))
        _, warm_duration = asyncio.run(record_run(uri, options))
        passes = [measure(driver, record) for _ in range(args.repeat)]
    # Medians over the replays, query by query (same order every pass).
    rows = []
    for i, first in enumerate(passes[0]):
        row = dict(first)
        for k in ("cold_plan_ms", "warm_plan_ms", "execution_ms"):
            row[k] = statistics.median(p[i][k] for p in passes)
        rows.append(row)
    named = per_name(rows)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"NeoSense {args.mode} (sample size {args.sample_size}): {len(record)} queries; "
        f"run on a cleared cache {cold_duration:.3f} s, again warm {warm_duration:.3f} s; "
        f"load {load}; medians of {args.repeat} replays, one query at a time"
    )
    print(table(named))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(
            json.dumps(
                {
                    "mode": args.mode,
                    "sample_size": args.sample_size,
                    "queries": len(record),
                    "cold_run_s": cold_duration,
                    "warm_run_s": warm_duration,
                    "load": os.getloadavg(),
                    "per_name": named,
                    "per_query": rows,
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
