"""A spin box for a duration in seconds that reads as people write it: "60 s", "0.25 s".

QDoubleSpinBox pads to its decimals ("60.000 s"); the decimals stay (a timeout of 0.25 s is
valid), only the padding goes.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QWidget


class SecondsSpinBox(QDoubleSpinBox):
    def __init__(self, parent: QWidget | None = None, *, decimals: int = 3) -> None:
        super().__init__(parent)
        self.setDecimals(decimals)
        self.setSuffix(" s")

    def textFromValue(self, value: float) -> str:
        text = self.locale().toString(round(value, self.decimals()), "f", self.decimals())
        point = self.locale().decimalPoint()
        if point in text:
            text = text.rstrip("0").rstrip(point)
        return text
