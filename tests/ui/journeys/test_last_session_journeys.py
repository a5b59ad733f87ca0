"""Journey of starting again (issue 26 item 7): the app reopens the connection and the
report the person last had, and View > Reopen… turns that off."""

from __future__ import annotations

from pathlib import Path

from keyring.backends import fail

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.export import save_report
from neosense_desktop.core.paths import runs_dir
from neosense_desktop.core.profiles import Profile
from neosense_desktop.core.runs import RunStore
from neosense_desktop.core.secrets import SecretStore
from tests.ui.helpers import wait_for
from tests.ui.journeys.journey_support import screenshot
from tests.ui.report_factory import make_report
from tests.ui.window_support import open_window


def _profile(name: str) -> Profile:
    return Profile(name=name, connection=ConnectionSettings(uri="bolt://127.0.0.1:1", user="u"))


async def test_journey_start_again_where_you_left_off(tmp_path: Path) -> None:
    run = make_report(labels=3)
    RunStore(runs_dir()).save(run)
    opened = make_report(labels=5)
    opened.run.id = "20261207T080903Z-f11e00"
    file = save_report(opened, tmp_path / "shared report.json")

    async with open_window(SecretStore(fail.Keyring())) as window:
        await window.profiles.save_profile(_profile("Staging"), "pw")
        await window.profiles.save_profile(_profile("Production"), "pw")
        window.profiles.select_profile(window.profiles.profiles[0].id)
        first = window.profiles.current_profile()
        assert first is not None
        await wait_for(lambda: window.files.summary(run.run.id) is not None, 10, "the run")
        await window.files.open_run(run.run.id)
        assert window.act_reopen.isChecked()

    # Started again: the same connection selected, the same run shown.
    async with open_window(SecretStore(fail.Keyring())) as window:
        await wait_for(lambda: window.results.report is not None, 20, "the last report")
        assert window.results.report is not None
        assert window.results.report.run.id == run.run.id
        current = window.profiles.current_profile()
        assert current is not None and current.id == first.id
        await screenshot(window, "start-again-where-you-left-off")
        # A report opened from a file comes back from that file.
        await window.files.open_report(file)

    async with open_window(SecretStore(fail.Keyring())) as window:
        await wait_for(lambda: window.results.report is not None, 20, "the file's report")
        assert window.results.report is not None
        assert window.results.report.run.id == opened.run.id
        assert window.results.source == str(file)
        window.act_reopen.trigger()  # the person turns it off
        assert not window.act_reopen.isChecked()

    async with open_window(SecretStore(fail.Keyring())) as window:
        await wait_for(lambda: window.files.recent_list.count() == 1, 10, "Recent runs")
        assert window.results.report is None
        assert window.overview_stack.currentWidget() is window.welcome
        assert not window.act_reopen.isChecked()


async def test_journey_a_report_that_went_away_is_passed_over_in_words(tmp_path: Path) -> None:
    file = save_report(make_report(labels=2), tmp_path / "gone.json")
    async with open_window(SecretStore(fail.Keyring())) as window:
        await window.files.open_report(file)
    file.unlink()
    async with open_window(SecretStore(fail.Keyring())) as window:
        await wait_for(
            lambda: "no longer there" in window.statusBar().currentMessage(), 10, "the word"
        )
        assert window.results.report is None
        assert not window.error_dialogs
