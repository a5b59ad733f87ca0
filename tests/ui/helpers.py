"""Async-safe waiting helpers for GUI tests (no nested Qt event loops)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication, QWidget


async def wait_for(
    predicate: Callable[[], object], timeout_s: float = 20.0, what: str = "condition"
) -> None:
    """Let the qasync loop run until predicate() is true (the async-safe waitUntil)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.02)


async def wait_for_widget(
    kind: type[QWidget], name: str | None = None, timeout_s: float = 10.0
) -> QWidget:
    found: list[QWidget] = []

    def look() -> bool:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, kind) and w.isVisible() and (name is None or w.objectName() == name):
                found.append(w)
                return True
        return False

    await wait_for(look, timeout_s, f"a visible {kind.__name__} {name or ''}")
    return found[0]


async def settle(seconds: float = 0.05) -> None:
    await asyncio.sleep(seconds)


def child_names(model: object, parent: QModelIndex = QModelIndex()) -> list[str]:  # noqa: B008
    """The first-column texts of parent's children in a tree model (or proxy)."""
    return [
        model.index(r, 0, parent).data()  # type: ignore[attr-defined]
        for r in range(model.rowCount(parent))  # type: ignore[attr-defined]
    ]


def child_named(model: object, parent: QModelIndex, name: str) -> QModelIndex:
    """The child of parent whose first column reads name; fails the test if there is none."""
    for r in range(model.rowCount(parent)):  # type: ignore[attr-defined]
        index = model.index(r, 0, parent)  # type: ignore[attr-defined]
        if index.data() == name:
            return index
    raise AssertionError(f"{name!r} not under {parent.data()!r}: {child_names(model, parent)}")
