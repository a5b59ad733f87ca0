"""Connection-level faults between the app and a real server, through tests/fault_proxy."""

from __future__ import annotations

import time

import pytest

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.graph_client import GraphClient
from neosense_desktop.core.probe import probe_connection
from tests.fault_proxy import FaultProxy
from tests.neo4j_support import TEST_VERSION, Neo4jServer

pytestmark = pytest.mark.neo4j


def _port(server: Neo4jServer) -> int:
    return int(server.uri.rsplit(":", 1)[1])


async def _probe(uri: str, password: str, limit_s: float = 3.0):  # type: ignore[no-untyped-def]
    settings = ConnectionSettings(uri=uri, user="neo4j", connection_timeout_s=limit_s)
    async with GraphClient(settings, password, query_timeout_s=limit_s) as client:
        return await probe_connection(client)


async def test_probe_through_a_clean_proxy(neo4j_server: Neo4jServer) -> None:
    with FaultProxy(_port(neo4j_server)) as proxy:
        result = await _probe(proxy.uri, neo4j_server.password)
        assert result.version == TEST_VERSION
        assert proxy.bytes_forwarded > 0


async def test_added_latency_is_measured_not_fatal(neo4j_server: Neo4jServer) -> None:
    with FaultProxy(_port(neo4j_server)) as proxy:
        proxy.delay_s = 0.1
        result = await _probe(proxy.uri, neo4j_server.password, limit_s=10)
        assert result.latency_ms >= 100


async def test_connections_reset_on_arrival(neo4j_server: Neo4jServer) -> None:
    with FaultProxy(_port(neo4j_server)) as proxy:
        proxy.refuse_new = True
        with pytest.raises(NeoSenseError) as info:
            await _probe(proxy.uri, neo4j_server.password)
        assert info.value.code in (ErrorCode.UNREACHABLE, ErrorCode.TLS_MISMATCH)
        assert info.value.suggestions


async def test_silent_network_times_out_within_bound(neo4j_server: Neo4jServer) -> None:
    with FaultProxy(_port(neo4j_server)) as proxy:
        proxy.blackhole = True
        t0 = time.monotonic()
        with pytest.raises(NeoSenseError) as info:
            await _probe(proxy.uri, neo4j_server.password, limit_s=2)
        elapsed = time.monotonic() - t0
        assert info.value.code is ErrorCode.TIMEOUT
        # connection timeout 2 s + the client grace: never an open-ended hang
        assert elapsed < 2 + 5 + 3, elapsed
