"""Preparing the server when a connection is selected, so that the first F5 is not the
one that pays for Cypher planning (issue 28).

A server that has just started, or whose query cache has never seen NeoSense's texts,
spends several times longer planning a run's queries than running them: on the demo's
Northwind, a first F5 on a just-started server took 4.6-6.1 s against 0.4 s warm. Most of
that is the server loading and compiling its planner and planning texts it has not seen.

So when a connection is selected (at start-up too), or a run option that changes the texts
(mode, sample size, values), and the window is idle, this waits a moment, then does what
Show plan does without showing anything: it probes the server, reads the sizes (O(1)
reads) and has the server plan the run's texts with EXPLAIN
(core/extraction/plan_warmup.py). Nothing is read from the graph and nothing is shown but
the status bar's "Connected: …". The person's own F5 and Show plan come first: they cancel
it (it runs under the plan warm-up's task name), and so does another selection.

It never asks for anything: a profile whose password is not known yet (not in the keyring
nor typed this session) is not prepared, and every failure is logged at INFO, never shown,
because the person did not ask for it. Run > "Prepare queries when a connection is
selected" turns it off; the choice is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from ..core.logging_setup import REDACTOR
from .run_controller import RUN_TASKS, WARMUP_TASK, connected_text

if TYPE_CHECKING:
    from ..core.extraction.options import RunOptions
    from ..core.extraction.progress import ProgressEvent
    from ..core.profiles import Profile
    from .connection_status import ProfileState
    from .profiles_pane import ProfilesPane
    from .services import WindowServices
    from .tasks import TaskRegistry

log = logging.getLogger(__name__)

PREPARE_KEY = "run/prepare-on-select"
# A person moving through the connections with the arrow keys starts nothing per row; and
# the window's first paint and start-up reads go before it.
PREPARE_DELAY_MS = 800
# What the user starts themselves: while one runs, preparing would only compete with it.
USER_TASKS = (*RUN_TASKS, "plan")


def _unseen(_event: ProgressEvent) -> None:
    """A preparation's progress: nothing of it is shown (nothing is run)."""


class QueryPreparer(QObject):
    """Starts the warm-up of the selected connection's server (see module doc)."""

    def __init__(
        self,
        services: WindowServices,
        tasks: TaskRegistry,
        profiles: ProfilesPane,
        run_options: Callable[[], RunOptions],
        set_connection_state: ProfileState,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = tasks
        self.profiles = profiles
        self._run_options = run_options
        self._set_connection_state = set_connection_state
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREPARE_DELAY_MS)
        self.timer.timeout.connect(self.prepare_selected)
        profiles.selection_changed.connect(self.schedule)
        tasks.changed.connect(self._task_changed)

    @property
    def enabled(self) -> bool:
        return str(self.services.settings.value(PREPARE_KEY, "true")).lower() == "true"

    def set_enabled(self, on: bool) -> None:
        self.services.settings.setValue(PREPARE_KEY, on)
        if not on:
            self.timer.stop()
            self.tasks.cancel(WARMUP_TASK)

    def schedule(self) -> None:
        """Another connection is selected, or other run options: prepare for them once the
        choice settles."""
        self.timer.stop()
        if self.enabled and self.profiles.current_profile() is not None:
            self.timer.start()

    def _task_changed(self, name: str) -> None:
        if name in USER_TASKS and self.tasks.running(name):
            self.timer.stop()  # the person's own plan or run starts first

    def prepare_selected(self) -> None:
        """Prepare the selected connection for the current run options, in place of any
        warm-up still going (it was for another selection or other options)."""
        profile = self.profiles.current_profile()
        busy = any(self.tasks.running(name) for name in USER_TASKS)
        if profile is not None and self.enabled and not busy:
            self.tasks.start(WARMUP_TASK, self.prepare(profile))

    async def prepare(self, profile: Profile) -> int:
        """Probe, size and plan `profile`'s run texts on its server; the texts planned.
        Never raises but CancelledError (F5, another selection, the window closing)."""
        where = profile.connection.address
        try:
            password = await self.services.secrets.aget_password(profile.id)
            if password is None:
                log.info("not preparing queries on %s: its password is not known yet", where)
                return 0
            REDACTOR.register(password)  # a server's error may quote it back
            run = self.services.new_run(profile.connection, password, self._run_options(), _unseen)
            async with run:
                await run.plan()
                if (probed := run.probed) is not None:
                    self._set_connection_state(
                        profile.id, connected_text(probed.version, probed.edition, probed.address)
                    )
                result = await run.warm_plans()
        except Exception as exc:  # the person did not ask for this: logged, never shown
            log.info("preparing queries on %s failed: %s", where, exc)
            return 0
        log.info("prepared %d query texts on %s", len(result.planned), where)
        return len(result.planned)


__all__ = ["PREPARE_KEY", "QueryPreparer"]
