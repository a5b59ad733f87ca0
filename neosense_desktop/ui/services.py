"""What the window's panes are given by the composition root (app.py), and nothing else.

Tests build the window through the same function as the app and inject faults here (a
client factory that times out, a probe that fails), never by subclassing the window.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

from ..core.client_pool import WarmClients

if TYPE_CHECKING:  # the driver and pydantic load after the first paint (ui/preload.py)
    from ..core.baselines import BaselineStore
    from ..core.connection import ConnectionSettings
    from ..core.extraction.options import RunOptions
    from ..core.extraction.progress import ProgressCallback
    from ..core.extraction.runner import ClientFactory, ExtractionRun
    from ..core.probe import ProbeResult
    from ..core.profiles import ProfileStore
    from ..core.runs import RunStore
    from ..core.secrets import SecretStore

ProbeFn = Callable[["ConnectionSettings", str], Awaitable["ProbeResult"]]
RunFactory = Callable[
    ["ConnectionSettings", str, "RunOptions", "ProgressCallback"], "ExtractionRun"
]


def pooled_probe(clients: WarmClients) -> ProbeFn:
    """Test connection through the window's warm drivers: the Run that usually follows
    finds the connection open."""

    async def probe(settings: ConnectionSettings, password: str) -> ProbeResult:
        from ..core.probe import probe_connection

        async with clients.lease(settings, password) as client:
            return await probe_connection(client)

    return probe


def pooled_run_factory(clients: WarmClients) -> RunFactory:
    """Runs that borrow the window's warm driver for their connection."""

    def make_run(
        settings: ConnectionSettings, password: str, options: RunOptions, progress: ProgressCallback
    ) -> ExtractionRun:
        from ..core.extraction.runner import ExtractionRun

        return ExtractionRun(
            settings, password, options, on_progress=progress, client_lease=clients.lease
        )

    return make_run


@dataclass(frozen=True)
class WindowServices:
    """The window's collaborators.

    Attributes:
        profiles: the saved connections file.
        secrets: passwords (OS keyring, else session memory).
        runs: where finished runs are saved and listed (None: runs are not saved).
        settings: window geometry, splitters, run mode, folders.
        clients: the warm drivers runs and Test connection borrow; closed at quit.
        make_run: builds one extraction run; None: runs borrow from `clients`. The seam
            for fault injection (run_factory_with).
        probe: Test connection; None: through `clients`.
        baselines: each connection's baseline run (None: no baselines in this window).
    """

    profiles: ProfileStore
    secrets: SecretStore
    runs: RunStore | None
    settings: QSettings
    clients: WarmClients = field(default_factory=WarmClients)
    make_run: RunFactory | None = None
    probe: ProbeFn | None = None
    baselines: BaselineStore | None = None

    @property
    def new_run(self) -> RunFactory:
        """What builds the window's runs: the injected factory, else pooled runs."""
        return self.make_run or pooled_run_factory(self.clients)

    @property
    def test_connection(self) -> ProbeFn:
        """What Test connection calls: the injected probe, else a pooled one."""
        return self.probe or pooled_probe(self.clients)


class Tab(IntEnum):
    """The window's tabs, in order (Alt+1..6)."""

    OVERVIEW = 0
    RESULTS = 1
    SCHEMA = 2
    RUN = 3
    COMPARE = 4
    HISTORY = 5


ShowTab = Callable[[Tab], None]


def run_factory_with(client_factory: ClientFactory) -> RunFactory:
    """A run factory whose runs connect through client_factory (tests inject faults here)."""

    def make_run(
        settings: ConnectionSettings, password: str, options: RunOptions, progress: ProgressCallback
    ) -> ExtractionRun:
        from ..core.extraction.runner import ExtractionRun

        return ExtractionRun(
            settings, password, options, on_progress=progress, client_factory=client_factory
        )

    return make_run
