"""Building the real main window for tests, on the per-test folders from conftest."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QSettings

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.graph_client import GraphClient
from neosense_desktop.core.paths import runs_dir
from neosense_desktop.core.profiles import Profile, ProfileStore, default_profiles_path
from neosense_desktop.core.secrets import SecretStore
from neosense_desktop.ui.log_panel import QtLogHandler
from neosense_desktop.ui.main_window import MainWindow
from tests.neo4j_support import Neo4jServer


class RecordingWindow(MainWindow):
    """The real window; it records the GraphClients its runs make, to check they close.

    Attributes:
        client_class: the GraphClient class the next runs use (a fault injector in tests
            of failure, the real GraphClient otherwise).
    """

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.clients: list[GraphClient] = []
        self.runs: list[Any] = []
        self.client_class: type[GraphClient] = GraphClient

    def make_run(self, settings: ConnectionSettings, password: str, options: Any) -> Any:
        from neosense_desktop.core.extraction.runner import ExtractionRun

        def factory(s: ConnectionSettings, pw: str, timeout: float) -> GraphClient:
            client = self.client_class(s, pw, query_timeout_s=timeout)
            self.clients.append(client)
            return client

        run = ExtractionRun(
            settings,
            password,
            options,
            on_progress=self.run_panel.on_progress,  # type: ignore[arg-type]
            client_factory=factory,
        )
        self.runs.append(run)
        return run


@asynccontextmanager
async def open_window(secrets: SecretStore | None = None) -> AsyncIterator[RecordingWindow]:
    import logging

    window = RecordingWindow(
        profiles=ProfileStore(default_profiles_path()),
        secrets=secrets if secrets is not None else SecretStore(),
        runs_root=runs_dir(),
        settings=QSettings(),
    )
    handler = QtLogHandler()
    root = logging.getLogger()
    previous_level = root.level
    root.setLevel(logging.INFO)  # as configure_logging() does in the app
    root.addHandler(handler)
    window.log_panel.attach(handler)
    if window.qsettings.value("window/geometry") is None:
        window.resize(1280, 820)
    window.show()
    try:
        await window.start()
        yield window
    finally:
        if not window._closed_done:
            await window.shutdown()
        root.removeHandler(handler)
        root.setLevel(previous_level)
        for box in list(window.error_dialogs):
            box.close()
        window.deleteLater()
        # Delete now, inside this test's loop, rather than in whichever loop runs next.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def server_settings(server: Neo4jServer, **kw: Any) -> ConnectionSettings:
    return ConnectionSettings(uri=server.uri, user=server.user, connection_timeout_s=5, **kw)


async def add_profile(window: MainWindow, server: Neo4jServer, name: str = "Local test") -> Profile:
    profile = Profile(name=name, connection=server_settings(server))
    return await window.save_profile(profile, server.password)
