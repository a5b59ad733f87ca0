"""The connection probe against the real server."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping
from typing import Any

import pytest

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.graph_client import GraphClient, Row
from neosense_desktop.core.probe import has_default_language, probe_connection
from tests.fault_clients import RecordingClient
from tests.neo4j_support import TEST_VERSION, Neo4jServer

pytestmark = pytest.mark.neo4j


def _settings(server: Neo4jServer, **kw: object) -> ConnectionSettings:
    base: dict[str, object] = {"uri": server.uri, "user": server.user, "connection_timeout_s": 5}
    base.update(kw)
    return ConnectionSettings.model_validate(base)


async def _probe(settings: ConnectionSettings, password: str):  # type: ignore[no-untyped-def]
    async with GraphClient(settings, password) as client:
        return await probe_connection(client)


async def test_probe_reports_the_server(neo4j_server: Neo4jServer) -> None:
    result = await _probe(_settings(neo4j_server), neo4j_server.password)
    assert result.version == TEST_VERSION
    assert result.edition == "community"
    assert {"neo4j", "system"} <= {d.name for d in result.databases}
    assert result.database == "neo4j"
    assert result.apoc_present is False
    assert 0 < result.latency_ms < 5000
    assert neo4j_server.password not in result.model_dump_json()


async def test_wrong_password(neo4j_server: Neo4jServer) -> None:
    with pytest.raises(NeoSenseError) as info:
        await _probe(_settings(neo4j_server), "definitely-wrong")
    assert info.value.code is ErrorCode.AUTH_FAILED
    assert any("password" in s for s in info.value.suggestions)
    assert "definitely-wrong" not in info.value.user_text()


async def test_wrong_port(neo4j_server: Neo4jServer) -> None:
    settings = _settings(neo4j_server, uri="bolt://127.0.0.1:1")
    with pytest.raises(NeoSenseError) as info:
        await _probe(settings, neo4j_server.password)
    assert info.value.code is ErrorCode.UNREACHABLE
    assert any("port" in s for s in info.value.suggestions)
    assert info.value.context["uri"] == "bolt://127.0.0.1:1"


@pytest.mark.parametrize("scheme", ["bolt+s", "neo4j+ssc"])
async def test_tls_scheme_against_plain_server(neo4j_server: Neo4jServer, scheme: str) -> None:
    uri = neo4j_server.uri.replace("bolt://", f"{scheme}://")
    with pytest.raises(NeoSenseError) as info:
        await _probe(_settings(neo4j_server, uri=uri), neo4j_server.password)
    assert info.value.code is ErrorCode.TLS_MISMATCH
    assert any("bolt://" in s for s in info.value.suggestions)


def test_bad_scheme_is_refused_before_connecting() -> None:
    with pytest.raises(ValueError, match="unsupported scheme"):
        ConnectionSettings(uri="http://127.0.0.1:7474", user="neo4j")


async def test_missing_database(neo4j_server: Neo4jServer) -> None:
    settings = _settings(neo4j_server, database="nosuchdb")
    with pytest.raises(NeoSenseError) as info:
        await _probe(settings, neo4j_server.password)
    assert info.value.code is ErrorCode.DATABASE_MISSING
    assert "nosuchdb" in info.value.message


class _HeldComponents(RecordingClient):
    """The real client, except that dbms.components() is sent only once SHOW DATABASES has
    been (or after 5 s): a probe that waits for the version before listing the databases
    (a round trip more on a slow link) shows as that wait."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.databases_sent = asyncio.Event()
        self.held_s = 0.0

    async def read(
        self, query_name: str, cypher: str, parameters: Mapping[str, Any] | None = None, **kw: Any
    ) -> list[Row]:
        if query_name == "databases":
            self.databases_sent.set()
        if query_name == "components":
            t0 = time.perf_counter()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.databases_sent.wait(), 5)
            self.held_s = time.perf_counter() - t0
        return await super().read(query_name, cypher, parameters, **kw)


async def test_the_database_list_goes_out_with_the_version_in_one_round_trip(
    neo4j_server: Neo4jServer,
) -> None:
    async with _HeldComponents(_settings(neo4j_server), neo4j_server.password) as client:
        result = await probe_connection(client, pings=1)
    assert client.held_s < 1.0, client.sent  # SHOW DATABASES did not wait for the version
    assert {"components", "databases", "ping"} <= set(client.sent)
    assert result.version == TEST_VERSION and result.database == "neo4j"
    # 2025.06 on, the agent string asked for the defaultLanguage column, which the server
    # has (else the read fails); a new database's default is Cypher 5 on both lines.
    line = tuple(int(x) for x in TEST_VERSION.split(".")[:2])
    assert has_default_language(f"Neo4j/{TEST_VERSION}") is (line >= (2025, 6))
    assert result.default_language == "CYPHER 5"


class _AgentWithoutVersion(_HeldComponents):
    """Fault injection: the server's agent string names no version."""

    async def verify(self) -> None:
        await super().verify()
        self.server_agent = "Neo4j/dev"
        self.databases_sent.set()  # nothing to hold: only the order is looked at


async def test_an_agent_without_a_version_lists_the_databases_after_the_version(
    neo4j_server: Neo4jServer,
) -> None:
    """The probe asks for the version first, then lists the databases with the columns
    that version has: the same answer, a round trip later."""
    async with GraphClient(_settings(neo4j_server), neo4j_server.password) as plain:
        expected = await probe_connection(plain, pings=1)
    async with _AgentWithoutVersion(_settings(neo4j_server), neo4j_server.password) as client:
        result = await probe_connection(client, pings=1)
    assert client.sent.index("components") < client.sent.index("databases")
    assert result.databases == expected.databases
    assert result.default_language == expected.default_language
