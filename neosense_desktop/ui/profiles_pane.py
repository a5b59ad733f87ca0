"""The connections pane: the profile list, New/Edit/Duplicate/Delete, Test connection,
and the passwords the other panes need (keyring first, else asked for in place)."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import NeoSenseError
from ..core.logging_setup import REDACTOR
from ..core.profiles import (
    ENVIRONMENT_PROFILE_ID,
    ProfilesFileCorrupt,
    ProfilesSetAside,
    unreadable_text,
)
from ..core.profiles import environment_password as read_environment_password
from .connection_status import NOT_CONNECTED, ProfileState
from .dialogs import confirm, run_dialog
from .error_text import ErrorView, in_words
from .plain_text import plain_label, set_plain_tooltip

if TYPE_CHECKING:  # the driver (core.probe) and pydantic (Profile) load after the first paint
    from ..core.probe import ProbeResult
    from ..core.profiles import Profile
    from .services import WindowServices
    from .tasks import TaskRegistry

log = logging.getLogger(__name__)

ShowError = Callable[[BaseException, str], object]
ShowStatus = Callable[[str], None]


class ProfilesPane(QWidget):
    """Signals:
    selection_changed(): another profile (or none) is selected.
    """

    selection_changed = Signal()

    def __init__(
        self,
        services: WindowServices,
        tasks: TaskRegistry,
        *,
        show_error: ShowError,
        set_connection_state: ProfileState,
        show_message: ShowStatus,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = tasks
        self._show_error = show_error
        self._set_connection_state = set_connection_state
        self._show_message = show_message
        self.profiles: list[Profile] = []
        self.last_probe: ProbeResult | None = None
        self._probe_started = 0.0

        self._build_list()
        buttons = self._build_buttons()
        self._build_probe()
        self._lay_out(buttons)

    # ------------------------------------------------------------------ construction
    def _build_list(self) -> None:
        """The profile list, and the note on saved connections that could not be read."""
        self.profile_list = QListWidget(self)
        self.profile_list.setObjectName("profile-list")
        self.profile_list.setAccessibleName("Connections")
        self.profile_list.currentRowChanged.connect(lambda _r: self._profile_selected())
        self.profile_list.itemDoubleClicked.connect(lambda _i: self.edit_profile_clicked())
        # Saved connections that could not be read were set aside (core.profiles); the
        # others loaded. This says so where the list is, for the rest of the session.
        self.unreadable_note = plain_label("", self)
        self.unreadable_note.setObjectName("profiles-unreadable")
        self.unreadable_note.setWordWrap(True)
        self.unreadable_note.hide()
        self._unreadable = 0

    def _build_buttons(self) -> QHBoxLayout:
        """New, Edit, Duplicate and Delete, in a row."""
        self.new_button = QPushButton("&New", self)
        self.edit_button = QPushButton("&Edit", self)
        self.duplicate_button = QPushButton("D&uplicate", self)
        self.delete_button = QPushButton("Delete", self)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.duplicate_button, self.delete_button):
            buttons.addWidget(b)
        self.new_button.clicked.connect(self.new_profile_clicked)
        self.edit_button.clicked.connect(self.edit_profile_clicked)
        self.duplicate_button.clicked.connect(self.duplicate_profile_clicked)
        self.delete_button.clicked.connect(self.delete_profile_clicked)
        return buttons

    def _build_probe(self) -> None:
        """Test connection, its busy bar and its result."""
        self.test_button = QPushButton("&Test connection", self)
        self.test_button.clicked.connect(self.test_connection_clicked)
        # A cold server can take 40 s to answer: a busy bar and the seconds so far say the
        # app is alive; the bar keeps its place when hidden so nothing below it jumps.
        self.probe_busy = QProgressBar(self)
        self.probe_busy.setObjectName("probe-busy")
        self.probe_busy.setRange(0, 0)
        self.probe_busy.setMaximumHeight(8)
        self.probe_busy.setTextVisible(False)
        policy = self.probe_busy.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.probe_busy.setSizePolicy(policy)
        self.probe_busy.hide()
        self._probe_timer = QTimer(self)
        self._probe_timer.setInterval(100)
        self._probe_timer.timeout.connect(self._tick_probe)
        self.probe_view = ErrorView(self)
        self.probe_label = self.probe_view.message
        self.probe_label.setObjectName("probe-result")
        self.probe_label.setMinimumHeight(3 * self.probe_label.fontMetrics().lineSpacing())
        # Never squeezed (its last lines were cut off): the profile list above gives way.
        self.probe_view.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def _lay_out(self, buttons: QHBoxLayout) -> None:
        """One column, the list above its buttons, Test connection and its result."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("&Connections", self)
        title.setBuddy(self.profile_list)
        layout.addWidget(title)
        layout.addWidget(self.profile_list, 2)
        layout.addWidget(self.unreadable_note)
        layout.addLayout(buttons)
        layout.addWidget(self.test_button)
        layout.addWidget(self.probe_busy)
        layout.addWidget(self.probe_view)

    # ------------------------------------------------------------------ loading
    async def load(self) -> None:
        """Load the profiles and remember the NEO4J_PASSWORD of the environment profile."""
        await self.reload_profiles()
        env_password = read_environment_password()
        if env_password and any(p.id == ENVIRONMENT_PROFILE_ID for p in self.profiles):
            REDACTOR.register(env_password)
            self.services.secrets.remember_for_session(ENVIRONMENT_PROFILE_ID, env_password)

    async def reload_profiles(self) -> None:
        loop = asyncio.get_running_loop()
        store = self.services.profiles
        try:
            profiles = await loop.run_in_executor(None, store.load)
        except ProfilesFileCorrupt as exc:
            self._show_error(exc, "Saved connections damaged")
            profiles = await loop.run_in_executor(None, store.load)
        self.set_profiles(profiles)

    def set_profiles(self, profiles: list[Profile], select_id: str | None = None) -> None:
        selected = self.current_profile()
        current = select_id or (selected.id if selected is not None else None)
        self.profiles = profiles
        self.profile_list.blockSignals(True)
        self.profile_list.clear()
        for p in profiles:
            item = QListWidgetItem(p.name)
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            # A tooltip guesses rich text from its first line: a name is data, so escape it.
            item.setToolTip(tooltip_text(p))
            if p.transient:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
            self.profile_list.addItem(item)
        self.profile_list.blockSignals(False)
        ids = [p.id for p in profiles]
        if current in ids:
            self.profile_list.setCurrentRow(ids.index(current))
        elif profiles:
            self.profile_list.setCurrentRow(0)
        self._profile_selected()
        for notice in self.services.profiles.take_recovered():
            self._show_error(notice, "Saved connections damaged")
        for set_aside in self.services.profiles.take_set_aside():
            self._show_set_aside(set_aside)

    def _show_set_aside(self, notice: ProfilesSetAside) -> None:
        self._unreadable += notice.count
        self.unreadable_note.setText(f"⚠ {unreadable_text(self._unreadable)}")
        reasons = "\n".join(f"• {r}" for r in notice.reasons)
        set_plain_tooltip(
            self.unreadable_note,
            f"Kept unchanged in {notice.moved_to}; the others loaded.\n{reasons}",
        )
        self.unreadable_note.show()

    def current_profile(self) -> Profile | None:
        row = self.profile_list.currentRow()
        if 0 <= row < len(self.profiles):
            return self.profiles[row]
        return None

    def select_profile(self, profile_id: str) -> None:
        for i, p in enumerate(self.profiles):
            if p.id == profile_id:
                self.profile_list.setCurrentRow(i)
                return

    def _profile_selected(self) -> None:
        self.tasks.cancel("probe")
        self.probe_view.set_text("")
        self.selection_changed.emit()

    def update_buttons(self) -> None:
        profile = self.current_profile()
        for w in (self.edit_button, self.duplicate_button, self.test_button):
            w.setEnabled(profile is not None)
        self.delete_button.setEnabled(profile is not None and not profile.transient)

    # ------------------------------------------------------------------ editing
    def new_profile_clicked(self) -> None:
        self.tasks.start("edit-profile", self.edit_profile(None))

    def edit_profile_clicked(self) -> None:
        self.tasks.start("edit-profile", self.edit_profile(self.current_profile()))

    def duplicate_profile_clicked(self) -> None:
        self.tasks.start("duplicate-profile", self.duplicate_profile())

    def delete_profile_clicked(self) -> None:
        self.tasks.start("delete-profile", self.delete_profile())

    async def edit_profile(self, profile: Profile | None) -> Profile | None:
        """Open the editor (pre-filled when editing) and save what the user accepts."""
        from .profile_editor import ProfileEditor  # pydantic's validation: after the paint

        secrets = self.services.secrets
        editor = ProfileEditor(
            self.window(),
            self.tasks,
            self.services.test_connection,
            profile=profile,
            keyring_available=secrets.available,
        )
        try:
            if profile is not None:
                editor.password.setPlaceholderText("loading from the keyring…")
                try:
                    stored = await secrets.aget_password(profile.id)
                except NeoSenseError as exc:
                    stored = None
                    editor.keyring_note.setText(exc.message)
                    editor.keyring_note.show()
                if stored and not editor.password.text():
                    editor.password.setText(stored)
                editor.password.setPlaceholderText("")
            code = await run_dialog(editor)
            if code != ProfileEditor.DialogCode.Accepted or not editor.validate():
                return None
            result = editor.result_profile()
            password = editor.password_text
            remember = editor.save_password.isChecked()
        finally:
            editor.deleteLater()
        return await self.save_profile(result, password, remember=remember)

    async def save_profile(
        self, profile: Profile, password: str, *, remember: bool = True
    ) -> Profile:
        """Write the profile to the file and its password to the keyring (both off-thread)."""
        REDACTOR.register(password)
        loop = asyncio.get_running_loop()
        secrets = self.services.secrets
        if profile.transient or profile.id == ENVIRONMENT_PROFILE_ID:
            # Saving the environment profile saves a copy of it, under a new id.
            from ..core.profiles import Profile

            profile = Profile(name=profile.name, connection=profile.connection)
        previous = next((p for p in self.profiles if p.id == profile.id and not p.transient), None)
        store = self.services.profiles
        updated = await loop.run_in_executor(
            None, store.update if previous is not None else store.add, profile
        )
        if previous is not None:
            # Its warm driver connects as the profile did before the edit, and what was
            # known of its server no longer holds.
            await self.services.clients.forget(previous.connection)
            self._set_connection_state(profile.id, NOT_CONNECTED)
        kept = True
        if password:
            if remember:
                kept = await secrets.aset_password(profile.id, password)
            else:
                await secrets.adelete_password(profile.id)
                secrets.remember_for_session(profile.id, password)
        self.set_profiles(updated, select_id=profile.id)
        if not kept:  # after the selection moved, which clears the status bar's messages
            self._show_message(
                "No OS keyring: the password is kept in memory for this session only."
            )
        log.info("saved connection %s (%s)", profile.name, profile.connection.safe_uri)
        return profile

    async def duplicate_profile(self) -> Profile | None:
        source = self.current_profile()
        if source is None:
            return None
        loop = asyncio.get_running_loop()
        store, secrets = self.services.profiles, self.services.secrets
        copy = await loop.run_in_executor(None, store.duplicate, source.id)
        password = await secrets.aget_password(source.id)
        if password:
            await secrets.aset_password(copy.id, password)
        self.set_profiles(await loop.run_in_executor(None, store.load), copy.id)
        return copy

    async def delete_profile(self) -> bool:
        profile = self.current_profile()
        if profile is None or profile.transient:
            return False
        ok = await confirm(
            self.window(),
            "Delete connection",
            f"Delete the connection “{profile.name}” and its saved password?",
        )
        if not ok:
            return False
        loop = asyncio.get_running_loop()
        updated = await loop.run_in_executor(None, self.services.profiles.delete, profile.id)
        await self.services.secrets.adelete_password(profile.id)
        await self.services.clients.forget(profile.connection)
        self.set_profiles(updated)
        log.info("deleted connection %s", profile.name)
        return True

    # ------------------------------------------------------------------ passwords
    async def password_for(self, profile: Profile) -> str | None:
        """The profile's password: keyring or session memory, else ask the user once.

        None when the person cancelled the prompt: a choice, not an error, so callers say
        "cancelled" and nothing is logged as a failure.
        """
        password = await self.services.secrets.aget_password(profile.id)
        if password is None:
            password = await self.ask_password(profile)
        if password is None:
            log.info("no password entered for %s: not connecting", profile.connection.address)
            return None
        REDACTOR.register(password)
        return password

    async def ask_password(self, profile: Profile, *, refused: bool = False) -> str | None:
        """Ask for a password (window-modal, non-blocking); keep it for this session.

        refused: the server has just refused the known one, so say so.
        """
        dialog = QInputDialog(self.window())
        dialog.setObjectName("password-dialog")
        dialog.setWindowTitle("Password refused" if refused else "Password")
        where = f"{profile.connection.user} at {profile.connection.address}"
        lead = (
            f"The server refused the password for {where}.\nEnter it again:"
            if refused
            else (f"Password for {where}:")
        )
        note = (
            ""
            if self.services.secrets.available
            else ("\n(No OS keyring: kept for this session only.)")
        )
        dialog.setLabelText(lead + note)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        for label in dialog.findChildren(QLabel):
            label.setTextFormat(Qt.TextFormat.PlainText)
        code = await run_dialog(dialog)
        text = dialog.textValue()
        dialog.deleteLater()
        if code != QInputDialog.DialogCode.Accepted or not text:
            return None
        REDACTOR.register(text)
        self.services.secrets.remember_for_session(profile.id, text)
        return text

    # ------------------------------------------------------------------ probe
    def test_connection_clicked(self) -> None:
        self.tasks.start("probe", self.test_connection())

    def _tick_probe(self) -> None:
        elapsed = time.monotonic() - self._probe_started
        self.probe_view.set_text(f"Testing… {elapsed:.0f} s")

    async def test_connection(self) -> ProbeResult | None:
        profile = self.current_profile()
        if profile is None:
            return None
        self._probe_started = time.monotonic()
        self._tick_probe()
        self.probe_busy.show()
        self._probe_timer.start()
        state = functools.partial(self._set_connection_state, profile.id)
        state(f"Connecting to {profile.connection.address}…")
        try:
            password = await self.password_for(profile)
            if password is None:
                self.probe_view.set_text("Not tested: no password was entered.")
                state(NOT_CONNECTED)
                return None
            result = await self.services.test_connection(profile.connection, password)
        except NeoSenseError as exc:
            log.warning("test connection to %s: %s", profile.connection.address, exc)
            self.probe_view.show_error(exc)
            state(f"Connection failed: {in_words(exc)}")
            return None
        finally:
            self._probe_timer.stop()
            self.probe_busy.hide()
        self.last_probe = result
        dbs = ", ".join(d.name for d in result.databases if d.name != "system")
        self.probe_view.set_text(
            f"✓ Neo4j {result.version} {result.edition}\n"
            f"Databases: {dbs or '(not visible)'}\n{result.apoc_text}, {result.latency_ms:.1f} ms"
        )
        state(f"Connected: Neo4j {result.version} {result.edition} at {result.address}")
        return result


def tooltip_text(profile: Profile) -> str:
    from html import escape

    c = profile.connection
    text = (
        f"{c.safe_uri} as {c.user}"
        + (f", database {c.database}" if c.database else "")
        + ("\nFrom NEO4J_* environment variables (not saved)" if profile.transient else "")
    )
    return "<p style='white-space:pre'>" + escape(text) + "</p>"
