"""scripts/bench: speed and coverage of metadata tools on one generated graph, one server.

    scripts/bench --nodes N --output FILE.json [--apoc] [--ui] [--runs 3] [--seed 42]
                  [--port 7703] [--tools a,b] [--keep-server]

Generates the graph (or reuses .neo4j/bench/n{N}-s{seed}), bulk-imports it into the
scripts/neo4j-local server on --port (or reuses it when that graph is already loaded), warms
the page cache with one untimed full scan, then runs each tool --runs times and records the
wall time median and the coverage of the ground truth. Prints a Markdown table; writes

    {"nodes", "relationships",
     "rows": [{"tool", "mode", "median_s", "runs_s", "coverage": {"labels", "types",
               "patterns", "property_keys", "value_types"}}],
     "ui": {"max_stall_ms", "p99_stall_ms", "peak_rss_mb", "time_to_first_labels_s",
            "time_to_full_report_s"} or null,
     "skipped": [{"tool", "mode", "reason"}]}

Tools: builtin (db.schema.nodeTypeProperties + relTypeProperties), apoc_meta_schema,
apoc_node_type_properties (both with {sample:1000}, need --apoc), neo4j_graphrag
(get_structured_schema, apoc.meta.data underneath, needs --apoc and the bench extra),
neosense exact/sampled (the real CLI in a subprocess, so its time includes Python start-up).
Speed is reported, never asserted: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j

from benchmarks import coverage as cov
from benchmarks.graphgen import ensure_graph
from benchmarks.graphload import graph_id, load, loaded_graph, neo4j_local

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PORT = 7703
TOOLS = (
    ("builtin", "exact"),
    ("apoc_meta_schema", "sampled"),
    ("apoc_node_type_properties", "sampled"),
    ("neo4j_graphrag", "sampled"),
    ("neosense", "exact"),
    ("neosense", "sampled"),
)


class Skip(Exception):
    """A tool that cannot run here; the reason goes into the table and the JSON."""


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


@dataclass
class Context:
    uri: str
    password: str
    driver: neo4j.Driver
    apoc: bool
    timeout_s: float
    sample: int


def _query(ctx: Context, text: str) -> list[dict[str, Any]]:
    with ctx.driver.session(database="neo4j", default_access_mode=neo4j.READ_ACCESS) as s:
        result = s.run(neo4j.Query(text, timeout=ctx.timeout_s))  # type: ignore[arg-type]
        return [r.data() for r in result]


# --------------------------------------------------------------------------- the tools


def tool_builtin(ctx: Context) -> cov.Found:
    nodes = _query(
        ctx,
        "CALL db.schema.nodeTypeProperties() "
        "YIELD nodeLabels, propertyName, propertyTypes RETURN *",
    )
    rels = _query(
        ctx,
        "CALL db.schema.relTypeProperties() YIELD relType, propertyName, propertyTypes RETURN *",
    )
    return cov.from_builtin(nodes, rels)


def _need_apoc(ctx: Context) -> None:
    if not ctx.apoc:
        raise Skip("needs APOC: run with --apoc")


def tool_apoc_meta_schema(ctx: Context) -> cov.Found:
    _need_apoc(ctx)
    rows = _query(ctx, f"CALL apoc.meta.schema({{sample:{ctx.sample}}}) YIELD value RETURN value")
    return cov.from_apoc_meta_schema(rows[0]["value"])


def tool_apoc_node_type_properties(ctx: Context) -> cov.Found:
    _need_apoc(ctx)
    rows = _query(
        ctx,
        f"CALL apoc.meta.nodeTypeProperties({{sample:{ctx.sample}}}) "
        "YIELD nodeLabels, propertyName, propertyTypes RETURN *",
    )
    return cov.from_apoc_node_type_properties(rows)


def tool_neo4j_graphrag(ctx: Context) -> cov.Found:
    _need_apoc(ctx)
    try:
        from neo4j_graphrag.schema import get_structured_schema
    except ImportError as exc:
        raise Skip(f"neo4j-graphrag is not installed (pip install -e '.[bench]'): {exc}") from exc
    schema = get_structured_schema(
        ctx.driver, database="neo4j", timeout=ctx.timeout_s, sample=ctx.sample
    )
    return cov.from_graphrag(schema)


def _neosense(ctx: Context, mode: str) -> cov.Found:
    from neosense_desktop.core import cli

    if "extract" not in getattr(cli, "COMMANDS", ()):
        raise Skip("the neosense extract CLI is not there yet")
    with tempfile.TemporaryDirectory(prefix="neosense-bench-") as tmp:
        out = Path(tmp) / "report.json"
        cmd = [
            sys.executable,
            "-c",
            _CLI_WITH_QUERY_LOG,
            "extract",
            "--uri",
            ctx.uri,
            "--user",
            "neo4j",
            "--database",
            "neo4j",
            "--mode",
            mode,
            "--sample-size",
            str(ctx.sample),
            "--timeout",
            str(int(ctx.timeout_s)),
            "--output",
            str(out),
            "--no-save",
            "--quiet",
        ]
        # The password travels in the environment, never in the process arguments.
        env = dict(os.environ, NEO4J_PASSWORD=ctx.password)
        # A throw-away user data dir: the bench must not touch the user's own app state.
        env["XDG_DATA_HOME"] = env["XDG_CONFIG_HOME"] = env["XDG_STATE_HOME"] = tmp
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO)
        if proc.returncode not in (0, 3) or not out.exists():
            raise Skip(f"extract exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
        report = json.loads(out.read_text())
    if proc.returncode == 3:
        failed = [
            k for k, v in (report.get("activities") or {}).items() if v.get("status") != "succeeded"
        ]
        log(f"neosense {mode}: report written but activities failed: {failed}")
    _last_reports[mode] = report
    _last_profiles[mode] = query_profile(proc.stderr)
    return cov.from_neosense_report(report)


# The real CLI entry point (neosense_desktop.__main__.main), with only the graph client's
# logger at DEBUG: one line per query with its time, for the profile, and no driver chatter.
# The CLI's own stderr handler (logging_setup.cli_logging) passes WARNING and up unless -v,
# and -v would also let the driver's debug chatter through (slowing the run it measures), so
# the query logger gets a handler of its own and does not propagate to the CLI's.
_CLI_WITH_QUERY_LOG = (
    "import logging, sys; "
    "q = logging.getLogger('neosense_desktop.core.graph_client'); "
    "q.setLevel(logging.DEBUG); q.propagate = False; "
    "h = logging.StreamHandler(sys.stderr); h.setLevel(logging.DEBUG); q.addHandler(h); "
    "from neosense_desktop.__main__ import main; sys.exit(main(sys.argv[1:]))"
)
_QUERY_LINE = re.compile(
    r"query (\S+): (\d+) rows in ([0-9.]+) s(?:; server (\d+) ms to the first row)?"
)


def query_profile(stderr: str) -> list[dict[str, Any]]:
    """Per query name: calls, total and max seconds, slowest first (activities overlap),
    and the server's summed time to the first row (planning included: graph_client's
    timing log)."""
    acc: dict[str, list[float]] = {}
    first: dict[str, int] = {}
    for m in _QUERY_LINE.finditer(stderr):
        acc.setdefault(m.group(1), []).append(float(m.group(3)))
        if m.group(4) is not None:
            first[m.group(1)] = first.get(m.group(1), 0) + int(m.group(4))
    rows = [
        {
            "query": k,
            "calls": len(v),
            "total_s": round(sum(v), 2),
            "max_s": round(max(v), 2),
            **({"server_first_row_ms": first[k]} if k in first else {}),
        }
        for k, v in acc.items()
    ]
    return sorted(rows, key=lambda r: -r["total_s"])


_last_profiles: dict[str, list[dict[str, Any]]] = {}


_last_reports: dict[str, dict[str, Any]] = {}

RUNNERS: dict[tuple[str, str], Callable[[Context], cov.Found]] = {
    ("builtin", "exact"): tool_builtin,
    ("apoc_meta_schema", "sampled"): tool_apoc_meta_schema,
    ("apoc_node_type_properties", "sampled"): tool_apoc_node_type_properties,
    ("neo4j_graphrag", "sampled"): tool_neo4j_graphrag,
    ("neosense", "exact"): lambda ctx: _neosense(ctx, "exact"),
    ("neosense", "sampled"): lambda ctx: _neosense(ctx, "sampled"),
}


# --------------------------------------------------------------------------- server


def _has_apoc(uri: str, password: str) -> bool:
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", password)) as d:
        rows, _, _ = d.execute_query(
            "SHOW PROCEDURES YIELD name WHERE name = 'apoc.meta.schema' RETURN count(*) AS c",
            database_="neo4j",
        )
        return bool(rows[0]["c"])


def prepare_server(
    graph_dir: Path, port: int, apoc: bool, heap: str, pagecache: str
) -> dict[str, Any]:
    """Make the server on port serve this graph, with or without APOC. Returns timings."""
    nl = neo4j_local()
    uri = f"bolt://127.0.0.1:{port}"
    if loaded_graph(port) != graph_id(graph_dir):
        log(f"loading {graph_dir.name} into the server on port {port}")
        return load(
            graph_dir, port, apoc=apoc, heap=heap, pagecache=pagecache, log=lambda m: log(m)
        )
    if nl.running_pid(port) is not None and _has_apoc(uri, nl._password()) != apoc:
        nl.stop(port)
    if nl.running_pid(port) is None:
        nl.start(port, apoc, heap, pagecache, "2g", 300.0)
    log(f"reusing {graph_dir.name}, already loaded on port {port}")
    return {}


# --------------------------------------------------------------------------- UI hook


def measure_ui(ctx: Context, graph_dir: Path) -> dict[str, float] | None:
    """Issue part 3: the real main window, offscreen, 5 ms heartbeat (benchmarks/ui_bench.py).

    Two runs on this graph (F5; the second, warm, is timed to the first labels and to the
    full report in the tree), then a 2,000 x 50 report opened into the tree and the picture.
    Returns the numbers the JSON names; the per-phase detail goes to stderr.
    """
    from benchmarks import ui_bench

    try:
        full = ui_bench.run_ui_bench(ctx.uri, ctx.password, graph_dir)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        log(f"--ui failed, ui stays null: {exc}")
        return None
    log(f"ui detail: {json.dumps(full)}")
    keys = ("max_stall_ms", "p99_stall_ms", "peak_rss_mb")
    arrival = ("time_to_first_labels_s", "time_to_full_report_s")
    return {k: float(full[k]) for k in keys} | {
        k: float(full[k]) for k in arrival if full.get(k) is not None
    }


# --------------------------------------------------------------------------- run


def run_tool(ctx: Context, key: tuple[str, str], runs: int, expected: cov.Found) -> dict[str, Any]:
    runner = RUNNERS[key]
    times: list[float] = []
    found = cov.Found()
    for i in range(runs):
        t0 = time.perf_counter()
        found = runner(ctx)
        times.append(round(time.perf_counter() - t0, 3))
        log(f"{key[0]} {key[1]} run {i + 1}/{runs}: {times[-1]:.2f} s")
    row: dict[str, Any] = {
        "tool": key[0],
        "mode": key[1],
        "median_s": round(statistics.median(times), 3),
        "runs_s": times,
        "coverage": cov.coverage(found, expected),
    }
    profile = _last_profiles.get(key[1]) if key[0] == "neosense" else None
    if profile:  # the last run's: queries sent (issue 16 wants them per run) and their times
        row["queries"] = sum(r["calls"] for r in profile)
        row["query_profile"] = profile
    return row


def markdown(result: dict[str, Any]) -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"Graph: {result['nodes']:,} nodes, {result['relationships']:,} relationships; "
        f"load average now {load} on {os.cpu_count()} CPUs (shared machines add noise)",
        "",
        "| tool | mode | median s | runs s | labels | types | patterns | property keys "
        "| value types |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in result["rows"]:
        c = row["coverage"]
        runs = ", ".join(f"{t:.2f}" for t in row["runs_s"])
        lines.append(
            f"| {row['tool']} | {row['mode']} | {row['median_s']:.2f} | {runs} | "
            + " | ".join(f"{c[d]:.3f}" for d in cov.DIMENSIONS)
            + " |"
        )
    for s in result.get("skipped") or []:
        lines.append(f"| {s['tool']} | {s['mode']} | skipped | {s['reason']} | | | | | |")
    by = {(r["tool"], r["mode"]): r["median_s"] for r in result["rows"]}
    base = by.get(("builtin", "exact"))
    apoc = by.get(("apoc_meta_schema", "sampled"))
    notes = []
    for mode, target in (("sampled", 0.2), ("exact", 1.5)):
        t = by.get(("neosense", mode))
        if t is not None and base:
            notes.append(f"neosense {mode} / builtin = {t / base:.2f} (target <= {target})")
        if t is not None and apoc:
            notes.append(f"neosense {mode} / apoc_meta_schema = {t / apoc:.2f} (target < 1)")
    if result.get("ui"):
        ui = result["ui"]
        notes.append(
            f"UI: max stall {ui['max_stall_ms']:.0f} ms (target <= 50), p99 "
            f"{ui['p99_stall_ms']:.0f} ms (target <= 16), peak RSS "
            f"{ui['peak_rss_mb']:.0f} MB (target <= 300)"
        )
        if ui.get("time_to_first_labels_s") is not None:
            notes.append(
                f"UI, warm F5: first labels in the tree after "
                f"{ui['time_to_first_labels_s'] * 1000:.0f} ms (target <= 200), full report "
                f"after {ui.get('time_to_full_report_s', float('nan')):.2f} s"
            )
    if notes:
        lines += ["", *[f"- {n}" for n in notes]]
    return "\n".join(lines)


def _label_count_accuracy(report: dict[str, Any], truth: dict[str, Any]) -> str:
    want = {x["name"]: x["count"] for x in truth["labels"]}
    got = {x["name"]: x.get("count") for x in report.get("labels") or []}
    same = sum(1 for k, v in want.items() if got.get(k) == v)
    return f"{same}/{len(want)} label counts exact"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--nodes", type=int, required=True)
    p.add_argument("--output", type=Path, required=True)
    p.add_argument("--apoc", action="store_true", help="start the server with APOC")
    p.add_argument("--ui", action="store_true", help="also measure the desktop app's stalls")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument("--sample", type=int, default=1000)
    p.add_argument("--timeout", type=float, default=1800.0, help="per-query timeout, seconds")
    p.add_argument("--tools", default="", help="comma list of tool or tool:mode to run")
    p.add_argument("--heap", default="2g")
    p.add_argument("--pagecache", default="2g")
    p.add_argument("--keep-server", action="store_true", help="leave the server running")
    p.add_argument(
        "--cold-cache",
        action="store_true",
        help="clear the server's query caches before every timed run (untimed), run each "
        "tool again warm, tools alternated run by run; reports cold and warm side by side",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a tool was skipped or failed (CI: breakage, never speed)",
    )
    return p


def _run_tools(
    ctx: Context, wanted: set[str], runs: int, expected: cov.Found, result: dict[str, Any]
) -> None:
    """Each tool (or the `wanted` ones) `runs` times: a row each, or why it was skipped."""
    for key in TOOLS:
        if wanted and key[0] not in wanted and f"{key[0]}:{key[1]}" not in wanted:
            continue
        try:
            result["rows"].append(run_tool(ctx, key, runs, expected))
        except Skip as exc:
            log(f"skipping {key[0]} {key[1]}: {exc}")
            result["skipped"].append({"tool": key[0], "mode": key[1], "reason": str(exc)})
        except neo4j.exceptions.Neo4jError as exc:
            reason = f"{exc.code}: {(exc.message or '')[:300]}"
            log(f"{key[0]} {key[1]} failed: {reason}")
            result["skipped"].append(
                {"tool": key[0], "mode": key[1], "reason": f"failed: {reason}"}
            )


def _clear_query_caches(ctx: Context) -> None:
    """Empty the server's query caches (as the admin the bench connects as): a new plan for
    every query of the next run, as on a server that has never seen them."""
    ctx.driver.execute_query("CALL db.clearQueryCaches()", database_="neo4j")


def _run_tools_cold(
    ctx: Context, wanted: set[str], runs: int, expected: cov.Found, result: dict[str, Any]
) -> None:
    """--cold-cache: each run, every tool in turn on a cleared cache, then again warm.

    Alternating the tools run by run (rather than all runs of one tool, then the next) keeps
    them side by side under the same load on a shared machine.
    """
    keys = [k for k in TOOLS if not wanted or k[0] in wanted or f"{k[0]}:{k[1]}" in wanted]
    times: dict[tuple[str, str], dict[str, list[float]]] = {
        k: {"cold": [], "warm": [], "cold_report": [], "warm_report": [], "queries": []}
        for k in keys
    }
    found: dict[tuple[str, str], cov.Found] = {}
    skipped: set[tuple[str, str]] = set()
    for i in range(runs):
        for key in keys:
            if key in skipped:
                continue
            loads = []
            try:
                for phase in ("cold", "warm"):
                    if phase == "cold":
                        _clear_query_caches(ctx)
                    loads.append(os.getloadavg()[0])
                    t0 = time.perf_counter()
                    found[key] = RUNNERS[key](ctx)
                    times[key][phase].append(round(time.perf_counter() - t0, 3))
                    if key[0] == "neosense":
                        report = _last_reports[key[1]]
                        times[key][f"{phase}_report"].append(
                            float((report.get("run") or {}).get("duration_s") or 0.0)
                        )
                        profile = _last_profiles.get(key[1]) or []
                        times[key]["queries"].append(sum(r["calls"] for r in profile))
            except (Skip, neo4j.exceptions.Neo4jError) as exc:
                log(f"skipping {key[0]} {key[1]}: {exc}")
                skipped.add(key)
                result["skipped"].append({"tool": key[0], "mode": key[1], "reason": str(exc)})
                continue
            log(
                f"{key[0]} {key[1]} run {i + 1}/{runs}: cold {times[key]['cold'][-1]:.2f} s, "
                f"warm {times[key]['warm'][-1]:.2f} s (load {loads[0]:.2f})"
            )
            times[key].setdefault("load", []).append(loads[0])
    for key in keys:
        if key in skipped:
            continue
        t = times[key]
        row: dict[str, Any] = {
            "tool": key[0],
            "mode": key[1],
            "median_s": round(statistics.median(t["warm"]), 3),
            "runs_s": t["warm"],
            "cold_median_s": round(statistics.median(t["cold"]), 3),
            "cold_runs_s": t["cold"],
            "load_1min": t["load"],
            "coverage": cov.coverage(found[key], expected),
        }
        if t["cold_report"]:
            row["cold_report_median_s"] = round(statistics.median(t["cold_report"]), 3)
            row["warm_report_median_s"] = round(statistics.median(t["warm_report"]), 3)
            row["cold_report_s"] = t["cold_report"]
            row["warm_report_s"] = t["warm_report"]
            row["queries_per_run"] = t["queries"]
            row["query_profile"] = _last_profiles.get(key[1])
        result["rows"].append(row)
    result["cold_cache"] = True


def cold_markdown(result: dict[str, Any]) -> str:
    """The --cold-cache table: cold and warm per tool, ratios to the built-ins."""
    rows = {(r["tool"], r["mode"]): r for r in result["rows"]}
    base = rows.get(("builtin", "exact"))
    lines = [
        "| tool | mode | cold s (runs) | warm s (runs) | cold / built-ins cold "
        "| in-process cold / warm s | queries per run | load (1 min) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, r in rows.items():
        ratio = f"{r['cold_median_s'] / base['cold_median_s']:.2f}x" if base else ""
        inproc = ""
        if "cold_report_median_s" in r:
            inproc = f"{r['cold_report_median_s']:.2f} / {r['warm_report_median_s']:.2f}"
            if base:
                inproc += f" ({r['cold_report_median_s'] / base['cold_median_s']:.2f}x)"
        runs_c = ", ".join(f"{x:.2f}" for x in r["cold_runs_s"])
        runs_w = ", ".join(f"{x:.2f}" for x in r["runs_s"])
        queries = ", ".join(str(q) for q in r.get("queries_per_run", [])[::2])
        loads = ", ".join(f"{x:.1f}" for x in r["load_1min"])
        lines.append(
            f"| {key[0]} | {key[1]} | {r['cold_median_s']:.2f} ({runs_c}) | "
            f"{r['median_s']:.2f} ({runs_w}) | {ratio} | {inproc} | {queries} | {loads} |"
        )
    return "\n".join(lines)


def _write_json(output: Path, result: dict[str, Any]) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, output)


def _print_neosense_details(truth: dict[str, Any]) -> None:
    """NeoSense's last run per mode: its queries by name, label counts, time per activity."""
    for mode, profile in _last_profiles.items():
        if profile:
            calls = sum(r["calls"] for r in profile)
            print(
                f"\nneosense {mode}: {calls} queries in the last run; summed query time by "
                "name, slowest first (they overlap in time):"
            )
            print(
                "| query | calls | total s | max s | server ms to first row (planning incl.) |"
                "\n|---|---:|---:|---:|---:|"
            )
            for row in profile[:15]:
                print(
                    f"| {row['query']} | {row['calls']} | {row['total_s']} | {row['max_s']} "
                    f"| {row.get('server_first_row_ms', '')} |"
                )
    for mode, report in _last_reports.items():
        print(
            f"- neosense {mode}: {_label_count_accuracy(report, truth)}; report says "
            f"{(report.get('run') or {}).get('duration_s')} s inside the CLI"
        )
        # Per activity (they overlap in time: each is its own wall time, not a share).
        activities = report.get("activities") or {}
        print(
            f"  - neosense {mode} per activity: "
            + ", ".join(
                f"{name} {(v or {}).get('duration_s', 0):.2f} s" for name, v in activities.items()
            )
        )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    t0 = time.monotonic()
    graph_dir = ensure_graph(args.nodes, args.seed, log=log)
    truth = json.loads((graph_dir / "ground_truth.json").read_text())
    log(
        f"graph ready in {time.monotonic() - t0:.1f} s: {truth['nodes']:,} nodes, "
        f"{truth['relationships']:,} relationships"
    )
    nl = neo4j_local()
    timings = prepare_server(graph_dir, args.port, args.apoc, args.heap, args.pagecache)
    if timings:
        log(f"load timings: {timings}")
    uri = f"bolt://127.0.0.1:{args.port}"
    password = nl._password()
    wanted = {t for t in args.tools.split(",") if t}
    result: dict[str, Any] = {
        "nodes": truth["nodes"],
        "relationships": truth["relationships"],
        "rows": [],
        "ui": None,
        "skipped": [],
    }
    expected = cov.expected_from_truth(truth)
    try:
        with neo4j.GraphDatabase.driver(
            uri, auth=("neo4j", password), notifications_min_severity="OFF"
        ) as driver:
            ctx = Context(uri, password, driver, args.apoc, args.timeout, args.sample)
            t1 = time.perf_counter()
            tool_builtin(ctx)  # untimed: warms the page cache so no tool pays for a cold one
            log(f"warm-up full scan: {time.perf_counter() - t1:.1f} s")
            if args.cold_cache:
                _run_tools_cold(ctx, wanted, args.runs, expected, result)
            else:
                _run_tools(ctx, wanted, args.runs, expected, result)
            if args.ui:
                result["ui"] = measure_ui(ctx, graph_dir)
    finally:
        if not args.keep_server:
            nl.stop(args.port)
    _write_json(args.output, result)
    print(markdown(result))
    if args.cold_cache:
        print("\nCold (query caches cleared before the run) and warm (the same run again):")
        print(cold_markdown(result))
    _print_neosense_details(truth)
    log(f"wrote {args.output} after {time.monotonic() - t0:.1f} s")
    if args.strict and result["skipped"]:
        log("--strict: some tools did not run (see 'skipped' above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
