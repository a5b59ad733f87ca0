"""What a new Bolt connection costs with the async driver as shipped (Nagle's algorithm on)
and with core/bolt_sockets.py's TCP_NODELAY, with the sync driver (which sets it) as the
reference, and what that does to a sampled run made with a fresh driver (the CLI's case).

    .venv/bin/python -m benchmarks.connect_latency --port 7705 [--runs 10]

Each variant runs in its own process, so the socket factory is the driver's own in the
"as shipped" one. Speed is printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time

import neo4j

from benchmarks.cpu_seconds import PASSWORD

VARIANTS = ("async, as shipped", "async, TCP_NODELAY", "sync driver")


async def _async_figures(uri: str, runs: int, nodelay: bool) -> dict[str, float]:
    from neosense_desktop.core import graph_client
    from neosense_desktop.core.bolt_sockets import enable_tcp_nodelay
    from neosense_desktop.core.connection import ConnectionSettings
    from neosense_desktop.core.extraction import ExtractionRun, RunOptions

    if nodelay:
        enable_tcp_nodelay()
    else:  # GraphClient would install it: keep the driver's own sockets
        graph_client.enable_tcp_nodelay = lambda: False  # type: ignore[attr-defined]
    one: list[float] = []
    four: list[float] = []
    for _ in range(runs):
        driver = neo4j.AsyncGraphDatabase.driver(uri, auth=("neo4j", PASSWORD))
        t = time.perf_counter()
        await driver.verify_connectivity()
        one.append(time.perf_counter() - t)

        async def ping(driver: neo4j.AsyncDriver = driver) -> None:
            async with driver.session(database="neo4j") as session:
                await (await session.run("RETURN 1")).consume()

        t = time.perf_counter()
        await asyncio.gather(*(ping() for _ in range(5)))  # 1 pooled + 4 new connections
        four.append(time.perf_counter() - t)
        await driver.close()
    settings = ConnectionSettings.model_validate({"uri": uri, "user": "neo4j"})
    totals: list[float] = []
    for i in range(runs + 1):
        t = time.perf_counter()
        async with ExtractionRun(settings, PASSWORD, RunOptions(mode="sampled")) as run:
            await run.run()
        if i:  # the first warms the server's plan cache
            totals.append(time.perf_counter() - t)
    return {
        "new_connection_ms": 1000 * statistics.median(one),
        "four_more_at_once_ms": 1000 * statistics.median(four),
        "sampled_run_s": statistics.median(totals),
    }


def _sync_figures(uri: str, runs: int) -> dict[str, float]:
    one: list[float] = []
    for _ in range(runs):
        with neo4j.GraphDatabase.driver(uri, auth=("neo4j", PASSWORD)) as driver:
            t = time.perf_counter()
            driver.verify_connectivity()
            one.append(time.perf_counter() - t)
    return {"new_connection_ms": 1000 * statistics.median(one)}


def _child(variant: str, uri: str, runs: int) -> None:
    if variant == "sync driver":
        figures = _sync_figures(uri, runs)
    else:
        figures = asyncio.run(_async_figures(uri, runs, nodelay=variant.endswith("NODELAY")))
    print(json.dumps(figures))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    uri = f"bolt://127.0.0.1:{args.port}"
    if args.child:
        _child(args.child, uri, args.runs)
        return 0
    for variant in VARIANTS:
        out = subprocess.run(
            [
                *(sys.executable, "-m", "benchmarks.connect_latency"),
                *("--port", str(args.port), "--runs", str(args.runs), "--child", variant),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        text = ", ".join(
            f"{k} {v:.3f}" if k.endswith("_s") else f"{k} {v:.1f}" for k, v in figures.items()
        )
        print(f"{variant}: {text} (medians of {args.runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
