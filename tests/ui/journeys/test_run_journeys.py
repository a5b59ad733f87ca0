"""Journeys of running: twice in a row, cancel, a failed activity and Retry, a refused
password, switching profiles and closing the window mid-run."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from neosense_desktop.core.errors import NeoSenseError
from neosense_desktop.core.graph_client import GraphClient
from neosense_desktop.core.profiles import Profile
from tests.fault_clients import SlowCensusClient
from tests.neo4j_support import GraphFixture
from tests.ui.helpers import wait_for, wait_for_widget
from tests.ui.journeys.journey_support import (
    SlowReadsClient,
    assert_idle,
    press,
    run_status,
    screenshot,
    wait_run_ends,
    wait_running,
)
from tests.ui.window_support import (
    RecordingClients,
    add_profile,
    open_window,
    server_settings,
)

SMALL = """
CREATE (a:Person {name: 'Ada', born: 1815})-[:KNOWS {since: 1833}]->(b:Person {name: 'Charles'}),
       (a)-[:WROTE]->(:Paper {title: 'Notes'})
"""

pytestmark = [pytest.mark.neo4j, pytest.mark.keyring]


async def test_journey_f5_twice_both_runs_saved(graph: GraphFixture) -> None:
    graph.run(SMALL)
    async with open_window() as window:
        await add_profile(window, graph.server)
        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        assert_idle(window)
        await wait_for(lambda: window.files.recent_list.count() == 1, 10, "first run listed")
        first_plan_rows = window.runs.panel.plan_model.rowCount()
        assert first_plan_rows > 0

        await press(window, Qt.Key.Key_F5)  # the defect: F5 did nothing after the first run
        await wait_for(lambda: window.files.recent_list.count() == 2, 120, "second run listed")
        await wait_run_ends(window)
        assert_idle(window)
        # One duration, said once: the Run tab names what it measured, as the report does.
        report = window.results.report
        assert report is not None and report.run.duration_s is not None
        assert f"the extraction took {report.run.duration_s:.2f} s" in run_status(window)
        assert f"extraction took {report.run.duration_s:.2f} s" in (
            window.results.overview_text.text()
        )
        await screenshot(window, "f5-twice")


async def test_journey_escape_mid_run_then_f5(graph: GraphFixture) -> None:
    graph.run(SMALL)
    clients = RecordingClients()
    async with open_window(clients=clients) as window:
        await add_profile(window, graph.server)
        clients.client_class = SlowReadsClient
        await press(window, Qt.Key.Key_F5)
        await wait_running(window)
        await press(window, Qt.Key.Key_Escape)
        await wait_run_ends(window, "Cancelled")
        assert_idle(window)
        assert any(r.state == "cancelled" for r in window.runs.panel.rows.values())

        clients.client_class = GraphClient
        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        assert_idle(window)
        assert all(r.state == "succeeded" for r in window.runs.panel.rows.values())
        assert not any(c.driver_open for c in clients.clients)
        await screenshot(window, "escape-then-f5")


async def test_journey_failed_activity_retry_then_f5(graph: GraphFixture) -> None:
    graph.run("UNWIND range(1, 20000) AS i CREATE (:Big {a: i})-[:NEXT]->(:Small {x: i})")
    clients = RecordingClients()
    async with open_window(clients=clients) as window:
        await add_profile(window, graph.server)
        window.runs.mode_box.setCurrentIndex(window.runs.mode_box.findData("exact"))
        clients.client_class = SlowCensusClient  # the census query times out on the server
        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        failed = window.runs.panel.failed_activities()
        assert failed and "Retry below" in run_status(window)
        row = window.runs.panel.rows[failed[0]]
        assert row.retry.isVisible()
        assert_idle(window)

        clients.client_class = GraphClient  # the fault is gone
        row.retry.click()
        await wait_for(lambda: row.state == "succeeded", 120, "the retried activity to succeed")
        await wait_for(lambda: window.runs.run_button.isEnabled(), 10, "Run enabled after retry")
        assert_idle(window)
        assert not row.retry.isVisible()

        await press(window, Qt.Key.Key_F5)
        # The retry updated the first run's file (same run id); F5 adds a second run.
        await wait_for(lambda: window.files.recent_list.count() == 2, 120, "two saved runs")
        await wait_run_ends(window)
        assert_idle(window)
        assert window.runs.panel.failed_activities() == []
        await screenshot(window, "failed-retry-f5")


async def test_journey_wrong_password_asked_again_in_place(graph: GraphFixture) -> None:
    graph.run(SMALL)
    async with open_window() as window:
        profile = await add_profile(window, graph.server)
        await window.services.secrets.aset_password(profile.id, "not-the-password")
        await press(window, Qt.Key.Key_F5)
        dialog = await wait_for_widget(QInputDialog, "password-dialog", 60)
        assert isinstance(dialog, QInputDialog)
        assert "refused" in dialog.labelText()
        await wait_for(lambda: "refused" in window.connection_status.text(), 5, "status words")
        status = window.connection_status.text()
        assert "auth_failed" not in status, status
        assert "The run failed" in run_status(window)
        await screenshot(dialog, "wrong-password-dialog")
        dialog.setTextValue(graph.server.password)
        dialog.accept()
        await wait_run_ends(window)
        assert_idle(window)
        log_text = window.log_panel.text.toPlainText()
        assert "Traceback" not in log_text, log_text[-2000:]
        # The password that worked replaced the refused one.
        assert await window.services.secrets.aget_password(profile.id) == graph.server.password
        await screenshot(window, "wrong-password-then-run")


async def test_journey_escape_on_the_password_prompt_cancels_the_run(graph: GraphFixture) -> None:
    """Closing the prompt is a choice, not an error: no warning box, no "error was
    logged", no ERROR line or traceback; the Run tab says "Run cancelled"."""
    graph.run(SMALL)
    async with open_window() as window:
        profile = await add_profile(window, graph.server)
        await window.services.secrets.adelete_password(profile.id)
        await press(window, Qt.Key.Key_F5)
        dialog = await wait_for_widget(QInputDialog, "password-dialog", 60)
        assert "refused" not in dialog.labelText()
        await press(dialog, Qt.Key.Key_Escape)
        await wait_run_ends(window, "Run cancelled")
        assert_idle(window)
        assert run_status(window) == "Run cancelled: no password was entered."
        assert window.connection_status.text() == "Run cancelled"
        assert not window.statusBar().currentMessage(), window.statusBar().currentMessage()
        assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
        log_text = window.log_panel.text.toPlainText()
        assert "ERROR" not in log_text and "Traceback" not in log_text, log_text[-2000:]
        await screenshot(window, "password-prompt-cancelled")

        # The next F5 asks again and runs: cancelling left nothing behind.
        await press(window, Qt.Key.Key_F5)
        dialog = await wait_for_widget(QInputDialog, "password-dialog", 60)
        dialog.setTextValue(graph.server.password)
        dialog.accept()
        await wait_run_ends(window)
        assert_idle(window)


async def test_journey_failed_run_does_not_show_the_previous_plan(graph: GraphFixture) -> None:
    graph.run(SMALL)
    async with open_window() as window:
        profile = await add_profile(window, graph.server)
        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        assert window.runs.panel.plan_model.rowCount() > 0
        await window.services.secrets.aset_password(profile.id, "not-the-password")
        await press(window, Qt.Key.Key_F5)
        dialog = await wait_for_widget(QInputDialog, "password-dialog", 60)
        dialog.reject()
        await wait_for(lambda: window.runs.run_button.isEnabled(), 20, "Run enabled")
        assert window.runs.panel.plan_model.rowCount() == 0
        assert window.runs.panel.plan_summary.text() == ""
        assert_idle(window)
        await screenshot(window, "failed-run-no-old-plan")


async def test_journey_switch_profiles_mid_run(graph: GraphFixture) -> None:
    graph.run(SMALL)
    clients = RecordingClients()
    async with open_window(clients=clients) as window:
        await add_profile(window, graph.server, "First")
        await add_profile(window, graph.server, "Second")
        window.profiles.profile_list.setCurrentRow(0)
        first = window.profiles.current_profile()
        assert first is not None and first.name == "First"
        clients.client_class = SlowReadsClient
        await press(window, Qt.Key.Key_F5)
        await wait_running(window)
        window.profiles.profile_list.setFocus()
        await press(window.profiles.profile_list, Qt.Key.Key_Down)
        second = window.profiles.current_profile()
        assert second is not None and second.name == "Second"
        assert window.runs.cancel_button.isEnabled() and not window.runs.run_button.isEnabled()
        await wait_run_ends(window)
        assert_idle(window)
        assert window.results.source == "run on First"
        await screenshot(window, "switch-profiles-mid-run")


async def test_journey_close_mid_run_then_reopen(graph: GraphFixture) -> None:
    graph.run(SMALL)
    clients = RecordingClients()
    async with open_window(clients=clients) as window:
        await add_profile(window, graph.server, "Kept")
        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        kept_id = window.results.report.run.id if window.results.report else ""
        clients.client_class = SlowReadsClient
        await press(window, Qt.Key.Key_F5)
        await wait_running(window)
        window.close()
        await wait_for(lambda: window.finished_closing, 30, "the window to close")
        assert not any(c.driver_open for c in clients.clients)

    async with open_window() as window:
        await wait_for(lambda: window.files.recent_list.count() == 1, 10, "the saved run")
        assert [p.name for p in window.profiles.profiles] == ["Kept"]
        item = window.files.recent_list.item(0)
        window.files.recent_list.setCurrentItem(item)
        window.files.recent_list.setFocus()
        await press(window.files.recent_list, Qt.Key.Key_Return)
        await wait_for(lambda: window.results.report is not None, 20, "the last report")
        assert window.results.report is not None and window.results.report.run.id == kept_id
        await press(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
        await wait_for(lambda: window.tabs.currentIndex() == 1, 5, "Results tab")
        assert window.results.proxy.rowCount() > 0
        await screenshot(window, "close-mid-run-reopen")


async def test_journey_retry_refused_for_another_server_and_reset_on_switch(
    graph: GraphFixture,
) -> None:
    graph.run("UNWIND range(1, 20000) AS i CREATE (:Big {a: i})-[:NEXT]->(:Small {x: i})")
    clients = RecordingClients()
    async with open_window(clients=clients) as window:
        await add_profile(window, graph.server, "Here")
        elsewhere = server_settings(graph.server).model_copy(
            update={"uri": "bolt://127.0.0.1:7759"}
        )
        await window.profiles.save_profile(Profile(name="Elsewhere", connection=elsewhere), "x")
        window.profiles.select_profile(window.profiles.profiles[0].id)
        window.runs.mode_box.setCurrentIndex(window.runs.mode_box.findData("exact"))
        clients.client_class = SlowCensusClient
        await press(window, Qt.Key.Key_F5)
        await wait_run_ends(window)
        failed = window.runs.panel.failed_activities()
        assert failed
        row = window.runs.panel.rows[failed[0]]
        # Another profile selected: the Retry buttons are gone (they would retry elsewhere).
        window.profiles.select_profile(window.profiles.profiles[1].id)
        assert not row.retry.isVisible()
        # Back on the report's own server, a refusal cannot happen; on another one it does.
        window.profiles.select_profile(window.profiles.profiles[0].id)
        report = window.results.report
        assert report is not None
        window.profiles.select_profile(window.profiles.profiles[1].id)
        with pytest.raises(NeoSenseError, match="Retry runs only against the report's own"):
            window.runs.retry_target(report)
        await screenshot(window, "retry-reset-on-switch")
        log_text = window.log_panel.text.toPlainText()
        assert "Traceback" not in log_text
