"""The composition root and desktop conventions: start-up with a report argument, the
excepthook, drag-and-drop, dialogs without exec(), settings restore, About, logs, keys,
dark palette icons, and the task registry."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import types
from pathlib import Path

import pytest
from keyring.backends import fail
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QSettings, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLineEdit,
    QToolButton,
)

from neosense_desktop import __main__ as entry_point
from neosense_desktop import app as app_module
from neosense_desktop.core.export import save_report
from neosense_desktop.core.logging_setup import MASK, REDACTOR
from neosense_desktop.core.secrets import SecretStore
from neosense_desktop.ui import icons
from neosense_desktop.ui.about import AboutDialog
from neosense_desktop.ui.main_window import MainWindow
from neosense_desktop.ui.report_files import default_report_name
from neosense_desktop.ui.tasks import TaskRegistry
from tests.ui.helpers import child_named, child_names, wait_for, wait_for_widget
from tests.ui.report_factory import make_report
from tests.ui.window_support import open_window


def _choose(dialog: QFileDialog, path: Path) -> None:
    """Type a path in Qt's own file dialog and accept, as a user would."""
    name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
    assert isinstance(name_edit, QLineEdit)
    name_edit.setText(str(path))
    dialog.accept()


def _saved_report(folder: Path, name: str = "saved.json", labels: int = 3) -> Path:
    return save_report(make_report(labels=labels), folder / name)


async def test_app_opens_a_report_argument_and_exits_cleanly(tmp_path: Path) -> None:
    path = _saved_report(tmp_path)
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    hook_before = sys.excepthook
    task = asyncio.ensure_future(app_module.run_window(qapp, path))
    window = await wait_for_widget(MainWindow, "main-window")
    assert isinstance(window, MainWindow)
    await wait_for(lambda: window.results.report is not None, 10, "the report argument to open")
    assert window.results.report is not None and window.results.report.run.id == "run-test"
    assert str(path) in window.results.overview_text.text()

    # Uncaught exceptions are logged and shown, never lost.
    assert sys.excepthook is not hook_before
    try:
        raise ValueError("boom from a slot")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert any("boom from a slot" in b.text() for b in window.error_dialogs), [
        (b.text(), t) for b in window.error_dialogs for _l, t in window.log_panel.records
    ]
    await wait_for(
        lambda: any("uncaught exception" in t for _lv, t in window.log_panel.records),
        5,
        "the log panel to show the exception",
    )
    for box in list(window.error_dialogs):
        box.accept()

    window.close()
    assert await asyncio.wait_for(task, 20) == 0
    assert window.finished_closing and not window.isVisible()
    assert sys.excepthook is hook_before
    log_file = Path(app_module.configure_logging.__globals__["log_file_path"]())
    del log_file  # run_window alone does not configure logging; main() does (below)


def test_excepthook_logs_and_shows(caplog: pytest.LogCaptureFixture) -> None:
    shown: list[BaseException] = []
    hook = app_module.make_excepthook(shown.append)
    err = RuntimeError("unexpected")
    with caplog.at_level(logging.CRITICAL):
        hook(RuntimeError, err, None)
    assert shown == [err]
    assert "uncaught exception" in caplog.text

    def broken(_exc: BaseException) -> None:
        raise OSError("no display")

    app_module.make_excepthook(broken)(RuntimeError, err, None)  # must not raise


def test_self_test_flag_is_routed(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[bool] = []
    module = types.ModuleType("neosense_desktop.ui.self_test")
    module.run_self_test = lambda: called.append(True) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "neosense_desktop.ui.self_test", module)
    assert entry_point.main(["--self-test"]) == 0
    assert called == [True]


async def test_drop_a_report_file_opens_it(tmp_path: Path) -> None:
    path = _saved_report(tmp_path, labels=5)
    async with open_window(SecretStore(fail.Keyring())) as window:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        event = QDropEvent(
            QPoint(10, 10).toPointF(),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        window.dropEvent(event)
        await wait_for(lambda: window.results.report is not None, 10, "dropped report")
        assert window.results.report is not None and len(window.results.report.labels) == 5


async def test_bad_report_file_shows_its_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    async with open_window(SecretStore(fail.Keyring())) as window:
        window.tasks.start("open", window.files.open_report(bad))
        await wait_for(lambda: window.error_dialogs, 10, "error dialog")
        box = window.error_dialogs[0]
        assert box.isVisible() and "bad.json" in box.text() + box.detailedText()
        assert window.results.report is None
        box.accept()


async def test_export_and_open_through_file_dialogs(tmp_path: Path) -> None:
    source = _saved_report(tmp_path, "in.json", labels=4)
    async with open_window(SecretStore(fail.Keyring())) as window:
        await window.files.open_report(source)
        # Ctrl+S: a non-blocking save dialog with the default name.
        assert window.act_save.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
        window.act_save.trigger()
        dialog = await wait_for_widget(QFileDialog, "save-file-dialog")
        assert isinstance(dialog, QFileDialog)
        assert "in-neo4j-20260102-030405.json" in dialog.selectedFiles()[0]
        target = tmp_path / "out.json"
        _choose(dialog, target)
        await wait_for(lambda: not window.tasks.running("export"), 10)
        assert target.exists()
        # Ctrl+O
        window.act_open.trigger()
        dialog = await wait_for_widget(QFileDialog, "open-file-dialog")
        assert isinstance(dialog, QFileDialog)
        _choose(dialog, target)
        await wait_for(lambda: window.results.source == str(target), 10, "reopened")


async def test_what_start_up_made_is_frozen_for_the_window_s_life() -> None:
    """The modules and classes loaded at start-up are out of the collector's reach while
    the window is open (a full collection walking them stalled a run by 41 ms), and
    collectable again once it closes."""
    gc.unfreeze()
    async with open_window(SecretStore(fail.Keyring())):
        assert gc.get_freeze_count() > 20_000
        in_reach = gc.get_objects()
        assert len(in_reach) < gc.get_freeze_count() / 4
        del in_reach
    assert gc.get_freeze_count() == 0


def test_default_report_name_is_safe() -> None:
    from datetime import datetime

    name = default_report_name("Prod / EU: main", "", datetime(2026, 5, 6, 7, 8, 9))
    assert name == "Prod-EU-main-default-20260506-070809.json"


async def test_geometry_and_splitters_are_restored() -> None:
    async with open_window(SecretStore(fail.Keyring())) as window:
        # Smaller than the 1280x820 a new window gets (Qt keeps it within its minimum
        # size and the 800x600 offscreen screen).
        window.resize(780, 560)
        await asyncio.sleep(0.05)
        window.splitter.setSizes([250, 500])
        saved_size = window.size()
        assert saved_size.width() < 1280
        window.log_panel.set_level(logging.WARNING)
        sizes = window.splitter.sizes()
        window.close()
        await wait_for(lambda: window.finished_closing, 10)
    assert QSettings().value("window/geometry") is not None
    async with open_window(SecretStore(fail.Keyring())) as again:
        again.restore_state()
        await asyncio.sleep(0.05)
        assert again.size() == saved_size
        assert again.splitter.sizes() == sizes
        assert again.log_panel.level == logging.WARNING


async def test_about_shows_versions() -> None:
    async with open_window(SecretStore(fail.Keyring())) as window:
        await window.results.show_report(make_report(), "test")
        window.act_about.trigger()
        dialog = await wait_for_widget(AboutDialog, "about-dialog")
        assert isinstance(dialog, AboutDialog)
        names = dict(dialog.rows)
        assert names["Neo4j server"] == "5.26.0 community"
        assert names["Qt"].startswith("6.") and names["Neo4j Python driver"]
        assert names["Keyring"].endswith("fail.Keyring")
        dialog.reject()


async def test_log_panel_filters_by_level_and_never_shows_a_password() -> None:
    async with open_window(SecretStore(fail.Keyring())) as window:
        panel = window.log_panel
        REDACTOR.register("Pa55-word-in-log")
        log = logging.getLogger("neosense_desktop.test")
        log.info("info line with Pa55-word-in-log")
        log.warning("warning line")
        await wait_for(lambda: "warning line" in panel.visible_text(), 5)
        assert "Pa55-word-in-log" not in panel.visible_text()
        assert f"info line with {MASK}" in panel.visible_text()
        panel.set_level(logging.WARNING)
        assert "info line" not in panel.visible_text()
        assert "warning line" in panel.visible_text()
        panel.set_level(logging.DEBUG)
        assert "info line" in panel.visible_text()


async def test_standard_shortcuts_and_keyboard_reachability() -> None:
    async with open_window(SecretStore(fail.Keyring())) as window:
        shortcuts = {a.shortcut().toString() for a in window.actions()}
        for key in ("F5", "Esc", "Ctrl+S", "Ctrl+O", "Ctrl+F", "Ctrl+C", "Ctrl+Q", "Ctrl+N"):
            assert key in shortcuts, key
        # Every control takes keyboard focus.
        kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView)
        # Toolbar buttons repeat menu actions, which the keyboard reaches through the menus.
        skip = (QToolButton, QHeaderView)
        for kind in kinds:
            for widget in window.findChildren(kind):
                internal = widget.objectName().startswith("qt_")  # Qt's own corner buttons
                if internal or isinstance(widget, skip) or not widget.isEnabled():
                    continue
                assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus, widget
        # Tabs are reachable with Alt+1..6.
        tab_keys = {f"Alt+{i}" for i in range(1, 7)}
        assert tab_keys <= shortcuts
        window.results.focus_filter()
        assert window.tabs.currentIndex() == 1


async def test_a_filter_applied_now_is_not_started_again_by_the_pending_debounce() -> None:
    """Typing starts a 200 ms debounce; applying the text at once (as the test below does)
    made the debounce fire later with the same text and cancel the filter being awaited,
    the cause of that test's CancelledError in 2 of 5 runs."""
    async with open_window(SecretStore(fail.Keyring())) as window:
        await window.results.show_report(make_report(labels=5, properties=2), "test")
        window.results.filter_edit.setText("label1")  # starts the debounce
        window.results.apply_filter()
        applied = window.tasks.get("filter")
        assert applied is not None
        await asyncio.sleep(0.5)  # well past the 200 ms debounce
        assert window.tasks.get("filter") is applied
        assert not applied.cancelled() and applied.result() == "label1"


async def test_a_filter_typed_while_the_report_is_prepared_ends_with_the_latest_text() -> None:
    """Filtering waits for the search texts made in a worker thread; a newer filter cancels
    the one still waiting, and the tree ends filtered by the latest text, opened to it."""
    async with open_window(SecretStore(fail.Keyring())) as window:
        report = make_report(labels=1500, properties=20)
        reset = asyncio.Event()
        window.results.tree_model.modelReset.connect(reset.set)
        showing = asyncio.ensure_future(window.results.show_report(report, "test"))
        await reset.wait()
        prepared = window.tasks.get("prepare-report")
        assert prepared is not None and not prepared.done()
        window.results.filter_edit.setText("prop7")
        window.results.apply_filter()
        first = window.tasks.get("filter")
        window.results.filter_edit.setText(" Label99 ")
        window.results.apply_filter()
        latest = window.tasks.get("filter")
        assert first is not None and latest is not None and latest is not first
        assert await latest == "label99"
        assert first.cancelled() and prepared.done()
        assert window.results.proxy.needle == "label99"
        proxy = window.results.proxy
        assert child_names(proxy) == ["Labels"]
        labels = child_named(proxy, QModelIndex(), "Labels")
        assert child_names(proxy, labels) == ["Label99", *(f"Label{i}" for i in range(990, 1000))]
        # 11 labels of 20 properties would be 231 rows: over the budget, so they stay shut.
        assert window.results.tree.isExpanded(labels)
        assert not window.results.tree.isExpanded(proxy.index(0, 0, labels))
        await showing
        # A narrow filter opens all the way down.
        assert await window.results.filter_tree("label1499") == "label1499"
        labels = child_named(proxy, QModelIndex(), "Labels")
        assert window.results.tree.isExpanded(proxy.index(0, 0, labels))
        assert child_names(proxy, proxy.index(0, 0, labels))[:2] == ["prop0", "prop1"]


async def test_results_tree_paints_on_the_loop_turn_after_laying_out_rows() -> None:
    """Laying out 2,000 rows and painting them are two turns of the loop, not one block:
    the viewport holds its repaint while rows are laid out, then repaints."""
    async with open_window(SecretStore(fail.Keyring())) as window:
        window.tabs.setCurrentIndex(1)
        await window.results.show_report(make_report(labels=2000, properties=2), "test")
        await asyncio.sleep(0.05)
        viewport = window.results.tree.viewport()
        assert viewport.updatesEnabled()
        labels = child_named(window.results.proxy, QModelIndex(), "Labels")
        window.results.tree.expand(labels)
        assert window.results.tree.isExpanded(labels) and not viewport.updatesEnabled()
        await asyncio.sleep(0)
        await asyncio.sleep(0.02)
        assert viewport.updatesEnabled()
        window.results.proxy.sort(1, Qt.SortOrder.AscendingOrder)  # a relayout, on a timer
        states = []
        for _ in range(50):  # loop turns: laid out on one, painted on a later one
            await asyncio.sleep(0)
            states.append(viewport.updatesEnabled())
        assert False in states and states[-1]
        assert window.results.tree.visualRect(window.results.proxy.index(0, 0, labels)).isValid()
        assert window.results.proxy.index(0, 0, labels).data() == "Label1999"


def test_icons_follow_a_dark_palette(qapp: QApplication) -> None:
    light = qapp.palette()
    try:
        icons.clear_cache()
        light_px = icons.kind_icon("label").pixmap(32, 32).toImage()
        dark = QPalette(light)
        dark.setColor(QPalette.ColorRole.Window, QColor(0x20, 0x20, 0x20))
        dark.setColor(QPalette.ColorRole.WindowText, QColor(0xEE, 0xEE, 0xEE))
        qapp.setPalette(dark)
        assert icons.palette_is_dark()
        icons.clear_cache()
        dark_px = icons.kind_icon("label").pixmap(32, 32).toImage()
        # The outline flips to stay visible on the background.
        edge_light = QColor(light_px.pixel(16, 5)).lightness()
        edge_dark = QColor(dark_px.pixel(16, 5)).lightness()
        assert edge_dark > edge_light
        # High-DPI: a 2x pixmap exists.
        sizes = {(s.width(), s.height()) for s in icons.kind_icon("label").availableSizes()}
        assert (64, 64) in sizes or any(w >= 32 for w, _ in sizes)
    finally:
        qapp.setPalette(light)
        icons.clear_cache()


async def test_task_registry_preempts_reports_and_cancels() -> None:
    errors: list[tuple[str, BaseException]] = []
    reg = TaskRegistry(on_error=lambda n, e: errors.append((n, e)))
    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.sleep(3600)

    first = reg.start("probe", forever())
    await started.wait()
    second = reg.start("probe", forever())
    assert first is not None and second is not None
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert first.cancelled() and reg.running("probe")

    async def fails() -> None:
        raise KeyError("lost?")

    reg.start("bad", fails())
    await wait_for(lambda: errors, 5)
    assert errors[0][0] == "bad" and isinstance(errors[0][1], KeyError)
    assert errors == [errors[0]]  # cancellation is not an error

    await reg.cancel_all()
    assert second.cancelled() and reg.active == []
    assert reg.start("late", forever()) is None


_DRIVE_MAIN = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from neosense_desktop import app as app_module
from neosense_desktop.ui.main_window import MainWindow

def close_when_ready():
    live = [w for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.isVisible()]
    if live and live[0].results.report is not None and not live[0].tasks.running("open"):
        print("LABELS", len(live[0].results.report.labels))
        print("LOGLABEL", live[0].log_panel.file_label.text())
        live[0].close()
    else:
        QTimer.singleShot(100, close_when_ready)

QTimer.singleShot(100, close_when_ready)
print("RC", app_module.main(sys.argv[1:]))
"""


def test_main_starts_logs_to_file_and_exits(tmp_path: Path) -> None:
    """The real entry point, as `neosense-desktop REPORT.json` runs it, in its own process
    (one qasync loop per process, as in the app); a timer closes the window."""
    import subprocess

    from neosense_desktop.core.logging_setup import log_file_path

    path = _saved_report(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", _DRIVE_MAIN, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert "RC 0" in out.stdout, out.stderr[-3000:]
    assert "LABELS 3" in out.stdout
    assert f"LOGLABEL Log file: {log_file_path()}" in out.stdout
    text = log_file_path().read_text()
    assert "NeoSense" in text and "starting" in text and f"opened report {path}" in text
