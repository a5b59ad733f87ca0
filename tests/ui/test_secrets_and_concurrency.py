"""Security and concurrency through the real window, on the real server and keyring.

- After a full session (create a profile, test, run, export, fail once, read the logs),
  no file the app wrote holds the password: config, data, logs, reports, QSettings.
- Start pressed twice, switching profiles during a run: no crash, no lost or mixed data.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from urllib.parse import quote

import keyring
import pytest

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.logging_setup import configure_logging
from neosense_desktop.core.paths import log_dir
from neosense_desktop.core.profiles import Profile
from neosense_desktop.core.secrets import SERVICE
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for
from tests.ui.window_support import RecordingClients, add_profile, open_window

pytestmark = [pytest.mark.neo4j]


def _files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _leaks(files: list[Path], secret: str) -> list[str]:
    needles = {secret.encode(), quote(secret).encode(), secret.encode("utf-16-le")}
    return [str(p) for p in files if any(n in p.read_bytes() for n in needles)]


@pytest.mark.keyring
async def test_a_full_session_writes_the_password_nowhere(
    graph: GraphFixture, isolated_dirs: Path
) -> None:
    # A user and password of this test's own, so a hit can only be a leak.
    password = f"Pw-{uuid.uuid4().hex}-ü"
    graph.database = "system"
    graph.run(f"CREATE OR REPLACE USER scanner SET PASSWORD '{password}' CHANGE NOT REQUIRED")
    graph.database = "neo4j"
    graph.load_fixture("engine_mixed.cypher")
    handler = configure_logging(logging.DEBUG)
    assert handler is not None
    export = isolated_dirs / "exports" / "report.json"
    try:
        async with open_window() as window:
            profile = Profile(
                name="Scanner",
                connection=ConnectionSettings(
                    uri=graph.server.uri, user="scanner", connection_timeout_s=5
                ),
            )
            saved = await window.profiles.save_profile(profile, password)
            assert keyring.get_password(SERVICE, f"profile:{saved.id}") == password
            assert await window.profiles.test_connection() is not None
            report = await window.runs.run_extraction()
            assert report is not None
            await window.files.export_report(export)
            await window.files.open_report(export)
            # One failure, so error paths log too: a wrong password for the same user.
            bad = Profile(name="Wrong", connection=profile.connection)
            await window.profiles.save_profile(bad, password + "-wrong")
            assert await window.profiles.test_connection() is None
            window.log_panel.refresh() if hasattr(window.log_panel, "refresh") else None
            shown = (
                window.log_panel.toPlainText() if hasattr(window.log_panel, "toPlainText") else ""
            )
            assert password not in shown
            for p in (saved, bad):
                keyring.delete_password(SERVICE, f"profile:{p.id}")
    finally:
        handler.flush()
        logging.getLogger().removeHandler(handler)
        handler.close()
    files = _files_under(isolated_dirs)
    assert export in files
    assert any(p.is_relative_to(log_dir()) for p in files), "no log file was written"
    assert any(p.suffix == ".ini" for p in files), "no QSettings file was written"
    assert len(files) >= 5
    print(f"secret scan: {len(files)} files, {sum(p.stat().st_size for p in files):,} bytes")
    assert _leaks(files, password) == []
    assert _leaks(files, password + "-wrong") == []


async def test_start_pressed_twice_runs_once(graph: GraphFixture) -> None:
    graph.load_fixture("engine_mixed.cypher")
    clients = RecordingClients()
    async with open_window(clients=clients) as window:
        await add_profile(window, graph.server)
        window.runs.run_clicked()
        first = window.tasks.get("run")
        assert first is not None
        window.runs.run_clicked()  # e.g. F5 twice before the button greys out
        assert window.tasks.get("run") is first, "the second press started another run"
        await wait_for(lambda: not window.tasks.running("run"), 120, "the run")
        assert not first.cancelled(), "the second press cancelled the first run"
        assert window.results.report is not None
        await window.files.refresh_recent_runs()
        assert len(window.files.saved_runs) == 1
        assert all(not c.driver_open for c in clients.clients)


async def test_switching_profiles_during_a_run_keeps_the_run_on_its_profile(
    graph: GraphFixture,
) -> None:
    graph.load_fixture("engine_mixed.cypher")
    clients = RecordingClients()
    async with open_window(clients=clients) as window:
        first = await add_profile(window, graph.server, name="First")
        second = await add_profile(window, graph.server, name="Second")
        window.profiles.select_profile(first.id)
        window.runs.run_clicked()
        await wait_for(lambda: window.runs.current_run is not None, 30, "the run to start")
        window.profiles.select_profile(second.id)
        await wait_for(lambda: not window.tasks.running("run"), 120, "the run")
        assert window.profiles.current_profile() is not None
        assert window.profiles.current_profile().id == second.id  # type: ignore[union-attr]
        assert window.results.report is not None
        assert window.files.report_name == "First"
        assert all(a.status.value == "succeeded" for a in window.results.report.activities.values())
        assert all(not c.driver_open for c in clients.clients)
