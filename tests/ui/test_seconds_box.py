"""Durations read as people write them: "60 s", never "60.000 s" (issue 26, small things)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from neosense_desktop.ui.seconds_box import SecondsSpinBox
from tests.ui.window_support import open_window


@pytest.mark.parametrize(
    ("decimals", "value", "shown"),
    [
        (3, 60.0, "60 s"),
        (3, 0.25, "0.25 s"),
        (3, 0.001, "0.001 s"),
        (1, 10.0, "10 s"),
        (1, 2.5, "2.5 s"),
        (3, 86_400, "86400 s"),
    ],
)
def test_values_drop_the_padding_only(
    qtbot: QtBot, decimals: int, value: float, shown: str
) -> None:
    box = SecondsSpinBox(decimals=decimals)
    qtbot.addWidget(box)
    box.setRange(0.001, 86_400)
    box.setValue(value)
    assert box.text() == shown
    assert box.value() == pytest.approx(value)


def test_a_typed_fraction_is_kept(qtbot: QtBot) -> None:
    box = SecondsSpinBox(decimals=3)
    qtbot.addWidget(box)
    box.setRange(0.001, 600)
    box.setValue(60)
    box.show()
    box.setFocus()
    box.selectAll()
    QTest.keyClicks(box, "0.75")
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == pytest.approx(0.75)
    assert box.text() == "0.75 s"


@pytest.mark.keyring
async def test_the_run_options_show_the_timeout_in_whole_seconds() -> None:
    async with open_window() as window:
        assert window.runs.query_timeout.text() == "60 s"
