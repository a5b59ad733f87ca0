"""The demo's first F5 on a server that has just started (issue 28, item 3).

    python -m benchmarks.demo_first_f5 --port 7850 [--passes 3] [--think 3]
                                       [--version 5.26.19] [--output FILE.json]

The server on --port is a scripts/neo4j-local instance loaded with the demo's Northwind
(`make demo` on another port; this script loads it if the database is empty). For every
timed F5 it restarts that server, so each one meets what a new user meets after
`make demo`: a warm machine, a server JVM that has just started, an empty query cache.
Then, in a child process, the real window opens offscreen as `make demo` opens it (the
NEO4J_URI connection, selected at start-up), and F5 (the Run action) runs under one of:

- at-once: the Run action as soon as the window has started (nothing prepared);
- think: the Run action --think seconds after the window started, with the window's
  preparation (ui/query_preparer.py) on: a person who reads the window first;
- prepared: the Run action once the window's preparation has finished (the status bar
  says "Connected: ..."); the time that took is its own figure.

Each child then presses F5 again: the warm figure of the same window. Conditions rotate
pass by pass. Times are F5 to the full report in the Results tree's model (what the view
paints next). Each row also keeps, per query name, the server's ms until the first row
(planning included) of both F5s: where a first F5 still waits. Speed is reported, never
asserted. The password is NEOSENSE_NEO4J_PASSWORD (the demo's), handed to the child in
its environment, never on a command line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CONDITIONS = ("at-once", "think", "prepared")
NORTHWIND = REPO / "tests" / "fixtures" / "northwind"
# The longest a child may wait for the window's preparation to end.
PREPARE_TIMEOUT_S = 300.0


def _local(*args: str) -> str:
    cmd = [sys.executable, str(REPO / "scripts" / "neo4j-local"), *args]
    done = subprocess.run(cmd, cwd=REPO, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def restart(port: int, version: str) -> float:
    """Stop and start the server; the seconds until it answered."""
    _local("stop", "--port", str(port))
    t0 = time.monotonic()
    _local("start", "--port", str(port), "--version", version)
    return round(time.monotonic() - t0, 2)


def ensure_northwind(port: int, version: str, password: str) -> str:
    """The server's URI, Northwind loaded into it once (as scripts/demo does)."""
    import shutil

    import neo4j

    uri = _local("start", "--port", str(port), "--version", version).splitlines()[-1]
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", password)) as driver:
        nodes = driver.execute_query("MATCH (n) RETURN count(n) AS c").records[0]["c"]
    if nodes == 0:
        import_dir = Path(_local("import-dir", "--port", str(port)))
        for csv in NORTHWIND.glob("*.csv"):
            shutil.copy(csv, import_dir / csv.name)
        _local("cypher", str(NORTHWIND / "northwind.cypher"), "--port", str(port))
    return uri


def run_child(uri: str, password: str, condition: str, think_s: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="neosense-demo-f5-") as tmp:
        out = Path(tmp) / "f5.json"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        env["XDG_DATA_HOME"] = env["XDG_CONFIG_HOME"] = env["XDG_STATE_HOME"] = tmp
        env.update(NEO4J_URI=uri, NEO4J_USERNAME="neo4j", NEO4J_PASSWORD=password)
        env["NEO4J_DATABASE"] = "neo4j"
        cmd = [
            sys.executable,
            "-m",
            "benchmarks.demo_first_f5",
            "--child",
            condition,
            "--think",
            str(think_s),
            "--json-out",
            str(out),
        ]
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0 or not out.exists():
            raise RuntimeError(f"child exited {proc.returncode}: {proc.stderr[-2000:]}")
        result: dict[str, Any] = json.loads(out.read_text())
        return result


async def _child(condition: str, think_s: float) -> dict[str, Any]:
    from keyring.backends import fail
    from PySide6.QtCore import QSettings

    from benchmarks.plan_warmup_cost import FirstRowTimes
    from benchmarks.ui_bench import f5_run
    from neosense_desktop.app import build_services, open_window
    from neosense_desktop.core.secrets import SecretStore
    from neosense_desktop.ui.query_preparer import PREPARE_KEY
    from neosense_desktop.ui.run_controller import WARMUP_TASK

    settings = QSettings(
        str(Path(os.environ["XDG_CONFIG_HOME"]) / "settings.ini"), QSettings.Format.IniFormat
    )
    settings.setValue(PREPARE_KEY, condition != "at-once")
    # The demo's password is the environment's (NEO4J_PASSWORD): no keyring is touched.
    services = build_services(settings, secrets=SecretStore(fail.Keyring()))
    result: dict[str, Any] = {"condition": condition}
    queries = FirstRowTimes()  # GraphClient's DEBUG query lines: server ms to the first row
    client_log = logging.getLogger("neosense_desktop.core.graph_client")
    client_log.addHandler(queries)
    client_log.setLevel(logging.DEBUG)
    t_open = time.perf_counter()
    async with open_window(services) as window:
        result["window_start_s"] = round(time.perf_counter() - t_open, 3)
        assert window.profiles.current_profile() is not None, "the demo connection is not selected"
        if condition == "think":
            await asyncio.sleep(think_s)  # a person reading the window: the point of it
        elif condition == "prepared":
            deadline = time.perf_counter() + PREPARE_TIMEOUT_S
            while not ((task := window.tasks.get(WARMUP_TASK)) is not None and task.done()):
                if time.perf_counter() > deadline:
                    raise TimeoutError("the window's preparation did not end")
                await asyncio.sleep(0.02)
            result["prepared_after_s"] = round(time.perf_counter() - t_open, 3)
            result["prepared_texts"] = task.result()
            result["status_bar"] = window.connection_status.text()
        first: dict[str, float] = {}
        queries.rows.clear()
        await f5_run(window, first)
        result["first_f5_server_ms"] = queries.by_name()
        warm: dict[str, float] = {}
        queries.rows.clear()
        await f5_run(window, warm)
        result["warm_f5_server_ms"] = queries.by_name()
        report = window.results.tree_model.report
        result["labels"] = len(report.labels) if report is not None else 0
    result["first_f5_s"] = first["full_report_s"]
    result["warm_f5_s"] = warm["full_report_s"]
    return result


def child_main(condition: str, think_s: float, json_out: Path) -> int:
    from benchmarks.ui_bench import run_on_qt_loop

    result = run_on_qt_loop(_child(condition, think_s))
    json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def summary(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| condition | first F5 on a just-started server | the same window's next F5 | "
        "preparation (from window start) | server restart | load |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for condition in CONDITIONS:
        mine = [r for r in rows if r["condition"] == condition]
        if not mine:
            continue

        def med(key: str, rs: list[dict[str, Any]] = mine) -> float:
            return float(statistics.median(r[key] for r in rs))

        prepared = f"{med('prepared_after_s'):.2f} s" if "prepared_after_s" in mine[0] else ""
        loads = [r["load_1min"] for r in mine]
        lines.append(
            f"| {condition} | {med('first_f5_s'):.2f} s | {med('warm_f5_s'):.2f} s | "
            f"{prepared} | {med('restart_s'):.1f} s | {min(loads)}-{max(loads)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int)
    p.add_argument("--passes", type=int, default=3)
    p.add_argument("--version", default="5.26.19", help="the server's, as neo4j-local takes it")
    p.add_argument("--think", type=float, default=3.0, help="seconds, the think condition")
    p.add_argument("--output", type=Path)
    p.add_argument("--child", choices=CONDITIONS, help=argparse.SUPPRESS)
    p.add_argument("--json-out", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        return child_main(args.child, args.think, args.json_out)
    if args.port is None:
        p.error("--port is required")
    password = os.environ.get("NEOSENSE_NEO4J_PASSWORD", "neosense-test")
    uri = ensure_northwind(args.port, args.version, password)
    rows: list[dict[str, Any]] = []
    for n in range(args.passes):
        order = CONDITIONS[n % len(CONDITIONS) :] + CONDITIONS[: n % len(CONDITIONS)]
        for condition in order:
            restart_s = restart(args.port, args.version)
            row = {"pass": n + 1, "restart_s": restart_s}
            row.update(run_child(uri, password, condition, args.think))
            row["load_1min"] = round(os.getloadavg()[0], 2)
            print(json.dumps(row), file=sys.stderr, flush=True)
            rows.append(row)
    print(
        f"Northwind on Neo4j {args.version}, first F5 after a server restart, "
        f"medians of {args.passes} passes"
    )
    print(summary(rows))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        result = {"version": args.version, "think_s": args.think, "rows": rows}
        args.output.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
