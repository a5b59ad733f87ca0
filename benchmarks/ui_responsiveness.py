"""GUI benchmark: a 2,000-label x 50-property report in the real window, offscreen.

Measures how long showing, filtering, sorting and expanding take, and the longest stall of
the event loop (a 10 ms QTimer that records its largest gap) while they happen, and while a
real extraction runs when a server is given.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.ui_responsiveness \
        [--labels 2000 --properties 50] [--uri bolt://127.0.0.1:7702 --password ...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import PySide6  # noqa: F401  (before qasync)
import qasync
from keyring.backends import fail
from PySide6.QtCore import QElapsedTimer, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class StallMeter:
    """A 10 ms timer; the largest gap between its ticks is the longest UI stall."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.worst_ms = 0.0
        self._last = 0

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.worst_ms = max(self.worst_ms, float(now - self._last))
        self._last = now

    def start(self) -> None:
        self.worst_ms = 0.0
        self.clock.start()
        self._last = 0
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.worst_ms


async def bench(args: argparse.Namespace) -> None:
    from neosense_desktop.core.connection import ConnectionSettings
    from neosense_desktop.core.profiles import Profile, ProfileStore
    from neosense_desktop.core.secrets import SecretStore
    from neosense_desktop.ui.main_window import MainWindow
    from neosense_desktop.ui.report_model import COL_COUNT
    from tests.ui.report_factory import make_report

    tmp = Path(tempfile.mkdtemp(prefix="neosense-bench-"))
    window = MainWindow(
        profiles=ProfileStore(tmp / "profiles.json", env={}),
        secrets=SecretStore(fail.Keyring()),
        runs_root=tmp / "runs",
        settings=QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat),
    )
    window.resize(1280, 820)
    window.show()
    await window.start()
    meter = StallMeter()
    report = make_report(labels=args.labels, properties=args.properties, types=40)

    async def step(name: str, coro_or_fn: object) -> None:
        meter.start()
        t0 = time.perf_counter()
        if asyncio.iscoroutine(coro_or_fn):
            await coro_or_fn
        else:
            coro_or_fn()  # type: ignore[operator]
        window.repaint()
        await asyncio.sleep(0.05)
        took = time.perf_counter() - t0 - 0.05
        print(f"{name:<38} {took * 1000:9.1f} ms   longest stall {meter.stop():7.1f} ms")

    print(f"report: {args.labels} labels x {args.properties} properties")
    window.tabs.setCurrentIndex(1)
    await step("show report (tree, charts, layout)", window.show_report(report, "bench"))
    labels = window.proxy.index(1, 0)
    await step("expand Labels", lambda: window.tree.expand(labels))
    await step("expand one label", lambda: window.tree.expand(window.proxy.index(0, 0, labels)))
    await step("scroll to the end", lambda: window.tree.scrollToBottom())
    await step("filter 'prop49'", lambda: window.proxy.set_filter_text("prop49"))
    await step("filter 'label1999'", lambda: window.proxy.set_filter_text("label1999"))
    await step("clear filter", lambda: window.proxy.set_filter_text(""))
    await step(
        "sort by count (header click)",
        lambda: window.tree.header().setSortIndicator(COL_COUNT, Qt.SortOrder.DescendingOrder),
    )
    await step("switch to schema tab", lambda: window.tabs.setCurrentIndex(2))
    await step("select in tree from schema key", lambda: window.select_in_tree("label:Label7"))

    if args.uri:
        profile = Profile(name="bench", connection=ConnectionSettings(uri=args.uri, user=args.user))
        await window.save_profile(profile, args.password)
        meter.start()
        t0 = time.perf_counter()
        result = await window.run_extraction()
        took = time.perf_counter() - t0
        print(
            f"{'extraction run on ' + args.uri:<38} {took * 1000:9.1f} ms   "
            f"longest stall {meter.stop():7.1f} ms   labels={len(result.labels) if result else 0}"
        )
    await window.shutdown()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--labels", type=int, default=2000)
    p.add_argument("--properties", type=int, default=50)
    p.add_argument("--uri")
    p.add_argument("--user", default="neo4j")
    p.add_argument("--password", default=os.environ.get("NEOSENSE_NEO4J_PASSWORD", "neosense-test"))
    args = p.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.run(bench(args))


if __name__ == "__main__":
    main()
