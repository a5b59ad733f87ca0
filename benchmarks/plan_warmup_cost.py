"""What the plan warm-up saves F5 on a cleared query cache (issue 28).

    python -m benchmarks.plan_warmup_cost --port 7843 [--mode sampled] [--passes 3]
                                          [--output FILE.json]

The window's F5 as an in-process ExtractionRun: plan() then run(), timed together (wall,
a fresh driver each time, so its connect is in every figure alike), under four conditions,
alternated pass by pass (the order rotates):

- cold: the query caches cleared (`CALL db.clearQueryCaches()`, untimed), then F5;
- preview: cleared, then Show plan (another ExtractionRun's plan(), untimed: it plans the
  probe's and the sizing's texts), then F5;
- warmed: cleared, Show plan, then the plan warm-up (ExtractionRun.warm_plans, untimed,
  its own figure), then F5;
- warm: F5 again on a warm cache.

Per run it also sums the server's time until the result is available (planning included:
result_available_after) of the batch queries, from GraphClient's DEBUG query line.

Then, one query at a time, each batch text of a recorded run: the server's
result_available_after when run on a cleared cache (cold), run right after its EXPLAIN on a
cleared cache (what the warm-up leaves), and run again (warm); medians of --passes. Prints
medians; speed is reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import neo4j

from benchmarks.planning_cost import clear_caches
from benchmarks.server_work import PASSWORD, record_run
from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.extraction import ExtractionRun, RunOptions

CONDITIONS = ("cold", "preview", "warmed", "warm")
BATCH_NAMES = {
    "schema.batch",
    "schema.batch_profiles",
    "type.batch",
    "type.batch_profiles",
    "value_sample.labels",
    "value_sample.relationship_types",
}


class FirstRowTimes(logging.Handler):
    """GraphClient's DEBUG query lines: (name, server ms to the first row, planning
    included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.rows: list[tuple[str, int]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("query %s:") and isinstance(record.args, tuple):
            self.rows.append((str(record.args[0]), int(str(record.args[3] or 0))))

    def by_name(self) -> dict[str, int]:
        """The ms summed per query name, largest first."""
        sums: dict[str, int] = {}
        for name, ms in self.rows:
            sums[name] = sums.get(name, 0) + ms
        return dict(sorted(sums.items(), key=lambda item: -item[1]))


async def _show_plan(
    settings: ConnectionSettings, options: RunOptions, warm: bool
) -> dict[str, Any]:
    async with ExtractionRun(settings, PASSWORD, options) as preview:
        await preview.plan()
        if not warm:
            return {}
        result = await preview.warm_plans()
    return {"warmup_s": result.duration_s, "warmup_texts": len(result.planned)}


async def _f5(
    settings: ConnectionSettings, options: RunOptions, log: FirstRowTimes
) -> dict[str, Any]:
    log.rows.clear()
    t0 = time.monotonic()
    async with ExtractionRun(settings, PASSWORD, options) as run:
        await run.plan()
        report = await run.run()
    wall = time.monotonic() - t0
    return {
        "f5_s": round(wall, 3),
        "report_s": report.run.duration_s,
        "batch_first_row_ms": sum(ms for name, ms in log.rows if name in BATCH_NAMES),
        "all_first_row_ms": sum(ms for _, ms in log.rows),
        "queries": len(log.rows),
        "by_name_ms": log.by_name(),
    }


async def measure(uri: str, options: RunOptions, passes: int) -> list[dict[str, Any]]:
    settings = ConnectionSettings.model_validate({"uri": uri, "user": "neo4j"})
    log = FirstRowTimes()
    client_log = logging.getLogger("neosense_desktop.core.graph_client")
    client_log.addHandler(log)
    client_log.setLevel(logging.DEBUG)
    rows: list[dict[str, Any]] = []
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", PASSWORD)) as driver:
        await _f5(settings, options, log)  # untimed: JVM, pages and plans warm
        for p in range(passes):
            order = CONDITIONS[p % len(CONDITIONS) :] + CONDITIONS[: p % len(CONDITIONS)]
            for condition in order:
                row: dict[str, Any] = {"pass": p + 1, "condition": condition}
                if condition != "warm":
                    clear_caches(driver)
                if condition in ("preview", "warmed"):
                    row.update(await _show_plan(settings, options, condition == "warmed"))
                row.update(await _f5(settings, options, log))
                row["load_1min"] = round(os.getloadavg()[0], 2)
                print(json.dumps(row), file=sys.stderr, flush=True)
                rows.append(row)
    return rows


def per_text(uri: str, options: RunOptions, passes: int) -> list[dict[str, Any]]:
    """Each batch text alone: available-after cold, after its EXPLAIN, warm (ms)."""
    record, _ = asyncio.run(record_run(uri, options))
    out = []
    with (
        neo4j.GraphDatabase.driver(uri, auth=("neo4j", PASSWORD)) as driver,
        driver.session(database="neo4j", default_access_mode=neo4j.READ_ACCESS) as session,
    ):

        def available(cypher: str, params: dict[str, Any]) -> int:
            return session.run(cypher, params).consume().result_available_after or 0

        for name, cypher, params in record:
            if name not in BATCH_NAMES:
                continue
            figures: dict[str, list[int]] = {
                "cold": [],
                "explain": [],
                "after_explain": [],
                "warm": [],
            }
            for _ in range(passes):
                clear_caches(driver)
                figures["cold"].append(available(cypher, params))
                figures["warm"].append(available(cypher, params))
                clear_caches(driver)
                figures["explain"].append(available("EXPLAIN " + cypher, params))
                figures["after_explain"].append(available(cypher, params))
            row = {"query": name, "chars": len(cypher), "load_1min": round(os.getloadavg()[0], 2)}
            row.update({k: statistics.median(v) for k, v in figures.items()})
            print(json.dumps(row), file=sys.stderr, flush=True)
            out.append(row)
    return out


def summary(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| condition | F5 wall (plan + run) | report duration | batch queries' server ms "
        "until available | all queries' | warm-up | load |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for condition in CONDITIONS:
        mine = [r for r in rows if r["condition"] == condition]

        def med(key: str, rs: list[dict[str, Any]] = mine) -> float:
            return float(statistics.median(r[key] for r in rs))

        warmup = (
            f"{med('warmup_s'):.2f} s, {mine[0]['warmup_texts']} texts"
            if "warmup_s" in mine[0]
            else ""
        )
        loads = [r["load_1min"] for r in mine]
        lines.append(
            f"| {condition} | {med('f5_s'):.2f} s | {med('report_s'):.2f} s | "
            f"{med('batch_first_row_ms'):.0f} | {med('all_first_row_ms'):.0f} | {warmup} | "
            f"{min(loads)}-{max(loads)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=("sampled", "exact", "auto"), default="sampled")
    parser.add_argument("--sample-size", type=int, default=1000)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    options = RunOptions(mode=args.mode, sample_size=args.sample_size)
    uri = f"bolt://127.0.0.1:{args.port}"
    rows = asyncio.run(measure(uri, options, args.passes))
    print(f"NeoSense {args.mode}, medians of {args.passes} passes, conditions alternated")
    print(summary(rows))
    texts = per_text(uri, options, args.passes)
    print("| batch text | chars | cold | EXPLAIN (cold) | run after EXPLAIN | warm | load |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for t in texts:
        print(
            f"| {t['query']} | {t['chars']:,} | {t['cold']} | {t['explain']} | "
            f"{t['after_explain']} | {t['warm']} | {t['load_1min']} |"
        )
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        result = {"mode": args.mode, "rows": rows, "per_text_ms": texts}
        args.output.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
