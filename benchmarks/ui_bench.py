"""UI responsiveness for scripts/bench --ui: the real main window, offscreen, in a child process.

One 5 ms heartbeat (a precise QTimer) over every phase:
  1. a real extraction run on the benchmark graph (the server scripts/bench started), when
     --uri is given;
  2. a 2,000-label x 50-property report: showing it in the tree, charts and schema picture,
     expanding, scrolling, filtering, sorting, switching to the picture, selecting from it.
Every gap between heartbeats is kept; the largest and the 99th percentile are the stalls.
Peak RSS is the child's ru_maxrss: the whole app, Qt included.

The child is `python -m benchmarks.ui_bench [--uri URI] [--json-out FILE]`; the password
comes in NEOSENSE_UI_BENCH_PASSWORD, never on the command line. Run alone (offscreen), it
prints the JSON, with each phase's time, largest and p99 stall.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
HEARTBEAT_MS = 5
PASSWORD_ENV = "NEOSENSE_UI_BENCH_PASSWORD"


def run_ui_bench(
    uri: str, password: str, graph_dir: Path, timeout_s: float = 3600
) -> dict[str, Any]:
    """Run the child process; return {"max_stall_ms", "p99_stall_ms", "peak_rss_mb", ...}."""
    with tempfile.TemporaryDirectory(prefix="neosense-ui-bench-") as tmp:
        out = Path(tmp) / "ui.json"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{PASSWORD_ENV: password})
        env["XDG_DATA_HOME"] = env["XDG_CONFIG_HOME"] = env["XDG_STATE_HOME"] = tmp
        cmd = [sys.executable, "-m", "benchmarks.ui_bench", "--uri", uri, "--json-out", str(out)]
        proc = subprocess.run(
            cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout_s
        )
        if proc.returncode != 0 or not out.exists():
            raise RuntimeError(f"ui bench exited {proc.returncode}: {proc.stderr[-1500:]}")
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _child(args: argparse.Namespace) -> dict[str, Any]:
    from keyring.backends import fail
    from PySide6.QtCore import QSettings, Qt, QTimer

    from neosense_desktop.core.connection import ConnectionSettings
    from neosense_desktop.core.profiles import Profile, ProfileStore
    from neosense_desktop.core.runs import RunStore
    from neosense_desktop.core.secrets import SecretStore
    from neosense_desktop.ui import preload
    from neosense_desktop.ui.main_window import MainWindow
    from neosense_desktop.ui.report_nodes import COL_COUNT
    from neosense_desktop.ui.services import WindowServices
    from tests.ui.report_factory import make_report

    gaps: list[float] = []
    phase_gaps: dict[str, list[float]] = {}
    last = [time.perf_counter()]
    current: list[list[float] | None] = [None]

    def beat() -> None:
        now = time.perf_counter()
        gap = (now - last[0]) * 1000
        last[0] = now
        bucket = current[0]
        if bucket is not None:
            bucket.append(gap)
            gaps.append(gap)

    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(beat)

    tmp = Path(tempfile.mkdtemp(prefix="neosense-ui-"))
    window = MainWindow(
        WindowServices(
            profiles=ProfileStore(tmp / "profiles.json", env={}),
            secrets=SecretStore(fail.Keyring()),
            runs=RunStore(tmp / "runs"),
            settings=QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat),
        )
    )
    window.resize(1280, 820)
    window.show()
    await window.start()
    preload.import_now()  # what the app imports after its first paint (app.open_window)
    heartbeat.start()
    timings: dict[str, float] = {}
    rss_after: dict[str, float] = {}  # peak RSS (MiB) of the process when each phase ended

    async def phase(name: str, work: Any) -> Any:
        bucket: list[float] = []
        phase_gaps[name] = bucket
        await asyncio.sleep(0.05)
        last[0] = time.perf_counter()
        current[0] = bucket
        t0 = time.perf_counter()
        result = await work() if asyncio.iscoroutinefunction(work) else work()
        if asyncio.iscoroutine(result):
            result = await result
        await asyncio.sleep(0.05)  # let the heartbeat see the stall the last step caused
        current[0] = None
        timings[name] = round(time.perf_counter() - t0, 3)
        rss_after[name] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        return result

    report = None
    if args.uri:
        password = os.environ.get(PASSWORD_ENV, "")
        connection = ConnectionSettings(uri=args.uri, user=args.user)
        await window.profiles.save_profile(Profile(name="bench", connection=connection), password)
        window.runs.query_timeout.setValue(min(window.runs.query_timeout.maximum(), 1800))
        report = await phase("extraction run", window.runs.run_extraction)
    labels_found = len(report.labels) if report is not None else 0

    big = make_report(labels=args.labels, properties=args.properties, types=40)
    window.tabs.setCurrentIndex(1)
    await phase(
        f"show {args.labels}x{args.properties} report",
        lambda: window.results.show_report(big, "ui bench"),
    )
    labels = window.results.proxy.index(1, 0)
    await phase("expand Labels", lambda: window.results.tree.expand(labels))
    await phase(
        "expand one label",
        lambda: window.results.tree.expand(window.results.proxy.index(0, 0, labels)),
    )
    await phase("scroll to the end", window.results.tree.scrollToBottom)
    await phase("filter 'prop49'", lambda: window.results.proxy.set_filter_text("prop49"))
    await phase("filter 'label1999'", lambda: window.results.proxy.set_filter_text("label1999"))
    await phase("clear filter", lambda: window.results.proxy.set_filter_text(""))
    await phase(
        "sort by count",
        lambda: window.results.tree.header().setSortIndicator(
            COL_COUNT, Qt.SortOrder.DescendingOrder
        ),
    )
    await phase("schema tab", lambda: window.tabs.setCurrentIndex(2))
    await phase("select from schema", lambda: window.results.select_in_tree(("label", "Label7")))
    heartbeat.stop()
    run_mode = str(window.runs.mode_box.currentData()) if hasattr(window, "mode_box") else None
    await window.shutdown()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "max_stall_ms": round(max(gaps, default=0.0), 1),
        "p99_stall_ms": round(_percentile(gaps, 0.99), 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "phases": {
            name: {
                "seconds": timings.get(name),
                "max_stall_ms": round(max(b, default=0.0), 1),
                "p99_stall_ms": round(_percentile(b, 0.99), 1),
                "heartbeats": len(b),
                "peak_rss_mb_so_far": rss_after.get(name),
            }
            for name, b in phase_gaps.items()
        },
        "labels_found_by_run": labels_found,
        "run_mode": run_mode,
        "heartbeat_ms": HEARTBEAT_MS,
    }


def main() -> int:
    import PySide6  # noqa: F401  (Qt first, then qasync picks the binding)
    import qasync
    from PySide6.QtWidgets import QApplication

    p = argparse.ArgumentParser(prog="ui_bench")
    p.add_argument(
        "--uri", help=f"also time a real run on this server (password in ${PASSWORD_ENV})"
    )
    p.add_argument("--user", default="neo4j")
    p.add_argument("--labels", type=int, default=2000)
    p.add_argument("--properties", type=int, default=50)
    p.add_argument("--json-out", type=Path, help="write the figures here as JSON")
    p.add_argument(
        "--no-gc-freeze",
        action="store_true",
        help="measure without the window's gc.freeze() policy (results_pane._gc_policy)",
    )
    args = p.parse_args()
    if args.no_gc_freeze:
        from neosense_desktop.ui import results_pane

        results_pane._gc_policy = lambda: None
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        result = runner.run(_child(args))
    text = json.dumps(result, indent=2) + "\n"
    if args.json_out:
        args.json_out.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
