"""The header and flags the read-only models share (read_only_models.py)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItemModel

from neosense_desktop.ui.read_only_models import column_title, read_only_flags

COLUMNS = ("What changed", "Change")
HORIZONTAL, VERTICAL = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
DISPLAY = int(Qt.ItemDataRole.DisplayRole)


def test_the_header_is_each_columns_title_and_nothing_else() -> None:
    assert [column_title(COLUMNS, s, HORIZONTAL, DISPLAY) for s in range(2)] == list(COLUMNS)
    assert column_title(COLUMNS, 2, HORIZONTAL, DISPLAY) is None  # past the last column
    assert column_title(COLUMNS, -1, HORIZONTAL, DISPLAY) is None
    assert column_title(COLUMNS, 0, VERTICAL, DISPLAY) is None  # rows have no titles
    assert column_title(COLUMNS, 0, HORIZONTAL, int(Qt.ItemDataRole.ToolTipRole)) is None


def test_a_cell_is_selectable_and_never_editable() -> None:
    model = QStandardItemModel(1, 1)
    flags = read_only_flags(model.index(0, 0))
    assert flags & Qt.ItemFlag.ItemIsEnabled and flags & Qt.ItemFlag.ItemIsSelectable
    assert not flags & Qt.ItemFlag.ItemIsEditable
    assert read_only_flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
