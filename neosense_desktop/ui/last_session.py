"""Start-up reopens what the person last had: the selected connection and the report shown
(a saved run by its id, else the file it was opened from). View > Reopen last session at
start-up turns it off; the choice is kept.

What cannot be reopened (a deleted connection, a run set aside, a moved file) is passed over
with one line in the status bar, never an error box: it is a convenience, not a request.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings

if TYPE_CHECKING:
    from ..core.report import Report
    from .profiles_pane import ProfilesPane
    from .report_files import ReportFiles
    from .results_pane import ResultsPane

log = logging.getLogger(__name__)

REOPEN_KEY = "session/reopen"
PROFILE_KEY = "session/profile"
REPORT_KEY = "session/report"


class LastSession(QObject):
    def __init__(
        self,
        settings: QSettings,
        profiles: ProfilesPane,
        results: ResultsPane,
        files: ReportFiles,
        show_message: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.profiles = profiles
        self.results = results
        self.files = files
        self.show_message = show_message
        self._restoring = False
        profiles.selection_changed.connect(self._profile_selected)
        results.report_shown.connect(self._report_shown)

    @property
    def enabled(self) -> bool:
        return str(self.settings.value(REOPEN_KEY, "true")).lower() == "true"

    def set_enabled(self, on: bool) -> None:
        self.settings.setValue(REOPEN_KEY, on)

    def _profile_selected(self) -> None:
        profile = self.profiles.current_profile()
        if profile is not None and not profile.transient and not self._restoring:
            self.settings.setValue(PROFILE_KEY, profile.id)

    def _report_shown(self, report: object) -> None:
        if self._restoring or self.results.partial:
            return
        run_id = getattr(getattr(report, "run", None), "id", None)
        source = self.results.source
        path = source if source and Path(source).is_file() else None
        self.settings.setValue(REPORT_KEY, json.dumps({"run": run_id, "file": path}))

    def _remembered_report(self) -> tuple[str | None, str | None]:
        try:
            data = json.loads(str(self.settings.value(REPORT_KEY, "")))
        except ValueError:
            return None, None
        if not isinstance(data, dict):
            return None, None
        run, file = data.get("run"), data.get("file")
        return (run if isinstance(run, str) else None), (file if isinstance(file, str) else None)

    async def restore(self) -> Report | None:
        """Select the last connection and show the last report, if the setting is on."""
        if not self.enabled:
            return None
        self._restoring = True
        try:
            profile_id = self.settings.value(PROFILE_KEY)
            if isinstance(profile_id, str):
                self.profiles.select_profile(profile_id)
            return await self._reopen_report()
        finally:
            self._restoring = False

    async def _reopen_report(self) -> Report | None:
        run_id, file = self._remembered_report()
        try:
            # Off the loop: a file on a network share that went away can block for seconds.
            if file is not None and await asyncio.to_thread(Path(file).is_file):
                return await self.files.open_report(Path(file))
            if run_id is not None and self.files.summary(run_id) is not None:
                return await self.files.open_run(run_id)
        except Exception as exc:
            log.info("the last report could not be reopened: %s", exc)
            self.show_message("The last report could not be reopened; open it from Recent runs.")
            return None
        if run_id is not None or file is not None:
            self.show_message("The last report is no longer there; it was not reopened.")
        return None
