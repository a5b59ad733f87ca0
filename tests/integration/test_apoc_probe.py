"""APOC on the server: the probe finds it and its version; a run finds it without reading the
version (a round trip less before its first label). A server started by scripts/neo4j-local
--apoc, always 5.26 LTS: what is looked at is the probe, whatever the server line under
test, and APOC's jars are fetched for that release."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.graph_client import GraphClient
from neosense_desktop.core.probe import probe_connection
from tests.fault_clients import RecordingClient
from tests.neo4j_support import DEFAULT_TEST_VERSION, start_own_server, stop_own_server

pytestmark = pytest.mark.neo4j
PASSWORD = os.environ.get("NEOSENSE_NEO4J_PASSWORD", "neosense-test")


@pytest.fixture(scope="module")
def apoc_uri() -> Iterator[str]:
    port, uri = start_own_server(
        "NEOSENSE_APOC_TEST_PORT", "--apoc", "--version", DEFAULT_TEST_VERSION
    )
    try:
        yield uri
    finally:
        stop_own_server(port)


def _settings(uri: str) -> ConnectionSettings:
    return ConnectionSettings.model_validate({"uri": uri, "user": "neo4j"})


async def test_the_probe_names_apoc_and_its_version(apoc_uri: str) -> None:
    async with GraphClient(_settings(apoc_uri), PASSWORD) as client:
        result = await probe_connection(client, pings=1)
    assert result.apoc_present is True
    assert result.apoc_version is not None
    assert re.match(r"\d+\.\d+", result.apoc_version), result.apoc_version
    assert f"APOC {result.apoc_version}" in result.summary()


async def test_a_run_learns_apoc_is_there_without_reading_its_version(apoc_uri: str) -> None:
    async with RecordingClient(_settings(apoc_uri), PASSWORD) as client:
        result = await probe_connection(client, pings=1, apoc_version=False)
    assert (result.apoc_present, result.apoc_version) == (True, None)
    assert "apoc" in client.sent and "apoc.version" not in client.sent
    assert "APOC (version not read)" in result.summary()

    clients: list[RecordingClient] = []

    def factory(settings: ConnectionSettings, password: str, query_timeout_s: float) -> Any:
        clients.append(RecordingClient(settings, password, query_timeout_s=query_timeout_s))
        return clients[-1]

    async with ExtractionRun(
        _settings(apoc_uri),
        PASSWORD,
        RunOptions(mode="sampled", activities=["node_labels"]),
        client_factory=factory,
    ) as run:
        report = await run.run()
    assert report.server.apoc_present is True
    sent = [name for c in clients for name in c.sent]
    assert "apoc" in sent and "apoc.version" not in sent
