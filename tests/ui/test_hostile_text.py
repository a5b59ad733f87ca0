"""Text from a report or a database is never rich text in the window (issue 12, finding 1).

Every string of a report is `<img src='FIFO'>`, FIFO being a named pipe: a widget that
renders that text as rich text makes Qt open the pipe (and, with no writer, hang the GUI
thread). A watcher thread stands in as the pipe's writer: it sees any reader that opens
the pipe (and lets that reader go, so a failing test fails instead of hanging). The
window is walked widget by widget (labels, tooltips of widgets, scene items and model
items, text edits, tabs, message boxes, actions), each tooltip is shown and each tab is
painted, so rich text would be rendered, not only stored.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QGraphicsView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QToolTip,
    QWidget,
)

from neosense_desktop.core.report import Report
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import child_named, settle, wait_for, wait_for_widget
from tests.ui.report_factory import make_report
from tests.ui.window_support import add_profile, open_window

TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
DISPLAY = int(Qt.ItemDataRole.DisplayRole)


_WATCHER = r"""
import errno, os, sys, time
path = sys.argv[1]
while True:
    # A non-blocking open for writing fails with ENXIO unless a reader has the pipe open
    # (or is blocked opening it); when it succeeds, closing it gives that reader
    # end-of-file, so an app that opened the pipe is let go instead of hanging.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno != errno.ENXIO:
            raise
    else:
        os.close(fd)
        print("opened", flush=True)
    time.sleep(0.002)
"""


class FifoWatch:
    """A named pipe that nothing may open; `opened` is set when something does.

    The watcher is a process, not a thread: a GUI thread blocked opening the pipe inside
    a Qt call may hold the GIL, and a thread could then never let it go.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self.opened = threading.Event()
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _WATCHER, str(path)], stdout=subprocess.PIPE, text=True
        )
        self._reader = threading.Thread(target=self._read, name="fifo-watch", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            if line.strip() == "opened":
                self.opened.set()

    def seen(self, wait_s: float = 0.3) -> bool:
        """Whether the pipe was opened (after letting the watcher report for wait_s)."""
        return self.opened.wait(wait_s)

    def forget(self, quiet_s: float = 0.3, within_s: float = 5.0) -> None:
        """Forget the opens seen so far, once the watcher has reported none for quiet_s.

        One open can be reported more than once (the watcher's loop meets the reader
        again before it has let go), and a late report after a bare clear() made the
        next check fail although nothing opened the pipe again (CI, once)."""
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            self.opened.clear()
            if not self.opened.wait(quiet_s):
                return
        raise AssertionError(f"the pipe kept being opened for {within_s:g} s")

    def close(self) -> None:
        self._proc.kill()
        self._proc.wait(5)
        self._reader.join(5)


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[FifoWatch]:
    # In a folder of its own: the Open dialog lists the report's folder, not this one.
    folder = tmp_path / "pipe"
    folder.mkdir()
    watch = FifoWatch(folder / "fifo")
    yield watch
    watch.close()


def test_the_fifo_watch_sees_a_label_that_renders_rich_text(qtbot, fifo: FifoWatch) -> None:  # type: ignore[no-untyped-def]
    """The check below can fail: a QLabel left to guess (AutoText) opens the pipe."""
    label = QLabel()
    qtbot.addWidget(label)
    label.setText(f"<img src='{fifo.path}'>")
    label.show()
    label.grab()
    assert fifo.seen(5)
    label.hide()  # no repaint of the rich label may open the pipe again
    fifo.forget()
    plain = QLabel()
    qtbot.addWidget(plain)
    plain.setTextFormat(Qt.TextFormat.PlainText)
    plain.setText(f"<img src='{fifo.path}'>")
    plain.show()
    plain.grab()
    assert not fifo.seen()


def _string_paths(value: object, path: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _string_paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _string_paths(v, (*path, i))


def _set(data: object, path: tuple[object, ...], value: object) -> None:
    for part in path[:-1]:
        data = data[part]  # type: ignore[index]
    data[path[-1]] = value  # type: ignore[index]


def hostile_report(payload: str) -> tuple[Report, int]:
    """make_report() with every string the schema lets be any string set to payload;
    returns the report and how many strings were replaced."""
    data = make_report(labels=3, properties=3, types=2).model_dump(mode="json")
    data["notes"] = ["a note"]
    data["statistics"]["supernodes"] = [{"labels": ["L"], "element_id": "4:x:1", "degree": 9}]
    data["label_combinations"] = [{"labels": ["A", "B"], "count": 3}]
    data["activities"]["schema"] = {
        "status": "failed",
        "duration_s": 0.1,
        "error": {"code": "query_failed", "message": "m", "suggestions": ["s"]},
    }
    original = json.loads(json.dumps(data))
    paths = list(_string_paths(data))
    for path in paths:
        _set(data, path, payload)
    kept = set(paths)
    # The format version is checked before anything is shown (the error box that refuses
    # it is tested with its own file).
    _set(data, ("schema_version",), original["schema_version"])
    kept.discard(("schema_version",))
    while True:
        try:
            report = Report.model_validate(data)
        except ValidationError as exc:  # a constrained field (enum, date...): put it back
            for err in exc.errors():
                loc = tuple(err["loc"])
                for path in [p for p in kept if p[: len(loc)] == loc or loc[: len(p)] == p]:
                    value: object = original
                    for part in path:
                        value = value[part]  # type: ignore[index]
                    _set(data, path, value)
                    kept.discard(path)
            continue
        return report, len(kept)


def _ask(model: object, method: str, index: QModelIndex, default: int) -> int:
    """model.method(index); Qt's internal list and table models keep some of these private
    in the binding (a TypeError), and a flat model answers the default."""
    try:
        return int(getattr(model, method)(index))
    except TypeError:
        return default


def _model_strings(model: object, role: int, limit: int = 3000) -> Iterator[str]:
    stack = [QModelIndex()]
    seen = 0
    while stack and seen < limit:
        parent = stack.pop()
        rows = _ask(model, "rowCount", parent, 0)
        cols = _ask(model, "columnCount", parent, 1)
        for r in range(rows):
            for c in range(cols):
                index = model.index(r, c, parent)  # type: ignore[attr-defined]
                seen += 1
                value = index.data(role)
                if isinstance(value, str):
                    yield value
                if c == 0 and _ask(model, "hasChildren", index, 0):
                    stack.append(index)


def _has_image(document: QTextDocument) -> bool:
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if it.fragment().charFormat().isImageFormat():
                return True
            it += 1
        block = block.next()
    return False


def _all_widgets() -> list[QWidget]:
    return [w for top in QApplication.topLevelWidgets() for w in (top, *top.findChildren(QWidget))]


class _RichTextWalk:
    """What walk_for_rich_text collects, with one check per kind of widget."""

    def __init__(self, payload: str) -> None:
        self.payload = payload
        self.problems: list[str] = []
        self.tooltips: list[str] = []
        self.shown = 0  # places that show the payload as text

    def tooltip(self, where: str, text: str) -> None:
        if not text:
            return
        self.tooltips.append(text)
        if "<img" in text:
            self.problems.append(f"{where}: tooltip holds raw markup: {text[:120]!r}")
        elif "&lt;img" in text:
            self.shown += 1

    def label(self, where: str, w: QLabel) -> None:
        if "<img" not in w.text():
            return
        if w.textFormat() != Qt.TextFormat.PlainText:
            self.problems.append(f"{where}: label text {w.text()[:80]!r} in {w.textFormat()}")
        else:
            self.shown += 1

    def text_edit(self, where: str, w: QTextEdit) -> None:
        if _has_image(w.document()):
            self.problems.append(f"{where}: text edit holds an image")
        self.shown += self.payload in w.toPlainText()

    def plain_text_edit(self, where: str, w: QPlainTextEdit) -> None:
        self.shown += self.payload in w.toPlainText()

    def tab_widget(self, where: str, w: QTabWidget) -> None:
        for i in range(w.count()):
            self.tooltip(f"{where} tab {i}", w.tabToolTip(i))

    def item_view(self, where: str, w: QAbstractItemView) -> None:
        if w.model() is None:
            return
        for text in _model_strings(w.model(), TOOLTIP):
            self.tooltip(f"{where} item", text)
        self.shown += sum(self.payload in t for t in _model_strings(w.model(), DISPLAY))

    def graphics_view(self, where: str, w: QGraphicsView) -> None:
        if w.scene() is None:
            return
        for item in w.scene().items():
            self.tooltip(f"{where} scene item", item.toolTip())


# Each kind of widget and what is looked at in it, besides its own tooltip and actions'.
_WIDGET_CHECKS: tuple[tuple[type[QWidget], Callable[[_RichTextWalk, str, Any], None]], ...] = (
    (QLabel, _RichTextWalk.label),
    (QTextEdit, _RichTextWalk.text_edit),
    (QPlainTextEdit, _RichTextWalk.plain_text_edit),
    (QTabWidget, _RichTextWalk.tab_widget),
    (QAbstractItemView, _RichTextWalk.item_view),
    (QGraphicsView, _RichTextWalk.graphics_view),
)


def _where(w: QWidget) -> str:
    parent = w.parentWidget()
    return (
        f"{type(w).__name__}({w.objectName() or w.accessibleName()}) in "
        f"{type(parent).__name__}({parent.objectName() if parent else ''})"
    )


def walk_for_rich_text(payload: str) -> tuple[list[str], list[str], int]:
    """(problems, tooltips to show, how many places show the payload as text)."""
    walk = _RichTextWalk(payload)
    for w in _all_widgets():
        where = _where(w)
        walk.tooltip(where, w.toolTip())
        for kind, check in _WIDGET_CHECKS:
            if isinstance(w, kind):
                check(walk, where, w)
        for action in w.actions():
            walk.tooltip(f"{where} action {action.text()!r}", action.toolTip())
    for action in QApplication.instance().findChildren(QAction):  # type: ignore[union-attr]
        walk.tooltip(f"action {action.text()!r}", action.toolTip())
    return walk.problems, walk.tooltips, walk.shown


async def render_everything(window: QWidget, tooltips: list[str]) -> None:
    """Paint every tab and show every distinct tooltip, so rich text would be rendered."""
    tabs = window.tabs  # type: ignore[attr-defined]
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        await settle(0.05)
        window.grab()
    for text in dict.fromkeys(tooltips):
        QToolTip.showText(window.mapToGlobal(QPoint(40, 40)), text, window)
        QApplication.processEvents()
    QToolTip.hideText()
    for w in QApplication.topLevelWidgets():
        if w.isVisible():
            w.grab()
    await settle(0.2)


async def check_window(window: QWidget, fifo: FifoWatch, payload: str, min_shown: int) -> None:
    problems, tooltips, _ = walk_for_rich_text(payload)
    await render_everything(window, tooltips)
    problems, _, shown = walk_for_rich_text(payload)
    assert not problems, "\n".join(problems)
    # The payload is on screen, as text, in many places (else this proves nothing).
    assert shown >= min_shown, shown
    assert not fifo.seen(), "the window opened the FIFO named in a text"


async def test_a_hostile_report_opened_in_the_window_is_shown_as_plain_text(
    tmp_path: Path, fifo: FifoWatch
) -> None:
    payload = f"<img src='{fifo.path}'>"
    report, replaced = hostile_report(payload)
    assert replaced > 40
    folder = tmp_path / "reports"
    folder.mkdir()
    path = folder / "hostile.json"
    path.write_text(report.model_dump_json(), encoding="utf-8")
    refused = folder / "refused.json"
    refused_data = json.loads(report.model_dump_json())
    # A refusal quotes the file's version cut at 60 characters (core/export.py): the pipe
    # is named by a short link to it, so the whole payload is quoted and could still load.
    short_dir = Path(tempfile.mkdtemp(prefix="ns", dir="/tmp"))
    (short_dir / "f").symlink_to(fifo.path)
    short_payload = f"<img src='{short_dir / 'f'}'>"
    assert len(short_payload) < 60
    refused_data["schema_version"] = short_payload
    refused.write_text(json.dumps(refused_data), encoding="utf-8")
    async with open_window() as window:
        # A file this version cannot read: refused in an error box that names it.
        await _open_with_ctrl_o(window, refused)
        await wait_for(lambda: window.error_dialogs, 20, "the refusal")
        box = window.error_dialogs[0]
        assert short_payload in box.text() and box.isVisible()
        await check_window(window, fifo, short_payload, min_shown=1)
        shutil.rmtree(short_dir)
        box.button(QMessageBox.StandardButton.Ok).click()
        await wait_for(lambda: not window.error_dialogs, 5, "the error box to close")
        await _open_with_ctrl_o(window, path)
        await wait_for(
            lambda: window.results.report is not None or window.error_dialogs,
            20,
            "the report to open",
        )
        assert not window.error_dialogs, [b.text() for b in window.error_dialogs]
        await wait_for(lambda: bool(window.results.schema_view.labels), 20, "the schema picture")
        labels = child_named(window.results.proxy, QModelIndex(), "Labels")
        window.results.tree.expand(labels)
        window.results.tree.setCurrentIndex(window.results.proxy.index(0, 0, labels))
        assert payload in window.results.details.toPlainText()
        await check_window(window, fifo, payload, min_shown=10)
        window.tabs.setCurrentIndex(1)
        await settle(0.1)
        window.grab().save(str(_artifact("hostile-report.png")))


async def _open_with_ctrl_o(window: QWidget, path: Path) -> None:
    window.act_open.trigger()  # type: ignore[attr-defined]
    dialog = await wait_for_widget(QFileDialog, "open-file-dialog")
    name_edit = dialog.findChild(QLineEdit, "fileNameEdit")  # typed, as a user would
    assert isinstance(dialog, QFileDialog) and isinstance(name_edit, QLineEdit)
    name_edit.setText(str(path))
    dialog.accept()


def _artifact(name: str) -> Path:
    folder = Path(__file__).resolve().parents[2] / "artifacts"
    folder.mkdir(exist_ok=True)
    return folder / name


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


@pytest.mark.neo4j
@pytest.mark.keyring
async def test_an_extraction_of_hostile_names_is_shown_as_plain_text(
    graph: GraphFixture, fifo: FifoWatch
) -> None:
    payload = f"<img src='{fifo.path}'>"
    label, rel, key = payload, f"REL|{payload}", f"k.{payload}"
    graph.load_fixture("engine_mixed.cypher")
    graph.run(
        f"CREATE (a:{_q(label)}:{_q('A|B <b>x</b>')} {{{_q(key)}: $v, name: 'n'}})"
        f"-[:{_q(rel)} {{{_q(key)}: 1}}]->(b:{_q(label)} {{{_q(key)}: 'w'}})",
        v=payload,
    )
    graph.run(f"CREATE INDEX {_q('ix ' + payload)} FOR (n:{_q(label)}) ON (n.{_q(key)})")
    graph.run(
        f"CREATE CONSTRAINT {_q('uq ' + payload)} FOR (n:{_q('A|B <b>x</b>')}) "
        f"REQUIRE n.name IS UNIQUE"
    )
    async with open_window() as window:
        await add_profile(window, graph.server, name=f"profile {payload}")
        QTest.keyClick(window, Qt.Key.Key_F5)
        await wait_for(lambda: window.tasks.running("run"), 10, "the run to start")
        await wait_for(lambda: not window.tasks.running("run"), 120, "the run to finish")
        report = window.results.report
        assert report is not None
        assert label in {x.name for x in report.labels}
        assert rel in {x.name for x in report.relationship_types}
        assert any(ix.name == "ix " + payload for ix in report.indexes)
        await wait_for(lambda: label in window.results.schema_view.labels, 20, "the schema picture")
        labels = child_named(window.results.proxy, QModelIndex(), "Labels")
        window.results.tree.expand(labels)
        window.results.tree.setCurrentIndex(child_named(window.results.proxy, labels, label))
        await check_window(window, fifo, payload, min_shown=5)
        window.tabs.setCurrentIndex(2)
        await settle(0.1)
        window.grab().save(str(_artifact("hostile-extraction.png")))
