"""What the window's read-only item models share: column titles as their only header, and
cells that can be selected but never edited (history_model, diff_model)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt


def column_title(
    columns: Sequence[str], section: int, orientation: Qt.Orientation, role: int
) -> str | None:
    """headerData() of a model whose header is its columns' titles, and nothing else."""
    if (
        orientation == Qt.Orientation.Horizontal
        and role == Qt.ItemDataRole.DisplayRole
        and 0 <= section < len(columns)
    ):
        return columns[section]
    return None


def read_only_flags(index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
    """flags(): every cell enabled and selectable, none editable."""
    if not index.isValid():
        return Qt.ItemFlag.NoItemFlags
    return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
