"""Profiles through the real window: editor, keyring, validation, delete, corruption, env."""

from __future__ import annotations

import json
import os

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from neosense_desktop.core.paths import config_dir
from neosense_desktop.core.profiles import ENVIRONMENT_PROFILE_ID, default_profiles_path
from neosense_desktop.core.secrets import SERVICE, SecretStore
from neosense_desktop.ui.profile_editor import ProfileEditor
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for, wait_for_widget
from tests.ui.window_support import add_profile, open_window


def _type(qtbot: QtBot, edit: object, text: str) -> None:
    edit.clear()  # type: ignore[attr-defined]
    qtbot.keyClicks(edit, text)


@pytest.mark.neo4j
@pytest.mark.keyring
async def test_create_profile_in_editor_puts_password_in_keyring_only(
    graph: GraphFixture, qtbot: QtBot
) -> None:
    server = graph.server
    async with open_window() as window:
        assert window.services.secrets.available, window.services.secrets.backend_name
        qtbot.mouseClick(window.profiles.new_button, Qt.MouseButton.LeftButton)
        editor = await wait_for_widget(ProfileEditor, "profile-editor")
        assert isinstance(editor, ProfileEditor)
        _type(qtbot, editor.name, "My local server")
        _type(qtbot, editor.uri, server.uri)
        _type(qtbot, editor.user, server.user)
        _type(qtbot, editor.password, server.password)
        # Test connection from inside the editor.
        qtbot.mouseClick(editor.test_button, Qt.MouseButton.LeftButton)
        await wait_for(lambda: editor.last_probe or editor.last_probe_error, what="probe")
        assert editor.last_probe is not None, editor.test_result.text()
        assert "5.26" in editor.test_result.text()
        ok = editor.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok.isEnabled()
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        await wait_for(lambda: window.profiles.profile_list.count() == 1, what="profile in list")
        await wait_for(lambda: not window.tasks.running("edit-profile"))
        profile = window.profiles.current_profile()
        assert profile is not None and profile.name == "My local server"

        stored = keyring.get_password(SERVICE, f"profile:{profile.id}")
        assert stored == server.password
        text = default_profiles_path().read_text()
        assert server.password not in text
        assert json.loads(text)["profiles"][0]["id"] == profile.id
        for path in config_dir().rglob("*"):
            if path.is_file():
                assert server.password.encode() not in path.read_bytes(), path
        keyring.delete_password(SERVICE, f"profile:{profile.id}")


async def test_editor_shows_validation_errors_on_the_faulty_field(qtbot: QtBot) -> None:
    async with open_window(SecretStore(fail.Keyring())) as window:
        window.profiles.new_profile_clicked()
        editor = await wait_for_widget(ProfileEditor, "profile-editor")
        assert isinstance(editor, ProfileEditor)
        ok = editor.buttons.button(QDialogButtonBox.StandardButton.Ok)
        # Nothing typed yet: no red banner (the name is empty, but nobody was told to fill it).
        assert not any(label.isVisible() for label in editor.errors.values())
        _type(qtbot, editor.uri, "http://localhost:7474")
        assert "unsupported scheme" in editor.errors["uri"].text()
        assert editor.errors["uri"].isVisible()
        assert not editor.errors["user"].isVisible()
        _type(qtbot, editor.uri, "neo4j+s://db.example.com")
        editor.encrypted.setChecked(True)
        assert "already sets TLS" in editor.errors["tls"].text()
        editor.encrypted.setChecked(False)
        _type(qtbot, editor.user, "")
        assert editor.field_errors.keys() == {"name", "user"}
        assert not editor.errors["name"].isVisible()  # not edited yet
        ok.click()  # Save validates every field, and keeps the dialog open
        assert editor.errors["name"].isVisible() and editor.isVisible()
        _type(qtbot, editor.name, "x")
        _type(qtbot, editor.user, "neo4j")
        _type(qtbot, editor.database, "bad name")
        assert "spaces" in editor.errors["database"].text()
        _type(qtbot, editor.database, "")
        assert editor.field_errors == {} and ok.isEnabled()
        # The no-keyring note is shown and the keyring option is off.
        assert editor.keyring_note.isVisible() and not editor.save_password.isEnabled()
        editor.reject()


@pytest.mark.neo4j
async def test_no_keyring_path_keeps_password_in_memory_only(
    graph: GraphFixture, qtbot: QtBot
) -> None:
    server = graph.server
    async with open_window(SecretStore(fail.Keyring())) as window:
        # Said once the window has painted (the keyring is looked for off the event loop).
        await wait_for(
            lambda: "memory" in window.statusBar().currentMessage(), 10, "the no-keyring note"
        )
        assert any("no OS keyring" in t for _lv, t in window.log_panel.records)
        profile = await add_profile(window, server)
        assert window.services.secrets._memory[profile.id] == server.password
        assert server.password not in default_profiles_path().read_text()
        # Connecting works for the session.
        result = await window.profiles.test_connection()
        assert result is not None and result.version.startswith("5.26")
    # A new session (a new store) knows no password: nothing was written anywhere.
    assert SecretStore(fail.Keyring()).get_password(profile.id) is None
    assert keyring.get_password(SERVICE, f"profile:{profile.id}") is None


@pytest.mark.keyring
async def test_corrupted_profiles_file_is_kept_aside_and_reported(qtbot: QtBot) -> None:
    path = default_profiles_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"profiles": [ {"name": "half a file"')
    async with open_window() as window:
        await wait_for(lambda: window.error_dialogs, what="error dialog")
        box = window.error_dialogs[0]
        assert isinstance(box, QMessageBox) and box.isVisible()
        assert "could not be read" in box.text()
        kept = list(path.parent.glob("profiles.json.corrupt-*"))
        assert len(kept) == 1 and kept[0].name in box.text()
        assert kept[0].read_text() == '{"profiles": [ {"name": "half a file"'
        assert window.profiles.profile_list.count() == 0
        box.accept()


@pytest.mark.neo4j
@pytest.mark.keyring
async def test_duplicate_and_delete_with_confirmation(graph: GraphFixture, qtbot: QtBot) -> None:
    async with open_window() as window:
        original = await add_profile(window, graph.server, "Original")
        window.profiles.duplicate_profile_clicked()
        await wait_for(lambda: window.profiles.profile_list.count() == 2, what="duplicate")
        copy = window.profiles.current_profile()
        assert copy is not None and copy.name == "Original (copy)" and copy.id != original.id
        await wait_for(lambda: keyring.get_password(SERVICE, f"profile:{copy.id}"))

        # Delete asks first; Cancel keeps the profile.
        window.profiles.delete_profile_clicked()
        box = await wait_for_widget(QMessageBox, "confirm-dialog")
        assert isinstance(box, QMessageBox) and "Original (copy)" in box.text()
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
        await wait_for(lambda: not window.tasks.running("delete-profile"))
        assert window.profiles.profile_list.count() == 2

        window.profiles.delete_profile_clicked()
        box = await wait_for_widget(QMessageBox, "confirm-dialog")
        assert isinstance(box, QMessageBox)
        delete = next(b for b in box.buttons() if b.text() == "Delete")
        qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
        await wait_for(lambda: window.profiles.profile_list.count() == 1, what="deleted")
        assert [p.name for p in window.profiles.profiles] == ["Original"]
        await wait_for(lambda: keyring.get_password(SERVICE, f"profile:{copy.id}") is None)
        keyring.delete_password(SERVICE, f"profile:{original.id}")


@pytest.mark.neo4j
async def test_environment_profile_appears_and_connects(
    graph: GraphFixture, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = graph.server
    monkeypatch.setenv("NEO4J_URI", server.uri)
    monkeypatch.setenv("NEO4J_USERNAME", server.user)
    monkeypatch.setenv("NEO4J_PASSWORD", server.password)
    monkeypatch.setenv("NEO4J_DATABASE", "neo4j")
    async with open_window(SecretStore(fail.Keyring())) as window:
        assert [p.id for p in window.profiles.profiles] == [ENVIRONMENT_PROFILE_ID]
        assert not window.profiles.delete_button.isEnabled()
        result = await window.profiles.test_connection()
        assert result is not None and result.database == "neo4j"
        assert "Connected" in window.connection_status.text()
        assert not default_profiles_path().exists()
    assert os.environ["NEO4J_PASSWORD"] == server.password


@pytest.mark.neo4j
async def test_failed_connection_shows_error_and_suggestions(
    graph: GraphFixture, qtbot: QtBot
) -> None:
    from PySide6.QtWidgets import QInputDialog

    async with open_window(SecretStore(fail.Keyring())) as window:
        profile = await add_profile(window, graph.server, "Wrong password")
        window.services.secrets.remember_for_session(profile.id, "not-the-password")
        assert await window.profiles.test_connection() is None
        text = window.profiles.probe_label.text()
        assert "refused the user name or password" in text
        assert "• Check the user name and password." in text
        status = window.connection_status.text()
        assert status == "Connection failed: the user name or password was refused", status

    # A new session with no keyring knows no password: the app asks for it, once.
    async with open_window(SecretStore(fail.Keyring())) as window:
        await add_profile(window, graph.server, "Asked")
        window.services.secrets.delete_password(window.profiles.current_profile().id)  # type: ignore[union-attr]
        window.profiles.test_connection_clicked()
        dialog = await wait_for_widget(QInputDialog, "password-dialog")
        assert isinstance(dialog, QInputDialog)
        assert "session only" in dialog.labelText()
        dialog.setTextValue(graph.server.password)
        dialog.accept()
        await wait_for(
            lambda: window.profiles.last_probe is not None, 20, "probe with typed password"
        )
        assert (
            window.profiles.last_probe is not None
            and window.profiles.last_probe.version.startswith("5.26")
        )


async def test_saving_the_environment_profile_saves_a_copy(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_URI", "neo4j://env-host:7687")
    monkeypatch.setenv("NEO4J_USERNAME", "env-user")
    monkeypatch.setenv("NEO4J_PASSWORD", "env-password-123")
    async with open_window(SecretStore(fail.Keyring())) as window:
        env_profile = window.profiles.current_profile()
        assert env_profile is not None and env_profile.transient
        window.profiles.edit_profile_clicked()
        editor = await wait_for_widget(ProfileEditor, "profile-editor")
        assert isinstance(editor, ProfileEditor)
        await wait_for(lambda: editor.password.text() == "env-password-123", 5, "password")
        _type(qtbot, editor.name, "Saved from env")
        editor.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        await wait_for(lambda: window.profiles.profile_list.count() == 2, 10, "the saved copy")
        saved = json.loads(default_profiles_path().read_text())["profiles"]
        assert [p["name"] for p in saved] == ["Saved from env"]
        assert saved[0]["id"] != ENVIRONMENT_PROFILE_ID
        assert saved[0]["connection"]["uri"] == "neo4j://env-host:7687"
        assert "env-password-123" not in default_profiles_path().read_text()
        assert window.services.secrets.get_password(saved[0]["id"]) == "env-password-123"


async def test_editor_keeps_the_keyring_note_whole_after_a_failed_test(qtbot: QtBot) -> None:
    """A wrong port's long error once made the dialog shrink its other rows and clip the
    no-keyring note; the dialog must grow instead."""
    import socket

    from tests.ui.journeys.journey_support import screenshot

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    async with open_window(SecretStore(fail.Keyring())) as window:
        window.profiles.new_profile_clicked()
        editor = await wait_for_widget(ProfileEditor, "profile-editor")
        assert isinstance(editor, ProfileEditor)
        _type(qtbot, editor.name, "Dead port")
        _type(qtbot, editor.uri, f"bolt://127.0.0.1:{dead}")
        _type(qtbot, editor.password, "whatever-1")
        qtbot.mouseClick(editor.test_button, Qt.MouseButton.LeftButton)
        await wait_for(lambda: editor.last_probe_error is not None, 30, "the failure")
        await wait_for(lambda: editor.test_view.isVisible(), 5, "the error in the dialog")
        note = editor.keyring_note
        assert note.isVisible() and "memory" in note.text()
        need = note.heightForWidth(note.width())
        assert note.height() >= need, (note.height(), need)
        message = editor.test_view.message
        assert message.height() >= message.heightForWidth(message.width())
        await screenshot(editor, "profile-editor-dead-port-no-keyring")
        editor.reject()
