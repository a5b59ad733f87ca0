"""The status bar's connection state: what is known of the selected profile's server.

Each profile keeps its own last known state ("Connected: …", "Connection failed: …",
"Running on …"); selecting a profile shows its state, or "Not connected" for one not
tried this session, so the bar never says "Connected" about another profile's server. A
run or a test reports the state of the profile it was started on, even when another one
is selected by the time it ends.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

NOT_CONNECTED = "Not connected"

ProfileState = Callable[[str, str], None]


class ConnectionStatus(QLabel):
    """A plain-text label showing the selected profile's known state.

    on_change(): called when the text shown changes (the window clears its temporary
    messages then: a message about the state before no longer holds).
    """

    def __init__(self, on_change: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(NOT_CONNECTED, parent)
        self.setObjectName("connection-status")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._states: dict[str, str] = {}
        self._shown: str | None = None
        self._on_change = on_change

    def set_state(self, profile_id: str, text: str) -> None:
        """The state of a profile's server; shown at once if that profile is selected."""
        self._states[profile_id] = text
        if profile_id == self._shown:
            self._show(text)

    def forget(self, profile_id: str) -> None:
        """The profile changed (edited, its password replaced): its state is unknown."""
        self._states.pop(profile_id, None)
        if profile_id == self._shown:
            self._show(NOT_CONNECTED)

    def show_profile(self, profile_id: str | None) -> None:
        """Another profile (or none) is selected: show what is known of it."""
        self._shown = profile_id
        self._show(self._states.get(profile_id, NOT_CONNECTED) if profile_id else NOT_CONNECTED)

    def _show(self, text: str) -> None:
        if text != self.text():
            self.setText(text)
            self._on_change()
