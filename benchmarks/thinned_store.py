"""A sampled run on a store that deletes thinned out: the bench graph, then nine in ten of its
nodes deleted, picked by a hash of the id (freed ids are not reused until something is
created, so what is left scatters up to the old top, ~10x the count). The id-space probe
decides whether samples are drawn by id seeks or by a hashed scan of every label and type.

    .venv/bin/python -m benchmarks.thinned_store --port 7711 --nodes 1000000 \\
        [--against /path/to/other/checkout] [--runs 5] [--heap 2g --pagecache 2g]

Loads the graph (scripts/bench's generator and import) unless the port already holds the
thinned one. With --against, runs alternate between this checkout and the other one's code
(each in its own process, on the same server); medians are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import neo4j

from benchmarks.graphgen import ensure_graph
from benchmarks.graphload import MARKER, load, neo4j_local

ROOT = Path(__file__).resolve().parent.parent
KEEP_EVERY = 10

# Run inside a checkout (its own code on sys.path): one sampled run, then what it measured.
ONE_RUN = r"""
import asyncio, json, sys, time
from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.extraction import ExtractionRun, RunOptions

async def main():
    settings = ConnectionSettings.model_validate({"uri": sys.argv[1], "user": "neo4j"})
    async with ExtractionRun(settings, sys.argv[2], RunOptions(mode="sampled")) as run:
        t = time.perf_counter()
        plan = await run.plan()
        planned = time.perf_counter() - t
        report = await run.run()
    sizes = run._sizes
    print(json.dumps({
        "plan_s": planned,
        "duration_s": report.run.duration_s,
        "reasons": [p.reason for p in plan if p.method == "sampled"],
        "node_id_high": getattr(sizes, "node_id_high", None),
        "relationship_id_high": getattr(sizes, "relationship_id_high", None),
    }))

asyncio.run(main())
"""


def thin(uri: str, password: str) -> dict[str, Any]:
    with (
        neo4j.GraphDatabase.driver(uri, auth=("neo4j", password)) as driver,
        driver.session(database="neo4j") as session,
    ):
        t = time.monotonic()
        session.run(
            # Knuth's multiplicative hash: a spread that no id probe's arithmetic lines up with
            # (id % 10 kept every probe at a multiple of 10 live).
            "MATCH (n) WHERE toInteger(last(split(elementId(n), ':'))) * 2654435761 "
            "% 4294967296 % $keep <> 0 "
            "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS",
            keep=KEEP_EVERY,
        ).consume()
        seconds = time.monotonic() - t
        row = session.run(
            "MATCH (n) WITH count(n) AS nodes, "
            "max(toInteger(last(split(elementId(n), ':')))) AS top "
            "RETURN nodes, top, COUNT { ()-[]->() } AS relationships"
        ).single()
        assert row is not None
    return {"delete_s": round(seconds, 1), **row.data()}


def run_once(checkout: Path, uri: str, password: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", ONE_RUN, uri, password],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=7711)
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--against", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    args = parser.parse_args(argv)
    nl = neo4j_local()
    uri, password = f"bolt://127.0.0.1:{args.port}", nl._password()
    marker = nl._home(args.port) / "data" / MARKER
    wanted = f"thinned-hashed-1-in-{KEEP_EVERY}-n{args.nodes}"
    if not marker.exists() or marker.read_text().strip() != wanted:
        graph_dir = ensure_graph(args.nodes, 42)
        load(graph_dir, args.port, heap=args.heap, pagecache=args.pagecache)
        print("thinned:", thin(uri, password))
        marker.write_text(wanted + "\n")
    else:
        nl.start(args.port, False, args.heap, args.pagecache, "2g", 300.0)
    checkouts = {"this checkout": ROOT}
    if args.against:
        checkouts["against"] = args.against.resolve()
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in checkouts}
    for i in range(args.runs + 1):
        for name, path in checkouts.items():
            measured = run_once(path, uri, password)
            if i:  # the first pair warms the server's caches up
                results[name].append(measured)
    for name, runs in results.items():
        last = runs[-1]
        hashed = sum("hashed" in r for r in last["reasons"])
        seeks = sum("seek" in r for r in last["reasons"])
        print(
            f"{name} ({checkouts[name]}): sampled run median "
            f"{statistics.median(r['duration_s'] for r in runs):.3f} s, plan "
            f"{statistics.median(r['plan_s'] for r in runs):.3f} s over {len(runs)} runs; "
            f"samples by id seek {seeks}, by hashed scan {hashed}; id spaces "
            f"{last['node_id_high']} / {last['relationship_id_high']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
