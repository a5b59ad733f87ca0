"""The composition root of the desktop app: QApplication, the qasync loop, services, window.

`main(args)` is called by `neosense_desktop.__main__` for every non-CLI invocation but
`--self-test` (ui/self_test.py, which builds its window through `build_services` and
`open_window` here); a file argument opens that report in the window.
Uncaught exceptions (slots, callbacks) go to an excepthook that logs them and shows a dialog.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import PySide6  # noqa: F401  (imported before qasync, which binds to it)
import qasync
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication, QWidget

from . import APP_ID, APP_NAME, __version__
from .core.logging_setup import configure_logging, log_file_path

if TYPE_CHECKING:  # the window's modules load once the app runs, after the QApplication
    from .core.secrets import SecretStore
    from .ui.main_window import MainWindow
    from .ui.services import ProbeFn, RunFactory, WindowServices

log = logging.getLogger(__name__)
# Long enough for any real display to paint a window; an offscreen or broken platform that
# never sends a paint event only delays the profiles this much.
FIRST_PAINT_TIMEOUT_S = 2.0

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]


def parse_args(args: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="neosense-desktop", description="NeoSense Desktop")
    p.add_argument("report", nargs="?", help="a saved report (JSON) to open")
    p.add_argument("--debug", action="store_true", help="log at DEBUG level")
    return p.parse_known_args(args)[0]


def make_excepthook(show: Callable[[BaseException], object]) -> ExceptHook:
    """Log the exception, then show it; never raise from the hook itself."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("uncaught exception", exc_info=(exc_type, exc, tb))
        try:
            show(exc)
        except Exception:  # the dialog itself failed: the log has it already
            log.exception("could not show the error dialog")

    return hook


def make_application(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setOrganizationName(APP_ID)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication([sys.argv[0] if sys.argv else APP_ID, *argv])
    app.setDesktopFileName(APP_ID)
    return app


def _prepare(app: QApplication) -> None:
    # The window closes itself once its tasks are cancelled; letting Qt quit on the last
    # window would stop the asyncio loop under the coroutine that is still finishing.
    app.setQuitOnLastWindowClosed(False)


def build_services(
    settings: QSettings | None = None,
    *,
    make_run: RunFactory | None = None,
    probe: ProbeFn | None = None,
    secrets: SecretStore | None = None,
) -> WindowServices:
    """The window's collaborators on the user's folders; tests and the self-test pass a
    private QSettings, and tests a fault-injecting run factory or probe."""
    from .core.baselines import BaselineStore
    from .core.paths import runs_dir
    from .core.profiles import ProfileStore, default_profiles_path
    from .core.runs import RunStore
    from .core.secrets import SecretStore
    from .ui.services import WindowServices

    # Without an injected make_run or probe, runs and Test connection borrow the services'
    # warm drivers (core/client_pool.py); the window's shutdown closes them.
    return WindowServices(
        profiles=ProfileStore(default_profiles_path()),
        secrets=secrets if secrets is not None else SecretStore(),
        runs=RunStore(runs_dir()),
        baselines=BaselineStore(),
        settings=settings if settings is not None else QSettings(),
        make_run=make_run,
        probe=probe,
    )


@asynccontextmanager
async def open_window(
    services: WindowServices, on_painted: Callable[[MainWindow], object] | None = None
) -> AsyncIterator[MainWindow]:
    """The main window, shown, its log panel attached and start() done; closed on exit.

    The window paints before start() reads the profiles and the saved runs: that is what
    loads pydantic and the models (issue 16). on_painted(window) is called right after the
    first paint (scripts/measure-startup's probe, tests of what loads before it)."""
    from .ui import preload
    from .ui.log_panel import QtLogHandler
    from .ui.main_window import MainWindow

    window = MainWindow(services)
    handler = QtLogHandler()
    logging.getLogger().addHandler(handler)
    window.log_panel.attach(handler)
    window.log_panel.file_label.setText(f"Log file: {log_file_path()}")
    try:
        window.show()
        await first_paint(window)
        if on_painted is not None:
            on_painted(window)
        await window.start()
        preload.schedule()  # the driver and co., once the window has painted
        yield window
    finally:
        logging.getLogger().removeHandler(handler)
        if not window.finished_closing:
            await window.shutdown()


class _PaintWatch(QObject):
    """Resolves a future once the watched widget has handled its first paint event."""

    def __init__(self, done: asyncio.Future[None]) -> None:
        super().__init__()
        self._done = done

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done.done():
            # Resolved on the next loop turn, after the paint itself has run.
            self._done.get_loop().call_soon(self._resolve)
        return False

    def _resolve(self) -> None:
        if not self._done.done():
            self._done.set_result(None)


async def first_paint(window: QWidget, timeout_s: float = FIRST_PAINT_TIMEOUT_S) -> None:
    """Wait, on the running loop, until the shown window has painted.

    Not QApplication.processEvents() from this coroutine: that runs other tasks' wake-ups
    inside this task's step, qasync refuses them ("Cannot enter into task ... while another
    task is being executed") and they are lost, so whoever awaited them hangs for ever (the
    report-argument start-up test did, whenever its own timer fell due during the paint).
    A platform that never paints (no display) lets the window go on after timeout_s."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    watch = _PaintWatch(done)
    window.installEventFilter(watch)
    try:
        await asyncio.wait_for(done, timeout_s)
    except TimeoutError:
        log.debug("no paint event within %.1f s; going on", timeout_s)
    finally:
        window.removeEventFilter(watch)


def _print_startup_probe(_window: MainWindow) -> None:
    """scripts/measure-startup: say when the window is up and painted."""
    print(f"startup-probe shown_at={time.time():.3f}", flush=True)


async def run_window(app: QApplication, report: Path | None) -> int:
    """Build the services and the window, and run until the window has closed."""
    from .ui.icons import app_icon

    _prepare(app)
    app.setWindowIcon(app_icon())
    previous_hook = sys.excepthook
    probe = _print_startup_probe if os.environ.get("NEOSENSE_STARTUP_PROBE") else None
    async with open_window(build_services(), on_painted=probe) as window:
        sys.excepthook = make_excepthook(window.show_error)
        closed = asyncio.Event()
        window.closed.connect(closed.set)
        app.aboutToQuit.connect(closed.set)
        try:
            if probe is not None:  # scripts/measure-startup: the probe line is out, quit
                window.close()
            if report is not None:
                window.files.open_dropped(report)
            await closed.wait()
        finally:
            sys.excepthook = previous_hook
    return 0


def main(args: list[str]) -> int:
    options = parse_args(args)
    configure_logging(logging.DEBUG if options.debug else logging.INFO)
    log.info("NeoSense %s starting", __version__)
    app = make_application(args)
    report = Path(options.report) if options.report else None
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        return runner.run(run_window(app, report))
