"""Dialog helpers that never block the event loop: open() plus a future, no exec().

qasync cannot run a modal exec() inside a coroutine, so coroutines `await ask(...)`
instead, which opens the dialog window-modal and resolves when the user answers.
"""

from __future__ import annotations

import asyncio
import logging
import re
import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from ..core.errors import ErrorCode, NeoSenseError

log = logging.getLogger(__name__)


async def run_dialog(dialog: QDialog) -> int:
    """Open a dialog (window-modal, via open()) and wait for its result code."""
    done: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finished(code: int) -> None:
        if not done.done():
            done.set_result(code)

    dialog.finished.connect(finished)
    dialog.open()
    try:
        return await done
    finally:
        dialog.finished.disconnect(finished)
        if dialog.isVisible():
            dialog.reject()


async def confirm(parent: QWidget, title: str, text: str, *, destructive: str = "Delete") -> bool:
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)  # text holds profile names
    yes = box.addButton(destructive, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setObjectName("confirm-dialog")
    await run_dialog(box)
    clicked = box.clickedButton()
    box.deleteLater()
    return clicked is yes


async def ask_open_path(
    parent: QWidget, title: str, name_filter: str, folder: str = ""
) -> str | None:
    dialog = QFileDialog(parent, title, folder)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilter(name_filter)
    dialog.setObjectName("open-file-dialog")
    code = await run_dialog(dialog)
    files = dialog.selectedFiles()
    dialog.deleteLater()
    return files[0] if code == QDialog.DialogCode.Accepted and files else None


async def ask_save_path(parent: QWidget, title: str, default: str, name_filter: str) -> str | None:
    dialog = QFileDialog(parent, title)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilter(name_filter)
    dialog.setDefaultSuffix("json")
    dialog.selectFile(default)
    dialog.setObjectName("save-file-dialog")
    code = await run_dialog(dialog)
    files = dialog.selectedFiles()
    dialog.deleteLater()
    return files[0] if code == QDialog.DialogCode.Accepted and files else None


async def ask_export_path(
    parent: QWidget, title: str, default: str, filters: dict[str, str], selected: str
) -> tuple[str, str] | None:
    """A save dialog whose file type filter picks the format: (path, format) or None.

    filters maps a format to its filter text ("HTML page (*.html)"); the default suffix
    follows the filter chosen.
    """
    dialog = QFileDialog(parent, title)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilters(list(filters.values()))
    dialog.setObjectName("export-as-dialog")

    def suffix_for(name_filter: str) -> None:
        match = re.search(r"\*\.([\w.]+)", name_filter)
        dialog.setDefaultSuffix(match.group(1) if match else "")

    dialog.filterSelected.connect(suffix_for)
    dialog.selectNameFilter(filters.get(selected, next(iter(filters.values()))))
    suffix_for(dialog.selectedNameFilter())
    dialog.selectFile(default)
    code = await run_dialog(dialog)
    files = dialog.selectedFiles()
    chosen = dialog.selectedNameFilter()
    dialog.deleteLater()
    if code != QDialog.DialogCode.Accepted or not files:
        return None
    fmt = next((f for f, text in filters.items() if text == chosen), selected)
    return files[0], fmt


def error_box(parent: QWidget | None, error: BaseException, title: str = "NeoSense") -> QMessageBox:
    """A non-blocking message box for an error: the message, suggestions, and details."""
    if isinstance(error, NeoSenseError):
        box = QMessageBox(
            QMessageBox.Icon.Critical
            if error.code is ErrorCode.INTERNAL
            else QMessageBox.Icon.Warning,
            title,
            error.message,
            QMessageBox.StandardButton.Ok,
            parent,
        )
        if error.suggestions:
            box.setInformativeText("\n".join(f"• {s}" for s in error.suggestions))
        details = [f"code: {error.code.value}"]
        details += [f"{k}: {v}" for k, v in error.context.items()]
        box.setDetailedText("\n".join(details))
    else:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            title,
            f"Something went wrong: {type(error).__name__}: {error}",
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setInformativeText("This is a bug: please report it with the log file.")
        box.setDetailedText("".join(traceback.format_exception(error)))
    # Error texts hold names, URIs and server messages: never rich text. (The
    # informative text follows the box's text format; the detailed text is always plain.)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setObjectName("error-dialog")
    box.setWindowModality(
        box.windowModality().WindowModal if parent is not None else box.windowModality()
    )
    return box
