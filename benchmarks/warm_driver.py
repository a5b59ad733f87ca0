"""A sampled run as the window makes it, with a fresh driver per run against the window's
warm driver (core/client_pool.py WarmClients): what connecting costs every run.

    .venv/bin/python -m benchmarks.warm_driver --port 7705 [--runs 8]

The two kinds alternate; the first pair warms up and is dropped. Total = plan + run (the
first connection is opened while planning, outside the report's own duration). Speed is
printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from typing import Any

from benchmarks.cpu_seconds import PASSWORD
from neosense_desktop.core.client_pool import WarmClients
from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.extraction import ExtractionRun, RunOptions


async def compare(uri: str, runs: int) -> dict[str, list[float]]:
    settings = ConnectionSettings.model_validate({"uri": uri, "user": "neo4j"})
    pool = WarmClients()
    totals: dict[str, list[float]] = {"fresh driver": [], "warm driver": []}
    try:
        for i in range(runs):
            for kind in totals:
                extra: dict[str, Any] = (
                    {"client_lease": pool.lease} if kind == "warm driver" else {}
                )
                t = time.perf_counter()
                async with ExtractionRun(
                    settings, PASSWORD, RunOptions(mode="sampled"), **extra
                ) as run:
                    await run.run()
                if i:
                    totals[kind].append(time.perf_counter() - t)
    finally:
        await pool.close_all()
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args(argv)
    totals = asyncio.run(compare(f"bolt://127.0.0.1:{args.port}", args.runs))
    for kind, values in totals.items():
        print(
            f"{kind}: plan + run median {statistics.median(values):.3f} s over {len(values)} runs"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
