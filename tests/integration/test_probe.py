"""The connection probe against the real server."""

from __future__ import annotations

import pytest

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.graph_client import GraphClient
from neosense_desktop.core.probe import probe_connection
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
