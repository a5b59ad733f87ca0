"""Journeys with files nobody vouches for: a FIFO and a hand-made report opened with Ctrl+O
get a refusal a person can read (never a hang, never "Something went wrong"), and a
profiles file with one unreadable entry still shows the others, saying one was set aside."""

from __future__ import annotations

import contextlib
import json
import os
import random
from pathlib import Path

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.profiles import Profile, default_profiles_path
from neosense_desktop.core.secrets import SecretStore
from neosense_desktop.core.terminal_text import printable
from neosense_desktop.ui.main_window import MainWindow
from tests.report_fuzzing import check_loading, mutated_report
from tests.ui.helpers import wait_for, wait_for_widget
from tests.ui.journeys.journey_support import press, screenshot
from tests.ui.window_support import open_window

FIXTURE = Path(__file__).parents[2] / "fixtures" / "report-1.0.json"


async def _open_with_ctrl_o(window: MainWindow, path: Path) -> QMessageBox:
    """Ctrl+O, type the path in Qt's file dialog, accept; the message box that follows."""
    await press(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    dialog = await wait_for_widget(QFileDialog, "open-file-dialog")
    assert isinstance(dialog, QFileDialog)
    name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
    assert isinstance(name_edit, QLineEdit)
    name_edit.setText(str(path))
    dialog.accept()
    await wait_for(lambda: window.error_dialogs, 20, "a message saying why the file was refused")
    box = window.error_dialogs[-1]
    assert box.isVisible()
    return box


def _release_a_stuck_reader(fifo: Path) -> None:
    """Before the fix, open() of the FIFO waited for a writer: be that writer, so a failing
    run ends instead of hanging the test process on its worker thread."""
    with contextlib.suppress(OSError):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
async def test_journey_ctrl_o_on_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "mailed report.json"
    os.mkfifo(fifo)
    try:
        async with open_window(SecretStore(fail.Keyring())) as window:
            box = await _open_with_ctrl_o(window, fifo)
            assert box.text() == (f"{fifo} was not opened: it is a pipe (FIFO), not a report file.")
            assert "Open a report saved by NeoSense" in box.informativeText()
            assert box.textFormat() == Qt.TextFormat.PlainText
            assert window.results.report is None and window.tabs.currentIndex() != 1
            await screenshot(box, "open-fifo-refused")
            box.accept()
    finally:
        _release_a_stuck_reader(fifo)


async def test_journey_ctrl_o_on_a_report_with_a_huge_integer_is_refused(
    tmp_path: Path,
) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    path = tmp_path / "huge.json"
    path.write_text(text.replace('"sample_size": 1000', '"sample_size": ' + "9" * 5000, 1))
    async with open_window(SecretStore(fail.Keyring())) as window:
        box = await _open_with_ctrl_o(window, path)
        assert box.text() == (
            f"{path} is not a report: it holds an integer of 5,000 digits, past any count."
        )
        assert "Something went wrong" not in box.text() + box.informativeText()
        assert window.results.report is None
        await screenshot(box, "open-huge-integer-refused")
        box.accept()
        # The same window then opens a good report: nothing was left half-open.
        good = tmp_path / "good.json"
        good.write_text(text, encoding="utf-8")
        window.files.open_dropped(good)
        await wait_for(lambda: window.results.report is not None, 20, "the good report")


async def test_journey_one_unreadable_saved_connection_is_set_aside(tmp_path: Path) -> None:
    good = [
        Profile(name=name, connection=ConnectionSettings(uri="neo4j://db.example:7687", user="u"))
        for name in ("Staging", "Production")
    ]
    entries = [good[0].model_dump(mode="json"), {"name": "Half-edited"}]
    entries.append(good[1].model_dump(mode="json"))
    path = default_profiles_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": 1, "profiles": entries}), encoding="utf-8")
    async with open_window(SecretStore(fail.Keyring())) as window:
        pane = window.profiles
        await wait_for(lambda: pane.profile_list.count() == 2, 20, "the two readable profiles")
        await wait_for(pane.unreadable_note.isVisible, 10, "the note about the third")
        assert pane.unreadable_note.text() == "⚠ 1 saved connection could not be read"
        assert [p.name for p in pane.profiles] == ["Staging", "Production"]
        assert not window.error_dialogs  # a word in the pane, not a dialog in the way
        kept = list(path.parent.glob("profiles.json.unreadable-*"))
        assert len(kept) == 1 and str(kept[0]) in pane.unreadable_note.toolTip()
        assert json.loads(kept[0].read_text())["profiles"] == [{"name": "Half-edited"}]
        await screenshot(window, "profiles-one-set-aside")


def _fuzzed_files(folder: Path, accepted: int, refused: int) -> list[tuple[Path, bool]]:
    """Mutated reports from a fixed random seed (tests/report_fuzzing): the first
    `accepted` that load_report takes and the first `refused` it refuses."""
    want = {True: accepted, False: refused}
    files: list[tuple[Path, bool]] = []
    rnd = random.Random(24)
    while any(want.values()):
        _, raw = mutated_report(lambda n: rnd.randrange(n) if n > 1 else 0)
        path = folder / f"fuzzed-{len(files)}.json"
        path.write_bytes(raw)
        ok = check_loading(path)[1] is None
        if want[ok]:
            want[ok] -= 1
            files.append((path, ok))
        else:
            path.unlink()
    return files


async def test_journey_fuzzed_reports_dropped_on_the_window(tmp_path: Path) -> None:
    """The window's own path for a file (a drop, as Open uses): each fuzzed report is shown
    or refused with its reason, never 'Something went wrong', and the window goes on."""
    files = _fuzzed_files(tmp_path, accepted=6, refused=6)
    async with open_window(SecretStore(fail.Keyring())) as window:
        for path, ok in files:
            before = window.results.report
            dialogs = len(window.error_dialogs)
            window.files.open_dropped(path)
            await wait_for(
                lambda before=before, dialogs=dialogs: (
                    window.results.report is not before or len(window.error_dialogs) > dialogs
                ),
                30,
                f"{path.name} to be shown or refused",
            )
            await wait_for(lambda: not window.tasks.running("open"), 30, "the open to end")
            if ok:
                assert len(window.error_dialogs) == dialogs, window.error_dialogs[-1].text()
                assert window.results.report is not before
                await wait_for(lambda: window.tabs.currentIndex() == 1, 10, "the Results tab")
                await wait_for(window.results.report_status.text, 10, "the status line")
                # One line, whatever the names hold (a raw line break made it three).
                status = window.results.report_status.text()
                assert printable(status) == status, status
            else:
                box = window.error_dialogs[-1]
                assert str(path) in box.text() and "Something went wrong" not in box.text()
                box.accept()
                await wait_for(lambda box=box: not box.isVisible(), 10, "the box to close")
        await press(window, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)  # the Schema tab
        await screenshot(window, "fuzzed-reports-last-shown")
