"""The connection probe over a slow link (slow_link.DelayLine): what a run waits for before
its first label read, probed as a run probes (one ping; no APOC version where the checkout
can leave it out). Fresh = a new client (connecting included, the CLI's case); warm = a
client that has probed before (the window's warm driver).

    .venv/bin/python -m benchmarks.probe_latency --port 7705 [--rtt-ms 50] [--runs 8]

Run it from two checkouts one after the other to compare them. Medians are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import statistics
import sys
import time

from benchmarks.cpu_seconds import PASSWORD
from benchmarks.slow_link import DelayLine
from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.graph_client import GraphClient
from neosense_desktop.core.probe import probe_connection


async def measure(port: int, rtt_ms: float, runs: int) -> tuple[float, float]:
    """(fresh, warm) medians in seconds."""
    as_a_run: dict[str, object] = {"pings": 1}
    if "apoc_version" in inspect.signature(probe_connection).parameters:
        as_a_run["apoc_version"] = False  # what runner._prepare asks for
    with DelayLine(port, rtt_ms / 2000) as line:
        settings = ConnectionSettings.model_validate(
            {"uri": f"bolt://127.0.0.1:{line.port}", "user": "neo4j", "connection_timeout_s": 30}
        )
        fresh: list[float] = []
        warm: list[float] = []
        async with GraphClient(settings, PASSWORD) as warm_client:
            # Connects, and warms the server's plan cache.
            await probe_connection(warm_client, **as_a_run)  # type: ignore[arg-type]
            for _ in range(runs):
                async with GraphClient(settings, PASSWORD) as client:
                    t = time.perf_counter()
                    await probe_connection(client, **as_a_run)  # type: ignore[arg-type]
                    fresh.append(time.perf_counter() - t)
                t = time.perf_counter()
                await probe_connection(warm_client, **as_a_run)  # type: ignore[arg-type]
                warm.append(time.perf_counter() - t)
    return statistics.median(fresh), statistics.median(warm)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rtt-ms", type=float, default=50.0)
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args(argv)
    fresh, warm = asyncio.run(measure(args.port, args.rtt_ms, args.runs))
    print(
        f"RTT {args.rtt_ms:g} ms: probe with a fresh client {fresh * 1000:.0f} ms, "
        f"warm {warm * 1000:.0f} ms (medians of {args.runs})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
