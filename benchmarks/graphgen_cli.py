"""Command line of scripts/gen_graph: generate a benchmark graph, or generate and load it."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from benchmarks.graphgen import default_dir, ensure_graph, generate
from benchmarks.graphload import load


def _log(msg: str) -> None:
    print(f"[gen_graph] {msg}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="gen_graph", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="write CSVs and ground truth")
    g.add_argument("--nodes", type=int, required=True)
    g.add_argument("--seed", type=int, default=42)
    g.add_argument("--out", type=Path, default=None)
    ld = sub.add_parser("load", help="generate if needed, then bulk-import into a server")
    ld.add_argument("--nodes", type=int, required=True)
    ld.add_argument("--seed", type=int, default=42)
    ld.add_argument("--dir", type=Path, default=None)
    ld.add_argument("--port", type=int, required=True)
    ld.add_argument("--apoc", action="store_true")
    ld.add_argument("--heap", default="2g")
    ld.add_argument("--pagecache", default="2g")
    args = p.parse_args(argv)
    if args.nodes < 10_000:
        p.error("--nodes must be at least 10000")
    t0 = time.monotonic()
    if args.cmd == "generate":
        out = args.out or default_dir(args.nodes, args.seed)
        truth = generate(args.nodes, args.seed, out, log=_log)
        _log(
            f"{truth['nodes']:,} nodes, {truth['relationships']:,} relationships in "
            f"{time.monotonic() - t0:.1f} s -> {out}"
        )
        return 0
    graph_dir = ensure_graph(args.nodes, args.seed, args.dir, log=_log)
    gen_s = time.monotonic() - t0
    timings = load(
        graph_dir, args.port, apoc=args.apoc, heap=args.heap, pagecache=args.pagecache, log=_log
    )
    _log(
        f"generate {gen_s:.1f} s, import {timings['import_s']} s, start "
        f"{timings['start_s']} s, indexes {timings['schema_s']} s"
    )
    return 0
