"""The Qt binding keeps Python's reference counts: PySide6 6.12.0 released a reference to
None on every void call and to True on every signal emit, so on Python 3.11 (where None
and True are not immortal) a session of setText() calls ended in "Fatal Python error:
none_dealloc" (the test suite aborted that way after its last test)."""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from neosense_desktop.ui.report_filter import ReportFilterProxy
from neosense_desktop.ui.report_tree_model import ReportTreeModel
from tests.ui.report_factory import make_report

CALLS = 500


def _refs() -> tuple[int, int]:
    gc.collect()
    return sys.getrefcount(None), sys.getrefcount(True)


def test_void_calls_and_signal_emits_keep_none_and_true_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    holder = QObject()
    none_before, true_before = _refs()
    for i in range(CALLS):
        label.setText(str(i))
        holder.objectNameChanged.emit("x")
    none_after, true_after = _refs()
    # A little slack for objects made or freed meanwhile; the bug is one per call.
    assert none_after - none_before > -CALLS // 10, (none_before, none_after)
    assert true_after - true_before > -CALLS // 10, (true_before, true_after)


def test_filtering_and_resetting_the_report_models_keeps_refcounts() -> None:
    model = ReportTreeModel()
    proxy = ReportFilterProxy()
    proxy.setSourceModel(model)
    report = make_report()
    none_before, true_before = _refs()
    for _ in range(CALLS // 5):
        model.set_report(report)  # beginResetModel / endResetModel
        proxy.set_filter_text("prop1")  # layoutAboutToBeChanged / layoutChanged
        proxy.set_filter_text("")
    none_after, true_after = _refs()
    assert none_after - none_before > -CALLS // 10, (none_before, none_after)
    assert true_after - true_before > -CALLS // 10, (true_before, true_after)
