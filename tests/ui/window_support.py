"""Building the real main window for tests: app.py's own composition (build_services,
open_window) on the per-test folders from conftest; faults go in through its seams."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QSettings

from neosense_desktop.app import build_services
from neosense_desktop.app import open_window as app_open_window
from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.graph_client import GraphClient
from neosense_desktop.core.profiles import Profile
from neosense_desktop.core.runs import RunStore
from neosense_desktop.core.secrets import SecretStore
from neosense_desktop.ui.main_window import MainWindow
from neosense_desktop.ui.query_preparer import PREPARE_KEY
from neosense_desktop.ui.services import ProbeFn, run_factory_with
from tests.neo4j_support import Neo4jServer


class RecordingClients:
    """The client factory of the window's runs: records the GraphClients made, to check
    that they close.

    Attributes:
        client_class: the GraphClient class the next runs use (a fault injector in tests
            of failure, the real GraphClient otherwise).
    """

    def __init__(self) -> None:
        self.clients: list[GraphClient] = []
        self.client_class: type[GraphClient] = GraphClient

    def __call__(self, settings: ConnectionSettings, password: str, timeout: float) -> GraphClient:
        client = self.client_class(settings, password, query_timeout_s=timeout)
        self.clients.append(client)
        return client


@asynccontextmanager
async def open_window(
    secrets: SecretStore | None = None,
    clients: RecordingClients | None = None,
    probe: ProbeFn | None = None,
    runs: RunStore | None = None,
    *,
    pooled: bool = False,
    prepare_on_select: bool = False,
) -> AsyncIterator[MainWindow]:
    """pooled: runs borrow the window's warm drivers, as in the app (no client factory).

    prepare_on_select: the app's default (on) preparation of a selected connection's server
    (ui/query_preparer.py). Off unless a test asks: it starts on a timer after a selection,
    so it would interleave its queries with a test's own at moments that vary with the
    machine's load. Its own journeys turn it on (test_prepare_on_select_journeys.py).
    """
    settings = QSettings()
    settings.setValue(PREPARE_KEY, prepare_on_select)
    services = build_services(
        settings,
        make_run=None if pooled else run_factory_with(clients or RecordingClients()),
        probe=probe,
        secrets=secrets,
    )
    if runs is not None:
        services = dataclasses.replace(services, runs=runs)
    root = logging.getLogger()
    previous_level = root.level
    root.setLevel(logging.INFO)  # as configure_logging() does in the app
    try:
        async with app_open_window(services) as window:
            if services.settings.value("window/geometry") is None:
                window.resize(1280, 820)
            yield window
            for box in list(window.error_dialogs):
                box.close()
    finally:
        root.setLevel(previous_level)
    window.deleteLater()
    # Delete now, inside this test's loop, rather than in whichever loop runs next.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def server_settings(server: Neo4jServer, **kw: Any) -> ConnectionSettings:
    return ConnectionSettings(uri=server.uri, user=server.user, connection_timeout_s=5, **kw)


async def add_profile(window: MainWindow, server: Neo4jServer, name: str = "Local test") -> Profile:
    profile = Profile(name=name, connection=server_settings(server))
    return await window.profiles.save_profile(profile, server.password)
